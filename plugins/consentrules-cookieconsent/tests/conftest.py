pytest_plugins = ["consentrules.testing"]
