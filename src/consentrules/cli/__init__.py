"""The command line: parsing options (``main``, ``parser``), the project configuration
(``projectconfig``), the subcommands (``commands``) and running rule fixtures (``ruletests``).
A ``check`` builds a :class:`~consentrules.execute.run.Run` and hands it to
:mod:`consentrules.execute`, which runs it and returns the findings.
"""
