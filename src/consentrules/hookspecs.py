"""The consentrules plugin API: every hook a plugin may implement.

Implement a hook by decorating a function of the same name with :data:`consentrules.hookimpl`
in a module that is loaded as a plugin (an entry point in the ``consentrules`` group, ``-p
MODULE``, or ``CONSENTRULES_PLUGINS``). A hook implementation may accept fewer arguments than
the spec lists; arguments may be added to a spec later without breaking it.

The built-in adapters, reporters, check kinds and rule packs are plugins too and use exactly
these hooks. ``docs/plugins.md`` documents each hook with an example.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from consentrules.model import Finding
    from consentrules.model import Report
    from consentrules.model import Rule
    from consentrules.plugin.config import Config
    from consentrules.plugin.registry import AdapterRegistry
    from consentrules.plugin.registry import CheckKindRegistry
    from consentrules.plugin.registry import ClaimMatcher
    from consentrules.plugin.registry import DisclosureReaderRegistry
    from consentrules.plugin.registry import ReporterRegistry

PROJECT_NAME = "consentrules"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)

# --------------------------------------------------------------------------------------------
# Initialization
# --------------------------------------------------------------------------------------------


@hookspec(historic=True)
def consentrules_addoption(parser: argparse.ArgumentParser) -> None:
    """Add command-line options to ``consentrules check``.

    :param parser: the ``check`` subcommand's :class:`argparse.ArgumentParser`. Prefix option
        names with your plugin's name to avoid clashes (``--acme-tenant``).

    Called once per run, before the command line is parsed. Values end up in
    ``config.options`` under argparse's ``dest`` name.
    """


@hookspec(historic=True)
def consentrules_configure(config: Config) -> None:
    """The command line and plugins are final; prepare for the run.

    :param config: the run's :class:`consentrules.plugin.config.Config`.

    Called once per run, after option parsing, before rules or snapshots are loaded.
    """


# --------------------------------------------------------------------------------------------
# Registration: each of these hooks receives a registrar and calls ``add`` on it
# --------------------------------------------------------------------------------------------


@hookspec
def consentrules_register_check_kinds(registry: CheckKindRegistry) -> None:
    """Register check kinds: the ``kind`` a rule's ``check`` names.

    :param registry: call ``registry.add(kind)`` with an object that has ``name``,
        ``description``, ``params_schema`` (a JSON Schema for the ``check`` mapping),
        ``prepare(params, regions)`` and ``evaluate(rule, settings, ctx)``
        (see :class:`consentrules.plugin.registry.CheckKind`).

    A name registered twice is an error naming both plugins.
    """


@hookspec
def consentrules_register_adapters(registry: AdapterRegistry) -> None:
    """Register adapters: input formats that turn a file into a snapshot.

    :param registry: call ``registry.add(adapter)`` with an object that has ``name``,
        ``description``, ``suffixes``, ``recognizes(path, head)`` and ``load(path, config)``
        (see :class:`consentrules.plugin.registry.Adapter`).

    For each input file without ``--adapter``, adapters are asked in the order they were
    registered (pluggy's calling order: ``@hookimpl(tryfirst=True)`` on this hook moves yours
    ahead) and the first whose ``recognizes`` returns true reads it. The built-in ``native``
    adapter registers with ``trylast=True``, so a plugin's adapter is asked before it.
    """


@hookspec
def consentrules_register_disclosure_readers(registry: DisclosureReaderRegistry) -> None:
    """Register disclosure readers: sources of dated policy versions, such as an archive of a
    service's privacy policy, used with ``check --disclosures NAME:LOCATION`` and the
    ``consentrules disclosures scan|diff`` commands.

    :param registry: call ``registry.add(reader)`` with an object that has ``name``,
        ``description`` and ``read(location, config)`` returning a list of
        :class:`consentrules.Disclosure` (see
        :class:`consentrules.plugin.registry.DisclosureReader`).

    A reader that derives what each version says from its text asks
    ``config.claim_matcher()`` (see :func:`consentrules_claim_matcher`), and should keep the
    evidence: each version's ``source``, ``sha256``, ``recorded_at`` and ``claims``.
    """


@hookspec(firstresult=True)
def consentrules_claim_matcher(config: Config) -> ClaimMatcher | None:
    """Return the object that finds what a disclosure's text says, or None to leave it to
    another plugin.

    :param config: the run's configuration.
    :return: an object with ``claims(text)`` returning a list of :class:`consentrules.Claim`
        (token, the sentence it rests on, the section heading).

    The first plugin that returns a matcher wins (``firstresult``): the pattern matcher of
    consentrules-ota registers with ``trylast=True``, so a plugin with an NLP or LLM-based
    classifier replaces it by implementing this hook. Precision matters more than recall: a
    purpose claimed where the text does not state it gives false passes on timing rules.
    """


@hookspec
def consentrules_register_reporters(registry: ReporterRegistry) -> None:
    """Register reporters: output formats selected with ``--format NAME``.

    :param registry: call ``registry.add(reporter)`` with an object that has ``name``,
        ``description``, ``extension`` and ``render(report, stream, config)``
        (see :class:`consentrules.plugin.registry.Reporter`).
    """


@hookspec
def consentrules_rule_paths(config: Config) -> Sequence[str] | None:
    """Return paths of rule files or folders that this plugin ships.

    :param config: the run's configuration.
    :returns: a list of paths (files or folders of ``*.yaml`` rule files), or None.

    Used when no ``--rules`` option is given: the bundled rules are provided this way too.
    """


@hookspec
def consentrules_input_files(config: Config) -> Sequence[str] | None:
    """Return the files this plugin reads in this run (named by its own options).

    :param config: the run's configuration, with every option parsed.
    :returns: a list of paths, or None.

    No output of the run may be one of them: ``-o`` naming such a file is refused before
    anything is evaluated. The baseline and waivers plugins declare their files this way.
    """


@hookspec
def consentrules_register_ledger_engines(engines: dict[str, str]) -> None:
    """Add engines that read a consent ledger for ``--ledger`` (``--ledger-engine NAME``).

    :param engines: a mapping to add to: engine name -> the dotted name of a module whose
        ``open_ledger(path)`` returns a ledger with ``notices``, ``events``,
        ``unknown_settings(known)``, ``count(setting_id, spans, terms)`` and
        ``drift(setting_id, spans, examples)``, and optionally ``recorded_settings(known)``
        (the settings it holds events for: a finding on any other is marked not counted,
        never zero users); see ``consentrules.audit.duckdb_ledger``.
        A module name, not an object, so that worker processes import the engine themselves.

    The built-in ``ledger`` plugin registers ``duckdb`` and ``spark`` this way.
    """


# --------------------------------------------------------------------------------------------
# Rules and findings
# --------------------------------------------------------------------------------------------


@hookspec
def consentrules_modify_rules(config: Config, rules: list[Rule]) -> None:
    """Filter, reorder or replace the loaded rules, in place.

    :param config: the run's configuration.
    :param rules: every rule that will be evaluated; change the list itself (rules are frozen:
        use :func:`dataclasses.replace` to change one).
    """


@hookspec
def consentrules_modify_findings(config: Config, findings: list[Finding]) -> None:
    """Filter, reorder or replace the findings of one run, in place, before reporting.

    :param config: the run's configuration.
    :param findings: every finding of every snapshot, in the engine's deterministic order.
    """


# --------------------------------------------------------------------------------------------
# End of run
# --------------------------------------------------------------------------------------------


@hookspec
def consentrules_sessionfinish(config: Config, report: Report, exitstatus: int) -> None:
    """Every output has been written; the process is about to exit with ``exitstatus``.

    :param config: the run's configuration.
    :param report: the final report.
    :param exitstatus: the exit code the run will end with.
    """


__all__ = [
    "consentrules_addoption",
    "consentrules_claim_matcher",
    "consentrules_configure",
    "consentrules_input_files",
    "consentrules_modify_findings",
    "consentrules_modify_rules",
    "consentrules_register_adapters",
    "consentrules_register_check_kinds",
    "consentrules_register_disclosure_readers",
    "consentrules_register_ledger_engines",
    "consentrules_register_reporters",
    "consentrules_rule_paths",
    "consentrules_sessionfinish",
    "hookimpl",
    "hookspec",
]
