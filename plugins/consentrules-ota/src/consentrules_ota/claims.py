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
from dataclasses import field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
_CELL = re.compile(r"\s*(?:\|\s*)+\|?\s*|<br\s*/?>", re.IGNORECASE)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"(\ue000])")


@dataclass(frozen=True)
class Claim:
    purpose: str
    sentence: str
    heading: str
    #: Who carries the practice out, where the sentence says (``third_parties``,
    #: ``affiliates``, ``first_party``), "" where it does not.
    recipient: str = ""


@dataclass(frozen=True)
class Matcher:
    """Compiled patterns for each purpose."""

    purposes: dict[str, tuple[Any, Any, Any]]  # purpose -> (phrases, negations, ambiguous)
    #: recipient -> the patterns of a sentence saying that recipient carries the practice out
    recipients: dict[str, Any] = field(default_factory=dict)
    cache: dict[str, tuple[tuple[str, str], ...]] = field(
        default_factory=dict, compare=False, repr=False
    )

    def claims(self, text: str) -> list[Claim]:
        """Every claim, the operative sentences of each purpose first (a sentence in which the
        service says what it does with information, before a heading-like mention)."""
        found: list[Claim] = []
        seen: set[tuple[str, str]] = set()
        for heading, sentence in sentences(text):
            for purpose, recipient in self._read(sentence):
                if (purpose, sentence) not in seen:
                    seen.add((purpose, sentence))
                    found.append(Claim(purpose, sentence, heading, recipient))
        return sorted(found, key=lambda claim: -_operative(claim.sentence))

    def _read(self, sentence: str) -> tuple[tuple[str, str], ...]:
        """(purpose, recipient) for each purpose a sentence states; the versions of a history
        share most sentences, so each is read once."""
        known = self.cache.get(sentence)
        if known is not None:
            return known
        out = []
        for purpose, (phrases, negations, ambiguous) in self.purposes.items():
            if not phrases.search(sentence):
                continue
            if negations is not None and negations.search(sentence):
                continue
            if ambiguous is not None and ambiguous.search(sentence):
                continue
            out.append((purpose, self.recipient(sentence)))
        if len(self.cache) > 500_000:
            self.cache.clear()
        self.cache[sentence] = result = tuple(out)
        return result

    def recipient(self, sentence: str) -> str:
        for name in ("third_parties", "affiliates", "first_party"):
            pattern = self.recipients.get(name)
            if pattern is not None and pattern.search(sentence):
                return name
        return ""


_WE = re.compile(r"\b(we|we'll|we\u2019ll|our|us)\b", re.IGNORECASE)
_DATA = re.compile(r"\b(information|data|content|posts|messages|activity)\b", re.IGNORECASE)


def _operative(sentence: str) -> int:
    """How much a sentence reads as the service stating a practice: it says "we" and names
    information, and is a sentence rather than a title."""
    return bool(_WE.search(sentence)) + bool(_DATA.search(sentence)) + (len(sentence.split()) >= 8)


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
            where.setdefault(token, f"{name}: {section}.{token.split(':', 1)[-1]}")
    compiled = {
        token: tuple(
            _compile(parts.get(part, []), f"{where[token]}.{part}")
            for part in ("phrases", "negations", "ambiguous")
        )
        for token, parts in merged.items()
        if not token.startswith("recipient:")
    }
    recipients = {
        token.split(":", 1)[1]: _compile(parts.get("phrases", []), f"{where[token]}.phrases")
        for token, parts in merged.items()
        if token.startswith("recipient:")
    }
    return Matcher(
        {t: v for t, v in compiled.items() if v[0] is not None},
        {name: pattern for name, pattern in recipients.items() if pattern is not None},
    )


def _entries(name: str, text: str) -> list[tuple[str, str, str, list[str]]]:
    """(section, token, part, patterns) of one patterns file."""
    import yaml

    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise PatternError(f"{name}: not valid YAML: {exc}") from None
    if not isinstance(data, dict) or not all(
        isinstance(data.get(section, {}), dict) for section in _SECTIONS
    ):
        raise PatternError(
            f"{name}: expected 'purposes:' (and 'statements:', 'recipients:') mapping each token "
            "to its patterns"
        )
    out = []
    for section in _SECTIONS:
        for key, spec in (data.get(section) or {}).items():
            token = f"recipient:{key}" if section == "recipients" else str(key)
            if not isinstance(spec, dict):
                raise PatternError(f"{name}: {section}.{key} must give phrases (and negations)")
            for part in ("phrases", "negations", "ambiguous"):
                patterns = spec.get(part) or []
                if not isinstance(patterns, list):
                    raise PatternError(f"{name}: {section}.{key}.{part} must be a list")
                out.append((section, token, part, list(patterns)))
    return out


_SECTIONS = ("purposes", "statements", "recipients")


def sentences(text: str) -> list[tuple[str, str]]:
    """(heading, sentence) for every sentence of a Markdown text, with list markers, links and
    emphasis taken out. Each list item is read on its own, after the sentence that leads into
    its list ("We also share your information with: Online advertisers ..."), as a reader
    reads it."""
    out: list[tuple[str, str]] = []
    heading = ""
    lines = text.splitlines()
    paragraph: list[str] = []
    state = {"item": False, "lead": ""}

    def flush() -> None:
        if not paragraph:
            return
        own = _paragraph(" ".join(paragraph))
        lead = state["lead"]
        found = own
        if state["item"] and lead and own:
            found = (f"{lead} {own[0]}", *own[1:])
        out.extend([(heading, sentence) for sentence in found])
        if own and own[-1].endswith(":"):
            state["lead"] = own[-1]  # a nested list's lead-in
        elif not state["item"]:
            state["lead"] = ""
        paragraph.clear()

    # Each line is stripped once, and a pattern tried only on a line that can match it (its
    # first character says): a 500-version history is millions of lines.
    stripped = [line.strip() for line in lines]
    underlined = [bool(s) and s[0] in "=-" and _UNDERLINE.match(s) is not None for s in stripped]
    underlined.append(False)  # (the line after the last)
    for index, line in enumerate(lines):
        text = stripped[index]
        if not text or underlined[index]:
            flush()
            continue
        first = text[0]
        match = _HEADING.match(text) if first == "#" else None
        if match:
            flush()
            heading, state["lead"] = _unmarked(match.group(2)), ""
            continue
        if underlined[index + 1]:
            flush()
            heading, state["lead"] = _unmarked(text), ""
            continue
        item = _ITEM.match(line) if first in "*+-" or first.isdigit() else None
        if item:
            flush()
            state["item"] = True
            paragraph.append(line[item.end() :].strip())
            continue
        if not paragraph:
            state["item"] = False
        paragraph.append(text)
    flush()
    return out


_ITEM = re.compile(r"^\s*(?:[*+-]|\d{1,3}[.)])\s+")


@lru_cache(maxsize=100_000)
def _paragraph(raw: str) -> tuple[str, ...]:
    """The sentences of a paragraph (the versions of a history share most paragraphs)."""
    out = []
    # Table cells and line breaks (<br>) end a sentence as a full stop does.
    for piece in _CELL.split(_plain(raw)):
        for sentence in _SENTENCE.split(piece):
            sentence = sentence.strip(" |")
            if not sentence or _LINK_ONLY.fullmatch(sentence):
                continue  # a link's title ("Learn how models are trained") states nothing
            out.append(sentence.replace(_OPEN, "").replace(_CLOSE, ""))
    return tuple(out)


#: Around a link's words while sentences are cut, so that a sentence that is only a link
#: (a title pointing elsewhere) can be told from one that states something.
_OPEN, _CLOSE = "\ue000", "\ue001"
_LINK_ONLY = re.compile(f"[\\s\"'(]*{_OPEN}[^{_CLOSE}]*{_CLOSE}[\\s.!?:)\"']*")


def _plain(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", rf"{_OPEN}\1{_CLOSE}", text)  # links: keep words
    text = re.sub(r"[*_`]+", "", text)
    text = re.sub(r"^#+\s*", "", text)
    return re.sub(r"\s+", " ", text).strip()


@lru_cache(maxsize=100_000)
def _unmarked(text: str) -> str:
    """A heading's words (the versions of a history share their headings)."""
    return _plain(text).replace(_OPEN, "").replace(_CLOSE, "")
