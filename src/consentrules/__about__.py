"""Version of the consentrules distribution (kept apart so `--version` imports nothing else)."""

__version__ = "0.1.0"
