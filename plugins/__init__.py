"""Built-in plugins that are not criteria sets: rule types, audit log, navigation."""
