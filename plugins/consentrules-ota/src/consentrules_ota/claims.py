"""Claims from text: which purposes a policy version states, each with the sentence it rests on
and the heading of its section.

What a purpose looks like in a policy is data: ``patterns.yaml`` next to the code (or a file
a consultant gives) lists, per purpose (and per statement, such as ``opt_out``), ``phrases`` that state it, ``negations`` that cancel a
phrase in the same sentence ("we do not use your messages to train"), and ``ambiguous`` uses
that must not count (a course that "trains" its users). Patterns are regular expressions,
matched case-insensitively with RE2, in time linear in the text whatever the pattern.

Precision matters more than recall: a purpose claimed where the text does not state it would
make a disclosure-timing rule pass. A sentence counts only when a phrase matches and neither
a negation nor an ambiguous use does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_CELL = re.compile(r"\s*(?:\|\s*)+\|?\s*|<br\s*/?>", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(])")


@dataclass(frozen=True)
class Claim:
    purpose: str
    sentence: str
    heading: str


@dataclass(frozen=True)
class Matcher:
    """Compiled patterns for each purpose."""

    purposes: dict[str, tuple[Any, Any, Any]]  # purpose -> (phrases, negations, ambiguous)

    def claims(self, text: str) -> list[Claim]:
        found: list[Claim] = []
        seen: set[tuple[str, str]] = set()
        for heading, sentence in sentences(text):
            for purpose, (phrases, negations, ambiguous) in self.purposes.items():
                if not phrases.search(sentence):
                    continue
                if negations is not None and negations.search(sentence):
                    continue
                if ambiguous is not None and ambiguous.search(sentence):
                    continue
                if (purpose, sentence) not in seen:
                    seen.add((purpose, sentence))
                    found.append(Claim(purpose, sentence, heading))
        return found


class PatternError(ValueError):
    """A patterns file that cannot be used: its message names the purpose and the pattern."""


def _compile(patterns: list[str], where: str) -> Any:
    if not patterns:
        return None
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    for pattern in patterns:  # each alone first, so that the message names the bad one
        if not isinstance(pattern, str):
            raise PatternError(f"{where}: {pattern!r} is not a pattern (text)")
        try:
            re2.compile(pattern, options)
        except re2.error as exc:
            reason = exc.args[0] if exc.args else exc
            if isinstance(reason, bytes):
                reason = reason.decode("utf-8", "replace")
            raise PatternError(
                f"{where}: {pattern!r} is not a pattern RE2 reads ({reason}); "
                "lookarounds and back-references are not supported"
            ) from None
    return re2.compile("|".join(f"(?:{p})" for p in patterns), options)


def load_matcher(path: Path | None = None, extra: Sequence[Path] = ()) -> Matcher:
    """The patterns of ``path`` (or the plugin's own ``patterns.yaml``), extended by those of
    the ``extra`` files (``claims.yaml`` next to rule packs): the phrases, negations and
    ambiguous uses of a token add up."""
    base = (
        (str(path), path.read_text("utf-8"))
        if path is not None
        else (
            "patterns.yaml",
            (resources.files("consentrules_ota") / "patterns.yaml").read_text("utf-8"),
        )
    )
    sources = [base, *((str(p), p.read_text("utf-8")) for p in extra)]
    merged: dict[str, dict[str, list[str]]] = {}
    where: dict[str, str] = {}
    for name, text in sources:
        for section, token, part, patterns in _entries(name, text):
            merged.setdefault(token, {}).setdefault(part, []).extend(patterns)
            where.setdefault(token, f"{name}: {section}.{token}")
    compiled = {
        token: tuple(
            _compile(parts.get(part, []), f"{where[token]}.{part}")
            for part in ("phrases", "negations", "ambiguous")
        )
        for token, parts in merged.items()
    }
    return Matcher({t: v for t, v in compiled.items() if v[0] is not None})


def _entries(name: str, text: str) -> list[tuple[str, str, str, list[str]]]:
    """(section, token, part, patterns) of one patterns file."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PatternError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(section, {}), dict) for section in ("purposes", "statements")
    ):
        raise PatternError(
            f"{name}: expected 'purposes:' (and 'statements:') mapping each token to its patterns"
        )
    out = []
    for section in ("purposes", "statements"):
        for token, spec in (data.get(section) or {}).items():
            if not isinstance(spec, dict):
                raise PatternError(f"{name}: {section}.{token} must give phrases (and negations)")
            for part in ("phrases", "negations", "ambiguous"):
                patterns = spec.get(part) or []
                if not isinstance(patterns, list):
                    raise PatternError(f"{name}: {section}.{token}.{part} must be a list")
                out.append((section, str(token), part, list(patterns)))
    return out


def sentences(text: str) -> list[tuple[str, str]]:
    """(heading, sentence) for every sentence of a Markdown text, with list markers, links and
    emphasis taken out."""
    out: list[tuple[str, str]] = []
    heading = ""
    lines = text.splitlines()
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            joined = _plain(" ".join(paragraph))
            # Table cells and line breaks (<br>) end a sentence as a full stop does.
            for piece in _CELL.split(joined):
                for sentence in _SENTENCE.split(piece):
                    if sentence.strip(" |"):
                        out.append((heading, sentence.strip(" |")))
            paragraph.clear()

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        match = _HEADING.match(line.strip())
        if match:
            flush()
            heading = _plain(match.group(2))
            continue
        if (
            line.strip()
            and _UNDERLINE.match(following.strip())
            and not _UNDERLINE.match(line.strip())
        ):
            flush()
            heading = _plain(line.strip())
            continue
        if _UNDERLINE.match(line.strip()) or not line.strip():
            flush()
            continue
        paragraph.append(line.strip().lstrip("*-+ ").strip())
    flush()
    return out


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links: keep their words
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"^#+\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()
