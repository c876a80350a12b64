"""The built-in check kinds, one module each; each is a plugin registering one kind."""
