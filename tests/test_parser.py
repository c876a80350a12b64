"""Reading the command line builds the options of the command asked for alone."""

from __future__ import annotations

import pytest

from consentrules.cli.argparsing import command_of
from consentrules.cli.parser import build_parser


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["check", "a.yaml"], "check"),
        (["-p", "check", "rules", "list"], "rules"),  # -p takes a value, even a command's name
        (["--config", "x.yaml", "--debug", "test"], "test"),
        (["--limit=max-bytes=1", "snapshot", "show", "f"], "snapshot"),
        (["--help", "check"], None),  # the top-level help lists every command
        (["chek", "a.yaml"], None),  # not a command: the full parser says what is
        ([], None),
    ],
)
def test_the_command_of_a_command_line(argv, command):
    assert command_of(argv) == command


@pytest.mark.parametrize(
    "argv",
    [
        ["check", "a.yaml", "-o", "sarif=r.sarif", "--fail-on", "high", "--jobs", "1"],
        ["rules", "explain", "AI-TRAINING-OPT-IN-EEA", "--snapshot", "s.yaml"],
        ["baseline", "create", "s.yaml", "-o", "b.json"],
        ["disclosures", "diff", "repo", "--service", "X", "--to", "2024-01-01"],
        ["snapshot", "convert", "f.json", "-o", "g.yaml"],
        ["-p", "mine", "test", "--require-fixtures"],
    ],
)
def test_one_command_parses_as_the_whole_parser_does(argv):
    def options(parser):
        found = vars(parser.parse_args(argv))
        found.pop("_check_parser")
        return found

    assert options(build_parser(wanted=command_of(argv))) == options(build_parser())


def test_the_other_commands_are_listed_but_not_built():
    parser = build_parser(wanted="check")
    commands = next(a for a in parser._actions if a.dest == "command")
    assert set(commands.choices) >= {"check", "rules", "snapshot", "disclosures"}
    assert not any(a.dest == "rule_id" for a in commands.choices["rules"]._actions)
    assert any(a.dest == "fail_on" for a in commands.choices["check"]._actions)
