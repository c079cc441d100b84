"""The demo province: units, users, a campaign and a published earlier year.

Holds `province` (the demo data of the current year) and `published_year` (a closed, published
year). Built through the services of every stage, which it may all import.
"""
