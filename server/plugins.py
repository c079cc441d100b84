"""The plugin manager: registers the built-in plugins, then the `parindex` entry-point group."""

import importlib
from importlib import metadata

import pluggy

from server import hookspecs

# The core's own features are plugins too: that keeps the hooks honest.
BUILTINS = {
    "rule-types": "plugins.rule_types",
    "audit": "plugins.audit",
    "notifications": "plugins.notifications",
    "core-menu": "plugins.core_menu",
    "storage-local": "plugins.storage_local",
    "storage-s3": "plugins.storage_s3",
    "province-2017": "criteria.province_2017",
    "province-2020": "criteria.province_2020",
    "ministry-2022": "criteria.ministry_2022",
    "department": "criteria.department",
    "district": "criteria.district",
    "commune": "criteria.commune",
}
ENTRY_POINT_GROUP = "parindex"


def build_plugin_manager(allow: list[str] | None = None,
                         extra_modules: list[str] | None = None) -> pluggy.PluginManager:
    """Return a manager with the built-in plugins, the modules named in `extra_modules` (a
    deployment's own plugins, not packaged) and the installed ones; only those in `allow` if given.
    """
    pm = pluggy.PluginManager("parindex")
    pm.add_hookspecs(hookspecs)
    for name, module in {**BUILTINS, **{m: m for m in extra_modules or ()}}.items():
        if not allow or name in allow:
            pm.register(importlib.import_module(module), name=name)
    for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
        if allow and entry_point.name not in allow:
            pm.set_blocked(entry_point.name)
    pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
    return pm


def describe_plugins(pm: pluggy.PluginManager) -> list[dict]:
    """Name, version, origin and implemented hooks of every registered plugin. The origin is
    "built-in", the installed package that brought it, or "PARINDEX_PLUGIN_MODULES: <file>" for a
    deployment's own module (versioned by its `__version__`, if any)."""
    own_version = metadata.version("parindex")
    distributions = {id(plugin): dist for plugin, dist in pm.list_plugin_distinfo()}
    rows = []
    for name, plugin in sorted(pm.list_name_plugin()):
        if plugin is None:  # blocked by the allow-list
            continue
        dist = distributions.get(id(plugin))
        if dist:
            version, origin = dist.version, dist.metadata["name"]
        elif BUILTINS.get(name) == getattr(plugin, "__name__", None):
            version, origin = own_version, "built-in"
        else:
            version = str(getattr(plugin, "__version__", "–"))
            origin = f"PARINDEX_PLUGIN_MODULES: {getattr(plugin, '__file__', None) or name}"
        rows.append({"name": name, "version": version, "origin": origin,
                     "hooks": sorted(h.name for h in pm.get_hookcallers(plugin) or ())})
    return rows
