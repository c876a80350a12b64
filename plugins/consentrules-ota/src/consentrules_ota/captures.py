"""What each capture of a page is: the service's text, or a problem of the capture.

Real histories hold captures that are not the service changing its policy:

``failed``
    A capture that lost almost all its text (the page title alone, an error page): a capture
    problem, never a removal of every statement.
``other_document``
    The address now serves another document (a regional notice, an old data policy): its
    statements are not compared with the policy's.
``reread``
    Open Terms Archive changed how it reads the page ("Refilter", "Apply technical or
    declaration upgrade"): the text differs because the reading did, so a statement it lacks
    was not dropped by the service, and one it shows first may have been on the page unseen.
``alternate``
    The page shows again a text it showed before and will show the newer one again (an
    upcoming version and the current one served in turn): a flip back is not a removal.
``repeat``
    The text of the capture before a failed capture or another document, back again.

Everything else is ``None``: a change by the service.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass

from consentrules_ota.layouts import RecordedVersion

#: Captures that do not show the document's text, and those that are no change by the
#: service (the meanings consentrules gives ``DisclosureVersion.capture``).
UNUSABLE_CAPTURES = frozenset({"failed", "other_document"})
NOT_A_CHANGE = UNUSABLE_CAPTURES | {"alternate", "repeat"}
#: A capture with fewer words than this share of the one before it lost its text.
FAILED_SHARE = 0.1
#: Below this many words, a capture is not compared for a share (a short page is short).
MIN_REFERENCE_WORDS = 200
#: Texts sharing less than this share of their word sequences are different documents.
OTHER_DOCUMENT_SIMILARITY = 0.2


@dataclass(frozen=True)
class Capture:
    kind: str | None
    note: str = ""

    @property
    def usable(self) -> bool:
        """Whether the capture shows the document's text (its claims count)."""
        return self.kind not in UNUSABLE_CAPTURES


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _shingles(words: list[str], size: int = 5) -> set[int]:
    return {
        zlib.crc32(" ".join(words[i : i + size]).encode()) for i in range(len(words) - size + 1)
    }


def similarity(a: list[str], b: list[str]) -> float:
    """Share of word sequences two texts have in common (Jaccard of 5-word shingles)."""
    left, right = _shingles(a), _shingles(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def title(text: str) -> str:
    """The first heading or line of a text, without Markdown."""
    for line in text.splitlines():
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
        plain = re.sub(r"[#*_`=\-]+", " ", plain).strip()
        if len(plain) > 2:
            return plain[:80]
    return ""


def names_document(text: str, document: str) -> bool:
    """Whether the first lines of the text name the document ("Privacy Policy")."""
    lines = text[:16_384].splitlines()  # (a long text is not split whole for 15 lines)
    if len(lines) <= 15:
        lines = text.splitlines()
    head = " ".join(lines[:15]).lower()
    return document.lower() in head


def _size(words: int, text: str) -> str:
    return f"{words} word{'s' if words != 1 else ''} ({len(text.encode('utf-8'))} bytes)"


def classify(versions: Sequence[RecordedVersion], document: str) -> list[Capture]:
    """A :class:`Capture` for each recorded version, oldest first."""
    out: list[Capture] = []
    reference: RecordedVersion | None = None
    reference_words = 0
    blind = False  # captures since the reference were failed or another document
    shas = [v.sha256 for v in versions]
    for index, version in enumerate(versions):
        words = len(version.text.split())
        if reference is not None and reference_words >= MIN_REFERENCE_WORDS:
            ref_stamp = reference.recorded_at.strftime("%Y-%m-%dT%H:%M:%SZ")
            if words < FAILED_SHARE * reference_words:
                shown = title(version.text)
                out.append(
                    Capture(
                        "failed",
                        f"failed capture: {_size(words, version.text)}"
                        + (f", {shown!r}" if shown else "")
                        + f", where the capture of {ref_stamp} held {reference_words} words",
                    )
                )
                blind = True
                continue
            if (
                names_document(reference.text, document)
                and not names_document(version.text, document)
                and similarity(_words(version.text), _words(reference.text))
                < OTHER_DOCUMENT_SIMILARITY
            ):
                out.append(
                    Capture(
                        "other_document",
                        f"the address served another document ({title(version.text)!r}), "
                        f"not the {document}: its statements are not compared with the "
                        f"{document}'s",
                    )
                )
                blind = True
                continue
        if blind and reference is not None and version.sha256 == reference.sha256:
            out.append(
                Capture(
                    "repeat",
                    f"the text of {reference.recorded_at:%Y-%m-%dT%H:%M:%SZ} again, after "
                    "captures that held no usable text",
                )
            )
            blind = False
            continue
        blind = False
        if version.reread:
            out.append(
                Capture(
                    "reread",
                    "Open Terms Archive changed how it reads the page "
                    f"({version.reread}): not a change by the service",
                )
            )
        elif _alternates(shas, index):
            earlier = shas.index(version.sha256)
            out.append(
                Capture(
                    "alternate",
                    f"the text of {versions[earlier].recorded_at:%Y-%m-%dT%H:%M:%SZ} again, "
                    "before the page moves on: a flip back between texts is not a removal",
                )
            )
            continue  # the reference stays the newer text
        else:
            out.append(Capture(None))
        reference, reference_words = version, words
    return out


def _alternates(shas: Sequence[str], index: int) -> bool:
    """Whether capture ``index`` shows an older text again (not the one just before it) and
    the page moves on from it later: a flip back between an upcoming and a current text, not
    a return for good (a text shown again until the end is a real revert)."""
    if index == 0 or shas[index] == shas[index - 1]:
        return False
    if shas[index] not in shas[: index - 1]:
        return False
    return any(sha != shas[index] for sha in shas[index + 1 :])
