"""Notifications: in-app messages and e-mail, sent when the other stages emit events.

Holds `notifications` (the in-app inbox) and `mail` (an outbox row written with the causing
write, delivered over SMTP by a job). The stages never import it: they emit events
(`server.events`) that the notifications plugin turns into messages. May import every stage.
"""
