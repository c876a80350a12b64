"""Plugins: loading, blocking, entry points, and blame when one fails."""

from __future__ import annotations

import textwrap
from importlib import metadata

import pytest

from conftest import EXAMPLES
from consentrules.model.errors import PluginError
from consentrules.plugin.config import make_config
from consentrules.plugin.manager import BUILTIN_PLUGINS

COMPLIANT = str(EXAMPLES / "ai-training-2024" / "compliant.yaml")


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name, source):
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
        return name

    return write


REPORTER = """
    from consentrules import hookimpl

    class CountReporter:
        name = "count"
        description = "number of findings"
        extension = ".txt"

        def render(self, report, stream, config):
            stream.write(f"{len(report.findings)} findings\\n")

    @hookimpl
    def consentrules_register_reporters(registry):
        registry.add(CountReporter())
"""


def test_builtins_are_plugins_registered_under_short_names():
    config = make_config(autoload=False)
    names = {info.name for info in config.pluginmanager.plugin_infos()}
    assert set(BUILTIN_PLUGINS) <= names
    assert set(config.check_kinds.names()) == {
        "opt_in_default",
        "regional_exclusion",
        "disclosure_timing",
        "condition",
        "ledger_drift",  # the check kind of the rule --ledger adds
    }


def test_block_a_builtin():
    config = make_config(["no:json"], autoload=False)
    assert "json" not in config.reporters and "text" in config.reporters


def test_p_loads_a_module_plugin(plugin_dir, consentrules_run):
    plugin_dir("count_plugin", REPORTER)
    result = consentrules_run("check", COMPLIANT, "-p", "count_plugin", "--format", "count")
    assert (result.exit_code, result.stdout) == (0, "0 findings\n")


def test_env_var_loads_plugins(plugin_dir, monkeypatch, consentrules_run):
    plugin_dir("count_plugin2", REPORTER)
    monkeypatch.setenv("CONSENTRULES_PLUGINS", "count_plugin2")
    assert consentrules_run("check", COMPLIANT, "--format", "count").stdout == "0 findings\n"


def test_duplicate_name_blames_both_plugins(plugin_dir):
    plugin_dir("dup_json", REPORTER.replace('name = "count"', 'name = "json"'))
    with pytest.raises(PluginError) as info:
        make_config(["dup_json"], autoload=False)
    message = str(info.value)
    assert "reporter 'json' is registered twice" in message
    assert "plugin 'json'" in message and "plugin 'dup_json'" in message


def test_misspelt_hook_is_an_error(plugin_dir):
    plugin_dir(
        "typo_plugin",
        """
        from consentrules import hookimpl

        @hookimpl
        def consentrules_register_reporter(registry):
            pass
    """,
    )
    with pytest.raises(PluginError) as info:
        make_config(["typo_plugin"], autoload=False)
    assert "consentrules_register_reporter" in str(info.value)
    assert info.value.plugin == "typo_plugin"


def test_wrong_hook_arguments_are_an_error(plugin_dir):
    plugin_dir(
        "argy_plugin",
        """
        from consentrules import hookimpl

        @hookimpl
        def consentrules_register_reporters(registry, colour):
            pass
    """,
    )
    with pytest.raises(PluginError) as info:
        make_config(["argy_plugin"], autoload=False)
    assert "colour" in str(info.value)


def test_plugin_import_error_names_the_plugin(plugin_dir, consentrules_run):
    plugin_dir("broken_import", "import not_a_module_anywhere\n")
    result = consentrules_run("check", COMPLIANT, "-p", "broken_import")
    assert result.exit_code == 2
    assert "plugin 'broken_import'" in result.stderr and "not_a_module_anywhere" in result.stderr


def test_reporter_that_raises_names_itself_and_leaves_no_file(
    plugin_dir, consentrules_run, tmp_path
):
    plugin_dir(
        "bad_reporter",
        REPORTER.replace(
            'stream.write(f"{len(report.findings)} findings\\n")',
            'stream.write("partial"); raise ValueError("disk full")',
        ),
    )
    out = tmp_path / "out.txt"
    result = consentrules_run(
        "check", COMPLIANT, "-p", "bad_reporter", "--format", "count", "-o", str(out)
    )
    assert result.exit_code == 2
    assert "reporter 'count' failed: ValueError: disk full" in result.stderr
    assert "plugin 'bad_reporter'" in result.stderr
    assert not out.exists() and not list(tmp_path.glob(".out.txt*"))


def test_check_kind_plugin_and_its_failure(plugin_dir, consentrules_run, tmp_path):
    plugin_dir(
        "kind_plugin",
        """
        from consentrules import hookimpl

        class Always:
            name = "always"
            description = "fires for every selected setting"
            params_schema = {"properties": {"explode": {"type": "boolean"}}}

            def prepare(self, params, regions):
                return params.get("explode", False)

            def evaluate(self, rule, settings, ctx):
                if rule.prepared:
                    raise RuntimeError("kaboom")
                for s in settings:
                    yield ctx.setting_finding(rule, s, "always fires")

        @hookimpl
        def consentrules_register_check_kinds(registry):
            registry.add(Always())
    """,
    )
    rules = tmp_path / "r.yaml"
    rules.write_text("rules:\n  - {id: A, title: t, severity: low, check: {kind: always}}\n")
    result = consentrules_run("check", COMPLIANT, "--rules", str(rules), "-p", "kind_plugin")
    assert result.exit_code == 1 and "always fires" in result.stdout
    rules.write_text(
        "rules:\n  - {id: A, title: t, severity: low, check: {kind: always, explode: true}}\n"
    )
    result = consentrules_run("check", COMPLIANT, "--rules", str(rules), "-p", "kind_plugin")
    assert result.exit_code == 2
    assert "plugin 'kind_plugin'" in result.stderr and "kaboom" in result.stderr
    assert "rule 'A'" in result.stderr


def test_plugin_options_reach_config(plugin_dir, consentrules_run):
    plugin_dir(
        "opt_plugin",
        """
        from consentrules import hookimpl

        @hookimpl
        def consentrules_addoption(parser):
            parser.add_argument("--opt-greeting", default="hi")

        @hookimpl
        def consentrules_sessionfinish(config, report, exitstatus):
            print("greeting", config.getoption("opt_greeting"), exitstatus)
    """,
    )
    result = consentrules_run("check", COMPLIANT, "-p", "opt_plugin", "--opt-greeting", "hello")
    assert result.stderr.rstrip().endswith("greeting hello 0")  # a plugin prints to stderr


def test_modify_hooks_can_filter(plugin_dir, consentrules_run):
    plugin_dir(
        "filter_plugin",
        """
        from consentrules import hookimpl

        @hookimpl
        def consentrules_modify_rules(rules):
            rules[:] = [r for r in rules if r.id == "AI-TRAIN-003"]

        @hookimpl
        def consentrules_modify_findings(findings):
            findings.append(findings[0])
    """,
    )
    violating = str(EXAMPLES / "ai-training-2024" / "violating.yaml")
    result = consentrules_run("check", violating, "-p", "filter_plugin", "--format", "json")
    ids = [f["rule_id"] for f in result.json["findings"]]
    assert ids == ["AI-TRAIN-003", "AI-TRAIN-003"]


def test_rule_paths_hook_must_return_paths(plugin_dir, consentrules_run):
    plugin_dir(
        "paths_plugin",
        """
        from consentrules import hookimpl

        @hookimpl
        def consentrules_rule_paths():
            return 42
    """,
    )
    result = consentrules_run("check", COMPLIANT, "-p", "paths_plugin")
    assert result.exit_code == 2
    assert "plugin 'paths_plugin', hook consentrules_rule_paths" in result.stderr


# Entry points ----------------------------------------------------------------------------------
class _EntryPoint:
    def __init__(self, name, value):
        self.name, self.value = name, value


class _Installed:
    """A distribution installed in a folder on ``sys.path``, as pip leaves one: a
    ``*.dist-info`` folder with its METADATA and entry_points.txt."""

    def __init__(self, root):
        self.meta = root / "consentrules_fake-9.9.dist-info"
        self.meta.mkdir(parents=True)
        (self.meta / "METADATA").write_text(
            "Metadata-Version: 2.1\nName: consentrules-fake\nVersion: 9.9\n\nA description.\n"
        )
        self.points = []

    def append(self, point):
        self.points.append(point)
        lines = ["[console_scripts]", "fake = fake:main", "", "[consentrules]"]
        lines += [f"{ep.name} = {ep.value}" for ep in self.points]
        (self.meta / "entry_points.txt").write_text("\n".join(lines) + "\n")


@pytest.fixture
def fake_entry_points(tmp_path, monkeypatch):
    site = tmp_path / "site"
    monkeypatch.syspath_prepend(str(site))
    return _Installed(site)


def test_the_entry_point_reader_agrees_with_importlib_metadata(
    fake_entry_points, tmp_path, monkeypatch
):
    """consentrules reads entry points without importlib.metadata (it costs start-up time):
    it finds what importlib.metadata finds, shadowing and all."""
    import sys

    from consentrules.plugin.entrypoints import entry_points

    fake_entry_points.append(_EntryPoint("count", "ep_count"))
    fake_entry_points.append(_EntryPoint("attr", "pkg.module:object.attribute"))
    later = tmp_path / "later"  # the same distribution further down the path: shadowed
    (later / "consentrules_fake-1.0.dist-info").mkdir(parents=True)
    (later / "consentrules_fake-1.0.dist-info" / "entry_points.txt").write_text(
        "[consentrules]\nshadowed = nowhere\n"
    )
    monkeypatch.setattr(sys, "path", [*sys.path, str(later)])
    ours = entry_points("consentrules")
    standard = {ep.name: ep for ep in metadata.entry_points(group="consentrules")}
    assert sorted(ours) == sorted(standard) and "shadowed" not in ours
    for name, ep in ours.items():
        assert ep.value == standard[name].value
        assert (ep.dist.name, ep.dist.version) == (
            standard[name].dist.name,
            standard[name].dist.version,
        )
    assert ours["attr"].value == "pkg.module:object.attribute"
    assert (ours["count"].dist.name, ours["count"].dist.version) == ("consentrules-fake", "9.9")


def test_entry_points_on_a_zip_path_fall_back_to_importlib_metadata(tmp_path):
    import zipfile

    from consentrules.plugin.entrypoints import entry_points

    archive = tmp_path / "plugins.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("zipped-1.0.dist-info/METADATA", "Name: zipped\nVersion: 1.0\n")
        z.writestr("zipped-1.0.dist-info/entry_points.txt", "[consentrules]\nzipped = zmod\n")
    found = entry_points("consentrules", [str(archive)])
    assert list(found) == ["zipped"] and found["zipped"].value == "zmod"


def test_entry_points_autoload_with_version(
    plugin_dir, fake_entry_points, monkeypatch, consentrules_run
):
    plugin_dir("ep_count", REPORTER)
    fake_entry_points.append(_EntryPoint("count", "ep_count"))
    monkeypatch.delenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD")
    result = consentrules_run("plugins")
    assert "consentrules-fake 9.9" in result.stdout
    assert consentrules_run("check", COMPLIANT, "--format", "count").exit_code == 0
    blocked = consentrules_run("check", COMPLIANT, "--format", "count", "-p", "no:count")
    assert blocked.exit_code == 2 and "unknown format 'count'" in blocked.stderr
    off = consentrules_run("check", COMPLIANT, "--format", "count", "--disable-plugin-autoload")
    assert off.exit_code == 2


def test_entry_point_by_name_with_p_even_when_autoload_is_off(
    plugin_dir, fake_entry_points, consentrules_run
):
    plugin_dir("ep_count2", REPORTER)
    fake_entry_points.append(_EntryPoint("count", "ep_count2"))
    assert consentrules_run("check", COMPLIANT, "-p", "count", "--format", "count").exit_code == 0


def test_broken_entry_point_names_its_distribution(
    fake_entry_points, monkeypatch, consentrules_run
):
    fake_entry_points.append(_EntryPoint("ghost", "ghost_module_that_is_missing"))
    monkeypatch.delenv("CONSENTRULES_DISABLE_PLUGIN_AUTOLOAD")
    result = consentrules_run("check", COMPLIANT)
    assert result.exit_code == 2
    assert "plugin 'ghost'" in result.stderr and "consentrules-fake 9.9" in result.stderr


ADAPTER = """
    import json
    from consentrules import hookimpl, InputError, Problem
    from consentrules.testing import make_snapshot

    class AcmeAdapter:
        name = "acme"
        description = "Acme export"
        suffixes = (".acme",)

        def recognizes(self, path, head):
            return path.suffix == ".acme" or head.startswith("ACME")

        def load(self, path, config):
            text = path.read_text()
            if "crash" in text:
                raise KeyError("settings")
            if "bad" in text:
                raise InputError([Problem(str(path), "Acme export is corrupt", line=2)])
            if "weird" in text:
                return {"not": "a snapshot"}
            return make_snapshot(
                {"platform": "Acme", "settings": [{"id": "acme-ai", "purposes": ["ai_training"],
                 "default": True, "regions": {"include": ["ALL"]}}]},
                path=str(path),
            )

    @hookimpl
    def consentrules_register_adapters(registry):
        registry.add(AcmeAdapter())
"""


def test_adapter_plugin_recognises_its_files(plugin_dir, consentrules_run, tmp_path):
    plugin_dir("acme_adapter", ADAPTER)
    export = tmp_path / "export.acme"
    export.write_text("ACME v1\n")
    result = consentrules_run("check", str(export), "-p", "acme_adapter")
    assert result.exit_code == 1
    assert result.report["snapshots"][0]["adapter"] == "native"  # built with make_snapshot
    settings = {f["target"]["id"] for f in result.findings if f["target"]["kind"] == "setting"}
    assert settings == {"acme-ai"}
    # by content, whatever the name, in a folder
    other = tmp_path / "folder"
    other.mkdir()
    (other / "export.txt").write_text("ACME v1\n")
    (other / "notes.md").write_text("not a snapshot\n")
    result = consentrules_run("check", str(other), "-p", "acme_adapter")
    assert [s["path"] for s in result.report["snapshots"]] == [str(other / "export.txt")]


def test_adapter_can_be_forced(plugin_dir, consentrules_run, tmp_path):
    plugin_dir("acme_adapter2", ADAPTER)
    export = tmp_path / "export.data"
    export.write_text("v1\n")
    unrecognised = consentrules_run("check", str(export), "-p", "acme_adapter2")
    assert unrecognised.exit_code == 2 and "no adapter recognises this file" in unrecognised.stderr
    forced = consentrules_run("check", str(export), "-p", "acme_adapter2", "--adapter", "acme")
    assert forced.exit_code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("crash", "adapter 'acme' failed to read"),
        ("weird", "adapter 'acme' returned dict, not a Snapshot"),
    ],
)
def test_failing_adapter_names_itself(plugin_dir, consentrules_run, tmp_path, content, message):
    plugin_dir("acme_adapter3", ADAPTER)
    export = tmp_path / "export.acme"
    export.write_text(content)
    result = consentrules_run("check", str(export), "-p", "acme_adapter3")
    assert result.exit_code == 2
    assert message in result.stderr and "plugin 'acme_adapter3'" in result.stderr


def test_adapter_input_error_is_the_users_not_the_plugins(plugin_dir, consentrules_run, tmp_path):
    plugin_dir("acme_adapter4", ADAPTER)
    export = tmp_path / "export.acme"
    export.write_text("bad")
    result = consentrules_run("check", str(export), "-p", "acme_adapter4")
    assert result.exit_code == 2
    assert f"{export}:2: error: Acme export is corrupt" in result.stderr
    assert "plugin" not in result.stderr


def test_hooks_are_called_by_pluggy_itself_with_the_guard():
    """A hook called the plain pluggy way still blames the failing plugin and hook."""
    import pytest

    from consentrules import hookimpl
    from consentrules.model.errors import PluginError
    from consentrules.plugin.manager import ConsentrulesPluginManager

    class Broken:
        @hookimpl
        def consentrules_rule_paths(self, config):
            raise RuntimeError("boom")

    manager = ConsentrulesPluginManager()
    manager.register(Broken(), name="broken")
    with pytest.raises(PluginError) as info:
        manager.hook.consentrules_rule_paths(config=None)
    assert (info.value.plugin, info.value.hook) == ("broken", "consentrules_rule_paths")
    assert "RuntimeError: boom" in str(info.value)


def test_a_historic_hook_reaches_a_plugin_registered_later():
    from consentrules import hookimpl
    from consentrules.plugin.manager import ConsentrulesPluginManager

    seen = []

    class Late:
        @hookimpl
        def consentrules_configure(self, config):
            seen.append(config)

    manager = ConsentrulesPluginManager()
    manager.call_each("consentrules_configure", config="the config")
    manager.register(Late(), name="late")
    assert seen == ["the config"]


def test_what_a_plugin_registers_is_credited_to_it():
    from consentrules.testing import make_config

    config = make_config()
    assert config.check_kinds.provider("opt_in_default") == "opt_in_default"
    assert config.reporters.provider("sarif") == "sarif"


def _catch_all_adapter(name: str, **order: bool):
    from consentrules import hookimpl
    from consentrules.testing import make_snapshot

    class CatchAll:
        description = "reads every file"
        suffixes = (".yaml",)

        def __init__(self) -> None:
            self.name = name

        def recognizes(self, path, head):
            return True

        def load(self, path, config):
            return make_snapshot({"platform": name}, path=str(path))

    class Plugin:
        @hookimpl(**order)
        def consentrules_register_adapters(self, registry):
            registry.add(CatchAll())

    Plugin.__name__ = f"{name}_plugin"  # (plugins are registered under their class's name)
    return Plugin()


def test_adapters_are_asked_in_pluggy_order_and_native_is_one_of_them():
    """No adapter is special-cased by name: the order is pluggy's calling order, and the
    native adapter is last because its hook implementation is ``trylast``."""
    from pathlib import Path

    from consentrules.execute.snapshots import pick_adapter
    from consentrules.testing import make_config

    config = make_config([_catch_all_adapter("plain"), _catch_all_adapter("first", tryfirst=True)])
    assert [a.name for a in config.adapters] == ["first", "plain", "native"]
    assert pick_adapter(config, Path(COMPLIANT)).name == "first"
    # a plugin can even put itself behind the native adapter: plugin objects handed in are
    # registered before the built-ins, and pluggy calls the later registered first
    late = make_config([_catch_all_adapter("late", trylast=True)])
    assert [a.name for a in late.adapters] == ["native", "late"]
    assert pick_adapter(make_config(), Path(COMPLIANT)).name == "native"


def test_trace_hooks_reports_every_hook_call_through_pluggy(consentrules_run):
    result = consentrules_run("check", COMPLIANT, "--trace-hooks")
    lines = result.stderr.splitlines()
    assert "consentrules: hook consentrules_register_adapters -> native" in lines
    assert any(
        line.startswith("consentrules: hook consentrules_modify_findings done in ")
        for line in lines
    )
    assert result.exit_code == 0
    quiet = consentrules_run("check", COMPLIANT)
    assert "consentrules: hook" not in quiet.stderr
