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
DEMO: set[str] = set()  # demo steps follow the layers too; seed_demo composes them


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


# --- only an app's own code writes its models (docs/decisions.md D8) -----------------------------

WRITES = {"create", "get_or_create", "update_or_create", "bulk_create", "bulk_update", "update", "delete", "save"}


def _foreign_models(tree, app: str) -> dict[str, str]:
    """Names this module imports from another project app's models: name -> that app."""
    names = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            parts = node.module.split(".")
            if parts[0] in LAYERS and parts[0] != app and parts[-1] == "models":
                for alias in node.names:
                    names[alias.asname or alias.name] = parts[0]
    return names


def _receiver_root(node):
    """`Model.objects.filter(...).update` -> (Model, manager name)."""
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.attr in {"objects", "history"}:
            return node.value.id
        node = node.func if isinstance(node, ast.Call) else node.value
    return None


def _cross_app_writes():
    found = []
    for name, tree in _modules():
        if name in COMPOSITION:
            continue
        app = name.split(".")[0]
        foreign = _foreign_models(tree, app)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in WRITES:
                model = _receiver_root(node.func.value)
                if model in foreign:
                    found.append(f"{name}:{node.lineno} writes {foreign[model]}.{model}")
    return found


def test_no_model_of_another_app_is_written_outside_its_services():
    assert _cross_app_writes() == []


def test_the_write_check_sees_chained_writes():
    tree = ast.parse("from pool.models import Director\nDirector.objects.filter(pk=1).update(fte=1)\n")
    assert _receiver_root(tree.body[1].value.func.value) == "Director"
    assert _foreign_models(tree, "cases") == {"Director": "pool"}
