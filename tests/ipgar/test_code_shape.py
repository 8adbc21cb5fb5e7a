"""The shape of the code (docs/DEVELOPING.md): no function over 60 lines outside migrations."""

import ast
from pathlib import Path

from django.conf import settings

LIMIT = 60


def function_lengths():
    base = Path(settings.BASE_DIR)
    for path in sorted(base.rglob("*.py")):
        relative = path.relative_to(base)
        if relative.parts[0] in {".venv", "var", "node_modules"} or "migrations" in relative.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield (relative.as_posix(), node.name), node.end_lineno - node.lineno + 1


def test_no_function_is_over_60_lines_outside_migrations():
    too_long = {key: length for key, length in function_lengths() if length > LIMIT}
    assert too_long == {}
