"""The layout of server/ is a rule, not a habit: every import in it is checked here.

- The base layer (config, extensions, events, labels, hookspecs, plugins, downloads,
  table_files) imports no stage, and anything may import it.
- The engine imports nothing of the server; the models only the base and the engine.
- A stage may import the stages before it in STAGES, never one after it.
- The adapters (api, web, cli) import the base and the stages, never each other.
- `server.app` wires everything together and may import anything.
- No module imports itself through others (no circles), function-level imports included.

There is no allow-list: a new module that needs an exception needs a better place instead.
"""

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[1] / "server"

BASE = {"server", "server.config", "server.extensions", "server.events", "server.labels",
        "server.hookspecs", "server.plugins", "server.downloads", "server.table_files",
        "server.request_limits", "server.logs"}
# The stages in the order of the year; each may use those before it.
STAGES = ("engine", "models", "jobs", "criteria_io", "audit", "people", "campaigns", "records",
          "assessment", "appraisal", "results", "planning", "notify", "demo", "backup")
ADAPTERS = ("api", "web", "cli")


def _module_name(path: Path) -> str:
    parts = path.relative_to(SERVER.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(tree: ast.AST, modules: set[str]) -> set[str]:
    """The server modules a file imports: `from a.b import c` is a.b.c when c is a module."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("server"))
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("server"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if sub in modules else node.module)
    return found


def import_graph() -> dict[str, set[str]]:
    files = {_module_name(p): p for p in SERVER.rglob("*.py")}
    return {name: _targets(ast.parse(path.read_text(), str(path)), set(files)) - {name}
            for name, path in files.items()}


def _layer(module: str) -> str:
    if module in BASE:
        return "base"
    return module.split(".")[1]


def _allowed(source: str, target: str) -> bool:
    src, dst = _layer(source), _layer(target)
    if src == dst or source == "server.app":
        return True
    if src == "engine":
        return False
    if src == "migrations":
        return dst in ("base", "models")
    if dst == "base":
        return True
    if src == "base":
        return False
    if src in ADAPTERS:
        return dst in STAGES
    if src in STAGES and dst in STAGES:
        return STAGES.index(dst) < STAGES.index(src)
    return False


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    return sorted(f"{source} imports {target} ({_layer(source)} may not use {_layer(target)})"
                  for source, targets in graph.items() for target in targets
                  if not _allowed(source, target))


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_every_module_is_in_a_known_layer():
    known = {"base", "migrations", "app", *STAGES, *ADAPTERS}
    assert sorted(m for m in import_graph() if _layer(m) not in known) == []


def test_no_module_imports_a_layer_it_may_not_use():
    assert layer_violations(import_graph()) == []


def test_no_circles():
    assert circles(import_graph()) == []


def test_the_checks_catch_what_they_are_for():
    bad = {
        "server.engine.scoring": {"server.extensions"},
        "server.audit.log": {"server.people.permissions"},
        "server.web.views": {"server.api.files", "server.app"},
        "server.models.units": {"server.criteria_io.table_export"},
        "server.config": {"server.models"},
        "server.app": {"server.web"},
        "server.web": {"server.web.views"},
    }
    assert layer_violations(bad) == [
        "server.audit.log imports server.people.permissions (audit may not use people)",
        "server.config imports server.models (base may not use models)",
        "server.engine.scoring imports server.extensions (engine may not use base)",
        "server.models.units imports server.criteria_io.table_export "
        "(models may not use criteria_io)",
        "server.web.views imports server.api.files (web may not use api)",
        "server.web.views imports server.app (web may not use app)",
    ]
    assert circles(bad) == [["server.app", "server.web", "server.web.views"]]
