"""The audit stage: the append-only event log, sealed in keyed batches, and the reading of it.

Holds `chain` (writing events, the keyed hashes), `seal` (chaining committed events batch by
batch), `verify` (checking the batches with the key, anchors) and `log` (filters and pages of
the log). May import the base layer, `server.engine` and `server.models`; nothing of a later stage.
"""
