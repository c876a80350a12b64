"""The command line: parsing options (``main``), the project configuration
(``projectconfig``), the subcommands (``commands``), checking many snapshots or one large one
on every core (``parallel``, ``split``, ``process``) and running rule fixtures (``ruletests``).
"""
