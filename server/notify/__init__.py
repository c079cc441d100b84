"""Notifications: in-app messages and e-mail, sent when the other stages emit events.

Holds `notifications` (the in-app inbox) and `mail` (SMTP, after the causing write commits). The
stages never import it: they emit events (`server.events`) that the notifications plugin turns
into messages. May import every stage.
"""
