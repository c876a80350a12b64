"""A run of ``consentrules check`` as one frozen value, built once and passed down explicitly.

:class:`Run` holds what every snapshot of the run is checked with: the configuration (plugin
manager, registries, read-only options), the selected rules, the snapshot files, the as-of date
and the limits. The command builds it after loading rules and finding files; the checking code
(one process, a pool of workers, or the runs of one split snapshot) receives it and nothing else.
No module keeps it: a forked worker gets it from the pool's initializer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from consentrules.model import Rule
from consentrules.model.dates import PartialDate
from consentrules.sources.limits import Limits

if TYPE_CHECKING:
    from consentrules.plugin.config import Config


@dataclass(frozen=True)
class Run:
    """One ``check``: its configuration, rules, inputs and limits."""

    config: Config
    rules: tuple[Rule, ...]
    files: tuple[Path, ...]
    as_of: PartialDate | None
    #: The options of the run (command line over project configuration): read-only.
    options: Mapping[str, Any]
    limits: Limits
    #: ``--plugin-timeout`` in seconds; None for no limit.
    plugin_timeout: float | None

    def use_in_worker(self) -> None:
        """Put the run's limits in force in a worker process (which does this run and ends)."""
        from consentrules.plugin import watchdog
        from consentrules.sources import limits

        limits.use(self.limits)
        watchdog.use(self.plugin_timeout)
