"""The sources layer: reading inputs into the model, with file and line for every problem.

``yamlsource`` reads YAML and JSON within limits (``limits``) with source maps, ``schema``
validates against the packaged JSON Schemas (``schemas/``, compiled in ``_validators``),
``snapshots`` builds snapshots, ``loading`` rule files (``bundled`` ships the packs, ``cache``
remembers them), ``walk`` walks folders, and ``adapters/`` holds the native input format.
"""
