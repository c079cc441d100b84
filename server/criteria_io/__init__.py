"""Criteria sets to and from the official tables (.xlsx / .docx): import, export, YAML output."""
