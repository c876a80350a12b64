"""What an adapter can tell every report (issue 18, points 10 and 12): its own notices, and a
snapshot dated by the file when the export carries no time."""

from __future__ import annotations

import json
import os

from consentrules import Document
from consentrules import Notice
from consentrules import hookimpl
from consentrules import read_document
from consentrules import snapshot_from_document
from consentrules.testing import run


class FlagsAdapter:
    """A vendor's flag export with no time in it: {"flags": [{"key": ..., "on": ...}]}."""

    name = "acme-flags"
    description = "Acme flag export"
    suffixes = (".json",)

    def recognizes(self, path, head):
        return '"flags"' in head

    def load(self, path, config):
        document = read_document(path)
        flags = document.data["flags"]
        settings = [
            {"id": f["key"], "purposes": f["purposes"], "default": f["on"],
             "regions": {"include": ["ALL"]}}
            for f in flags if f.get("purposes")
        ]  # fmt: skip
        skipped = [f["key"] for f in flags if not f.get("purposes")]
        notices = [
            Notice("warning", f"{len(skipped)} flags had no purpose metadata: "
                   + ", ".join(skipped), path=str(path), category="unmapped")
        ] if skipped else []  # fmt: skip
        data = {"platform": "Acme", "settings": settings}
        return snapshot_from_document(
            Document(str(path), data, document.source_map),
            config.regions,
            adapter=self.name,
            notices=notices,
            taken_at_from_file=True,
        )


class Plugin:
    @hookimpl
    def consentrules_register_adapters(self, registry):
        registry.add(FlagsAdapter())


def _export(tmp_path):
    path = tmp_path / "flags.json"
    flags = [
        {"key": "ai-train", "purposes": ["ai_training"], "on": True},
        {"key": "dark-mode", "on": True},
        {"key": "beta-banner", "on": False},
    ]
    path.write_text(json.dumps({"flags": flags}))
    os.utime(path, (1_735_000_000, 1_735_000_000))  # 2024-12-24
    return path


def test_an_adapters_notice_reaches_every_report(tmp_path):
    path = _export(tmp_path)
    result = run("check", str(path), "--format", "json", plugins=[Plugin()])
    assert result.exit_code in (0, 1), result.stderr
    messages = {n["message"]: n for n in result.report["notices"]}
    warning = next(m for m in messages if "had no purpose metadata" in m)
    assert "dark-mode, beta-banner" in warning and messages[warning]["level"] == "warning"
    text = run("check", str(path), "--color", "never", plugins=[Plugin()])
    assert "2 flags had no purpose metadata" in " ".join(text.stdout.split())
    parallel = run("check", str(path), str(_copy(tmp_path, path)), "--jobs", "2",
                   "--format", "json", plugins=[Plugin()])  # fmt: skip
    assert sum("had no purpose metadata" in n["message"] for n in parallel.report["notices"]) == 2


def _copy(tmp_path, path):
    other = tmp_path / "more" / "flags.json"
    other.parent.mkdir()
    other.write_bytes(path.read_bytes())
    return other


def test_an_export_without_time_is_dated_by_the_file_and_says_so(tmp_path):
    path = _export(tmp_path)
    result = run("check", str(path), "--format", "json", plugins=[Plugin()])
    (snapshot,) = result.report["snapshots"]
    assert snapshot["taken_at"] == "2024-12-24"
    dated = [n for n in result.report["notices"] if n["category"] == "file_date"]
    assert dated and "last modified" in dated[0]["message"]
