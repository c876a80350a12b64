"""Built-in adapters (input formats); each is a plugin registering one adapter."""
