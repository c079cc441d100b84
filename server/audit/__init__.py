"""The audit stage: the append-only, hash-chained event log and the reading of it.

Holds `chain` (writing events and verifying the hash chain) and `log` (filters and pages of the
log). May import the base layer, `server.engine` and `server.models`; nothing of a later stage.
"""
