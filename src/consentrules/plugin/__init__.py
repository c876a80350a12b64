"""The plugin layer: the hook machinery every other layer plugs into.

``manager`` finds and loads plugins (built-in ones through the same hooks), ``registry`` holds
the check kinds, adapters and reporters they register, ``config`` is the configuration of one
run, and ``watchdog`` guards the code plugins run (time limit, standard output, ``sys.exit``).
"""
