"""Claims from text: which purposes a policy version states, each with the sentence it rests on
and the heading of its section.

What a purpose looks like in a policy is data: ``patterns.yaml`` next to the code (or a file
a consultant gives) lists, per purpose, ``phrases`` that state it, ``negations`` that cancel a
phrase in the same sentence ("we do not use your messages to train"), and ``ambiguous`` uses
that must not count (a course that "trains" its users). Patterns are regular expressions,
matched case-insensitively with RE2, in time linear in the text whatever the pattern.

Precision matters more than recall: a purpose claimed where the text does not state it would
make a disclosure-timing rule pass. A sentence counts only when a phrase matches and neither
a negation nor an ambiguous use does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_UNDERLINE = re.compile(r"^(=+|-+)\s*$")
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


def _compile(patterns: list[str]) -> Any:
    if not patterns:
        return None
    import re2

    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    return re2.compile("|".join(f"(?:{p})" for p in patterns), options)


def load_matcher(path: Path | None = None) -> Matcher:
    """The patterns of ``path``, or the plugin's own ``patterns.yaml``."""
    import yaml

    text = (
        path.read_text("utf-8")
        if path is not None
        else (resources.files("consentrules_ota") / "patterns.yaml").read_text("utf-8")
    )
    data = yaml.safe_load(text) or {}
    purposes = {}
    for purpose, spec in (data.get("purposes") or {}).items():
        purposes[purpose] = (
            _compile(list(spec.get("phrases") or [])),
            _compile(list(spec.get("negations") or [])),
            _compile(list(spec.get("ambiguous") or [])),
        )
    return Matcher({p: v for p, v in purposes.items() if v[0] is not None})


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
            for sentence in _SENTENCE.split(joined):
                if sentence.strip():
                    out.append((heading, sentence.strip()))
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
