"""ParIndex: the server that runs the yearly Administrative Reform Index (PAR INDEX).

The application factory is `server.app.create_app`.
"""
