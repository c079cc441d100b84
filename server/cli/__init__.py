"""`flask --app wsgi parindex …`: the administrator's commands, a thin adapter over the services.

Holds `main` (the command group and the general commands), `criteria` (criteria-set tools) and
`publications` (publishing and its workbooks). May import the base layer and every stage, never
`server.api` or `server.web`.
"""
