"""``--trace-hooks``: every hook call, with the plugins it reaches and how long it took, written
to standard error through pluggy's own hook-call monitoring (no wrapper of our own)."""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import TextIO

import pluggy


def trace_hooks(pm: pluggy.PluginManager, stream: TextIO) -> Callable[[], None]:
    """Write a line to ``stream`` before and after each hook call; returns the undo."""
    started: list[float] = []

    def before(hook_name: str, impls: Sequence[pluggy.HookImpl], kwargs: Mapping[str, Any]) -> None:
        names = ", ".join(impl.plugin_name for impl in reversed(impls)) or "no plugin"
        stream.write(f"consentrules: hook {hook_name} -> {names}\n")
        started.append(time.perf_counter())

    def after(
        outcome: pluggy.Result[Any],
        hook_name: str,
        impls: Sequence[pluggy.HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        elapsed = (time.perf_counter() - started.pop()) * 1000 if started else 0.0
        failed = outcome.exception
        result = f"failed: {type(failed).__name__}: {failed}" if failed else "done"
        stream.write(f"consentrules: hook {hook_name} {result} in {elapsed:.1f} ms\n")
        stream.flush()

    return pm.add_hookcall_monitoring(before, after)
