"""The CI layer: baselines and waivers, built-in plugins on the findings hook.

The core knows none of their options: each adds its own through ``consentrules_addoption`` and
acts in ``consentrules_modify_findings``.
"""
