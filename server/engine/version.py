"""The engine's own version, written into every score result and publication snapshot."""

# Bump the major number whenever a change could alter a score computed from the same inputs.
ENGINE_VERSION = "1.0.0"
