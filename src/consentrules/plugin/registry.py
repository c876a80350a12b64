"""Registrars handed to the ``consentrules_register_*`` hooks, and the contracts of their items.

A registry maps a name to an item and remembers which plugin provided it. Registering a name
twice is a :class:`PluginError` naming both plugins: never "last one wins".
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from pathlib import Path
from typing import IO
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import Protocol
from typing import TypeVar
from typing import runtime_checkable

from consentrules.model.errors import PluginError

if TYPE_CHECKING:
    from consentrules.engine.evaluation import EvalContext
    from consentrules.model import Claim
    from consentrules.model import Disclosure
    from consentrules.model import Finding
    from consentrules.model import Report
    from consentrules.model import Rule
    from consentrules.model import Setting
    from consentrules.model import Snapshot
    from consentrules.model.regions import RegionRegistry
    from consentrules.plugin.config import Config


class ParamError(ValueError):
    """Raised by :meth:`CheckKind.prepare` for a parameter a schema cannot judge.

    ``key`` is the parameter's key path inside ``check`` (e.g. ``("regions", 2)``), so that the
    error points at the right line.
    """

    def __init__(self, message: str, key: Sequence[str | int] = (), hint: str | None = None):
        self.key = tuple(key)
        self.hint = hint
        super().__init__(message)


@runtime_checkable
class CheckKind(Protocol):
    """A kind of check a rule can name in ``check: {kind: ...}``."""

    #: The name rules use, e.g. ``opt_in_default``.
    name: str
    #: One line saying what the kind checks.
    description: str
    #: JSON Schema of the ``check`` mapping (``kind`` is allowed automatically).
    params_schema: Mapping[str, Any]
    #: Optional (absent means False): True promises that the kind judges each setting on its
    #: own, so consentrules may evaluate a large snapshot in parts (docs/plugins.md says what
    #: exactly is promised). Leave it out for a kind that compares settings with each other.
    per_setting: bool
    # Optional too: ``applies(rule, setting) -> bool``, whether the rule's premise holds for a
    # setting; the report's coverage counts the others as not applicable.

    def prepare(self, params: Mapping[str, Any], regions: RegionRegistry) -> Any:
        """Check and pre-compute the parameters once per rule; raise :class:`ParamError`."""
        ...

    def evaluate(
        self, rule: Rule, settings: Sequence[Setting], ctx: EvalContext
    ) -> Iterable[Finding]:
        """Yield findings for the settings the rule's selector picked, in a stable order."""
        ...


@runtime_checkable
class Adapter(Protocol):
    """An input format: turns a file into a :class:`Snapshot`."""

    name: str
    description: str
    #: File name endings it usually reads, e.g. ``(".json",)``.
    suffixes: tuple[str, ...]

    def recognizes(self, path: Path, head: str) -> bool:
        """Whether this adapter reads the file; ``head`` is its first 4 KiB of text."""
        ...

    def load(self, path: Path, config: Config) -> Snapshot:
        """Read the file; raise :class:`consentrules.InputError` for bad content."""
        ...


@runtime_checkable
class Reporter(Protocol):
    """An output format."""

    name: str
    description: str
    #: The usual file name ending, e.g. ``.sarif``.
    extension: str

    def render(self, report: Report, stream: IO[str], config: Config) -> None:
        """Write the whole report to ``stream``."""
        ...


@runtime_checkable
class DisclosureReader(Protocol):
    """A source of dated disclosure versions (a policy history): ``check --disclosures
    NAME:LOCATION`` adds what it reads to every snapshot, and ``consentrules disclosures``
    shows it."""

    name: str
    description: str

    def read(self, location: str, config: Config) -> Sequence[Disclosure]:
        """The documents at ``location``, each with its versions, oldest first; raise
        :class:`consentrules.InputError` for a location that cannot be read. The run's
        ``--service`` and ``--document`` options (``config.getoption``) say what to select."""
        ...


@runtime_checkable
class ClaimMatcher(Protocol):
    """Finds what a disclosure's text says: purposes and statements, with the sentence each
    rests on (``consentrules_claim_matcher`` returns one)."""

    def claims(self, text: str) -> Sequence[Claim]: ...


T = TypeVar("T")


class Registry(Generic[T]):
    """Name -> item, remembering the providing plugin."""

    #: What the items are called in messages ("check kind", "adapter", "reporter").
    what = "item"

    def __init__(self) -> None:
        self._items: dict[str, T] = {}
        self._providers: dict[str, str] = {}

    def bound(self, plugin: str) -> Registrar[T]:
        """This registry as one plugin sees it in its ``consentrules_register_*`` hook: what
        it adds is credited to it (the plugin manager hands plugins these)."""
        return Registrar(self, plugin)

    def add(self, item: T, plugin: str = "<unknown>") -> T:
        """Register ``item`` under its name, provided by ``plugin``."""
        name = getattr(item, "name", None)
        if not isinstance(name, str) or not name:
            raise PluginError(f"{self.what} {item!r} has no name", plugin=plugin)
        if name in self._items:
            raise PluginError(
                f"{self.what} {name!r} is registered twice: by plugin "
                f"{self._providers[name]!r} and by plugin {plugin!r}",
                plugin=plugin,
            )
        self._check(item, plugin)
        self._items[name] = item
        self._providers[name] = plugin
        return item

    def _check(self, item: T, plugin: str) -> None:
        pass

    def get(self, name: str) -> T:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[T]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def names(self) -> list[str]:
        return list(self._items)

    def provider(self, name: str) -> str:
        return self._providers[name]

    @contextlib.contextmanager
    def blame(self, name: str, action: str) -> Iterator[None]:
        """Turn an unexpected exception raised by item ``name`` into a :class:`PluginError`
        that names the item and the plugin that provided it (the project's own errors, such as
        an adapter's :class:`InputError`, pass through)."""
        from consentrules.plugin import watchdog

        plugin = self.provider(name)
        with watchdog.guarded(
            f"{self.what} {name!r} of plugin {plugin!r}",
            plugin,
            prefix=f"{self.what} {name!r} {action}: ",
        ):
            yield


class Registrar(Generic[T]):
    """A registry bound to one plugin: ``add`` credits the item to it; everything else reads
    the registry."""

    def __init__(self, registry: Registry[T], plugin: str) -> None:
        self._registry = registry
        self.plugin = plugin

    def add(self, item: T) -> T:
        return self._registry.add(item, self.plugin)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._registry, name)

    def __contains__(self, name: object) -> bool:
        return name in self._registry

    def __iter__(self) -> Iterator[T]:
        return iter(self._registry)

    def __len__(self) -> int:
        return len(self._registry)


def _require(item: object, attrs: Iterable[str], what: str, plugin: str) -> None:
    missing = [a for a in attrs if not hasattr(item, a)]
    if missing:
        raise PluginError(
            f"{what} {getattr(item, 'name', item)!r} lacks {', '.join(missing)}", plugin=plugin
        )


class CheckKindRegistry(Registry["CheckKind"]):
    what = "check kind"

    def per_setting(self, name: str) -> bool:
        """Whether kind ``name`` declares that it judges settings one at a time."""
        return getattr(self.get(name), "per_setting", False) is True

    def _check(self, item: CheckKind, plugin: str) -> None:
        _require(item, ("description", "params_schema", "prepare", "evaluate"), self.what, plugin)


class AdapterRegistry(Registry["Adapter"]):
    what = "adapter"

    def _check(self, item: Adapter, plugin: str) -> None:
        _require(item, ("description", "suffixes", "recognizes", "load"), self.what, plugin)


class DisclosureReaderRegistry(Registry["DisclosureReader"]):
    what = "disclosure reader"

    def _check(self, item: DisclosureReader, plugin: str) -> None:
        _require(item, ("description", "read"), self.what, plugin)


class ReporterRegistry(Registry["Reporter"]):
    what = "reporter"

    def _check(self, item: Reporter, plugin: str) -> None:
        _require(item, ("description", "extension", "render"), self.what, plugin)
