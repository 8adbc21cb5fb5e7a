"""The apps are layered and import only downwards: no import cycle between apps (docs/DEVELOPING.md).

ipgar (users, roles, access log) < cases < pool < meetings < monitor. A director belongs to the
pool and a case refers to one: the pool builds on cases; what must flow back is a callback
registered in `cases.hooks`. Walks every import statement, also those inside functions.
"""

import ast
from pathlib import Path

from django.conf import settings

LAYERS = ["ipgar", "cases", "pool", "meetings", "monitor"]
# Modules that compose the apps (the project layer): they may import any app, and no app imports them.
COMPOSITION = {
    "ipgar.urls",
    "ipgar.home",  # each role's home page shows every app's figures
    "ipgar.retention_views",  # the privacy officer's retention pages over cases' retention
    "ipgar.management.commands.seed_demo",
}
# Demo seed steps run by seed_demo in order; they set up a story across apps.
DEMO = {"cases.demo", "cases.access.demo", "pool.demo", "pool.demo_after_cases", "meetings.demo", "monitor.demo"}


def _modules():
    base = Path(settings.BASE_DIR)
    for app in LAYERS:
        for path in sorted((base / app).rglob("*.py")):
            relative = path.relative_to(base).with_suffix("")
            if "migrations" in relative.parts:
                continue
            name = ".".join(relative.parts).removesuffix(".__init__")
            yield name, ast.parse(path.read_text(encoding="utf-8"))


def _imported_apps(tree) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & set(LAYERS)


def _graph(skip=COMPOSITION | DEMO):
    edges = {}
    for name, tree in _modules():
        if name in skip:
            continue
        app = name.split(".")[0]
        for other in _imported_apps(tree) - {app}:
            edges.setdefault((app, other), []).append(name)
    return edges


def test_every_app_imports_only_the_apps_below_it():
    upward = {
        f"{app} -> {other}": modules
        for (app, other), modules in _graph().items()
        if LAYERS.index(other) > LAYERS.index(app)
    }
    assert upward == {}


def test_no_import_cycle_between_apps():
    edges = _graph()
    following = {}
    for app, other in edges:
        following.setdefault(app, set()).add(other)

    def cycle_from(start, app, seen):
        for other in following.get(app, ()):
            if other == start:
                return [*seen, other]
            if other not in seen:
                found = cycle_from(start, other, [*seen, other])
                if found:
                    return found
        return None

    cycles = [cycle for app in LAYERS if (cycle := cycle_from(app, app, [app]))]
    assert cycles == []


def test_nothing_imports_the_composition_modules():
    importers = []
    for name, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in COMPOSITION and name not in COMPOSITION:
                importers.append(name)
    assert importers == []


def test_the_walk_sees_function_level_imports():
    tree = ast.parse("def f():\n    from pool.services import x\n")
    assert _imported_apps(tree) == {"pool"}
