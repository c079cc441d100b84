"""Built-in criteria-set plugins, one package per set (see docs/criteria-sets.md)."""
