"""The argument parser's machinery: the command a command line asks for (only its options are
built), a help formatter that does not import shutil, and suggestions for a misspelt option."""

from __future__ import annotations

import sys
from typing import Any


def _long_options(parser: Any) -> set[str]:
    """Every ``--option`` of a parser and of its subcommands' parsers."""
    out: set[str] = set()
    for action in parser._actions:
        out.update(option for option in action.option_strings if option.startswith("--"))
        choices = getattr(action, "choices", None)
        if isinstance(choices, dict):  # a subcommand: its parsers
            for sub in choices.values():
                if hasattr(sub, "_actions"):
                    out |= _long_options(sub)
    return out


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it (``$COLUMNS``, else the
    terminal of standard output, else 80), without importing shutil: argparse imports it (and
    with it zlib, bz2 and lzma) to build every help formatter, which every run does."""
    import os

    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80


def formatter_class() -> Any:
    import argparse

    class Formatter(argparse.RawDescriptionHelpFormatter):
        def __init__(
            self,
            prog: str,
            indent_increment: int = 2,
            max_help_position: int = 24,
            width: int | None = None,
        ) -> None:
            width = _columns() - 2 if width is None else width
            super().__init__(prog, indent_increment, max_help_position, width)

    return Formatter


def parser_class() -> Any:
    """An argument parser that suggests the nearest option for one it does not know."""
    import argparse

    class Parser(argparse.ArgumentParser):
        def error(self, message: str) -> Any:
            import difflib

            if message.startswith("unrecognized arguments:"):
                known = sorted(_long_options(self))
                for word in message.split(":", 1)[1].split():
                    name = word.split("=", 1)[0]
                    if name.startswith("--"):
                        close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
                        if close:
                            message += f" (did you mean {close[0]}?)"
                            break
            super().error(message)

    return Parser


#: Global options that take a value (the word after them is not a command).
_VALUE_OPTIONS = ("-p", "--config", "--limit", "--plugin-timeout")

COMMANDS = (
    "check",
    "baseline",
    "rules",
    "test",
    "schema",
    "snapshot",
    "disclosures",
    "init",
    "plugins",
)


def command_of(argv: list[str]) -> str | None:
    """The command a command line asks for, where it is plain (None where help is asked for
    before it, or it is not one of :data:`COMMANDS`)."""
    words = iter(argv)
    for word in words:
        if word in ("-h", "--help", "--"):
            return None
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word if word in COMMANDS else None
    return None


class Unbuilt:
    """Stands for the parser of a command this run does not ask for: the calls that would add
    its options are ignored. Adding options is most of the time it takes to read a command
    line, and every command adds dozens (with each plugin's, for several of them)."""

    def __getattr__(self, name: str) -> Any:
        return self._ignore

    def _ignore(self, *args: Any, **kwargs: Any) -> Any:
        return self
