"""Every hook a ParIndex plugin can implement.

A plugin is a module (or object) with functions marked ``@hookimpl``::

    import pluggy
    hookimpl = pluggy.HookimplMarker("parindex")

    @hookimpl
    def parindex_criteria_sets():
        return [Path(__file__).with_name("criteria.yaml")]

Built-in plugins are registered by ``server.plugins``; third-party plugins register themselves
through the ``parindex`` entry-point group of their own ``setup.cfg``. Hooks that return values are
called for every plugin and their results are collected in a list.

``PARINDEX_HOOKS_VERSION`` changes its major number whenever a hook changes in a way that would
break an existing plugin.
"""

import pluggy

PARINDEX_HOOKS_VERSION = "1.0"

hookspec = pluggy.HookspecMarker("parindex")
hookimpl = pluggy.HookimplMarker("parindex")


@hookspec
def parindex_criteria_sets():
    """Called once when the criteria registry is built (at app start and by CLI commands).

    Return a list of paths to criteria-set YAML files (format: ``docs/criteria-sets.md``).
    Each file is loaded and strictly validated; a file that does not validate is refused with
    every problem listed, and the rest still load.
    """


@hookspec
def parindex_rule_types():
    """Called once when the criteria registry is built, before any set is loaded.

    Return a list of ``server.engine.RuleType`` subclasses; each class's ``name`` is the
    ``rule: {type: ...}`` a criteria set may then use. Two plugins may not define the same name.
    """


@hookspec
def parindex_event(event):
    """Called after every write the server makes (a score saved, a state changed, a user created).

    ``event`` is a ``server.events.Event`` (actor, action, object type and id, unit, before,
    after, reason, request id). It is called inside the write's transaction: a plugin may add rows
    to ``db.session`` (the audit log does) and they commit or roll back with the write. Return
    nothing. Slow work (e-mail) belongs after the commit, not here.
    """


@hookspec
def parindex_register_commands(cli):
    """Called when the ``flask parindex`` command group is built.

    ``cli`` is that ``click.Group``; add commands to it with ``cli.add_command`` or
    ``@cli.command()``. Return nothing.
    """


@hookspec
def parindex_menu_items(user):
    """Called for every page of the web UI to build the navigation.

    ``user`` is the logged-in ``server.models.User`` (or an anonymous user). Return a list of
    ``{"label": str, "href": str}`` the user may see, or an empty list. An entry may name a
    ``"group"`` (a translated label such as the core's "Kết quả"): the entries of one group are
    shown together; a long menu (an administrator's) folds each group of several under its name.
    """


@hookspec(firstresult=True)
def parindex_evidence_storage(name, config):
    """Called once per app (lazily, at the first evidence upload or download) to get the store.

    ``name`` is the ``PARINDEX_EVIDENCE_STORAGE`` setting (``local`` by default, ``s3``...);
    ``config`` is the app's config mapping. A plugin that provides the backend called ``name``
    returns an object with ``put(key, fileobj) -> None`` (store the stream under ``key``; the
    key is the SHA-256 of the bytes, so putting an existing key again is a no-op; the key must
    never name half-written bytes), ``open(key)`` (a readable binary stream),
    ``exists(key) -> bool``, ``check()`` (raise unless the store can be read and written:
    `/readyz` calls it), ``delete(key)``, ``stored()`` (an iterator of (key, last modified)) and
    ``sweep(before) -> int`` (remove what interrupted uploads left before that instant); any
    other plugin returns None. The first answer wins.
    """
