"""Backup and restore: the whole database and every stored evidence file, in one folder.

A backup is a folder anyone can read with standard tools:
  manifest.json           format, schema revision, when, and each table's rows and SHA-256
  tables/<table>.jsonl    one JSON object per row, in primary-key order
  evidence/<key>          the stored files, named by their SHA-256 key

It is logical (rows, not a database engine's dump), so it restores on SQLite or PostgreSQL
alike, and only into an empty database migrated to the same schema revision and an evidence
store holding nothing the backup refers to differently. The audit log and its sealed batches
are restored row for row, so `audit verify` holds after a restore exactly when it held at the
backup, provided the audit key (kept outside the database, so not in the backup) is restored
too; without it the log reads but `audit verify` says the key is missing.
This stage may import every earlier stage.
"""
