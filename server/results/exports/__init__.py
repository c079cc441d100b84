"""Spreadsheets and other files built from engine results."""
