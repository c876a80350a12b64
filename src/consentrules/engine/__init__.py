"""The engine layer: judging snapshots against rules, with no I/O.

``evaluate`` runs each rule's check kind on the settings its selector picks; ``evaluation``
holds what check kinds share about settings over time, regions and selection, and ``findings``
how they build findings; ``checks/`` holds the built-in check kinds, each a plugin.
"""
