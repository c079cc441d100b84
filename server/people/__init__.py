"""People: users, logins and API tokens, roles and what each role may read or edit.

Holds `auth` (passwords, sessions, tokens), `permissions` (who may read or edit which unit) and
`users` (creating users and their roles). May import the base layer, `server.engine`,
`server.models` and `server.audit`.
"""
