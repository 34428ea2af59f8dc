"""The code keeps the shape docs/architecture.md gives it: modules a reader can hold in mind, short
views that parse, call a service and render, and no import hidden inside a function to dodge a
loop between modules (the layer contract itself is checked by `lint-imports` in `make lint`)."""

import ast
from pathlib import Path

import pytest

CABAS = Path(__file__).resolve().parent.parent / "cabas"
MAX_MODULE_LINES = 600
MAX_VIEW_LINES = 40


def _modules():
    for path in sorted(CABAS.rglob("*.py")):
        parts = path.relative_to(CABAS).parts
        if "migrations" in parts or "tests" in parts:
            continue
        yield path


def _is_view_module(path: Path) -> bool:
    parts = path.relative_to(CABAS).parts
    return path.stem.startswith("views") or "routers" in parts or "views" in parts[:-1]


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def _name(path: Path) -> str:
    return str(path.relative_to(CABAS.parent))


def long_modules() -> list[str]:
    found = []
    for path in _modules():
        lines = len(path.read_text().splitlines())
        if lines > MAX_MODULE_LINES:
            found.append(f"{_name(path)}: {lines} lines")
    return found


def long_views() -> list[str]:
    found = []
    for path in _modules():
        if not _is_view_module(path):
            continue
        for node in _tree(path).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_VIEW_LINES:
                    found.append(f"{_name(path)}:{node.lineno} {node.name}(): {length} lines")
    return found


def _is_project_import(node) -> bool:
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or (node.module or "").split(".")[0] == "cabas"
    return any(alias.name.split(".")[0] == "cabas" for alias in node.names)


def _inner_imports(path: Path):
    lines = path.read_text().splitlines()
    tree = _tree(path)
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if path.name == "apps.py" and function.name == "ready":
            continue  # the documented place where an app hooks into the registries of lower apps
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom) and _is_project_import(node):
                above = lines[node.lineno - 2].strip()
                if not above.startswith("#") and "#" not in lines[node.lineno - 1]:
                    yield node.lineno, lines[node.lineno - 1].strip()


def unexplained_inner_imports() -> list[str]:
    return [
        f"{_name(path)}:{line} {text}"
        for path in _modules()
        for line, text in sorted(set(_inner_imports(path)))
    ]


def test_no_module_is_over_600_lines():
    assert long_modules() == []


def test_no_view_function_is_over_40_lines():
    assert long_views() == []


def test_every_import_inside_a_function_says_why_it_is_there():
    assert unexplained_inner_imports() == []


@pytest.mark.parametrize(
    ("source", "finder"),
    [
        ("x = 1\n" * (MAX_MODULE_LINES + 1), long_modules),
        ("def view(request):\n" + "    x = 1\n" * MAX_VIEW_LINES, long_views),
        ("def f():\n    from cabas.orders import services\n", unexplained_inner_imports),
    ],
)
def test_the_checks_find_what_they_look_for(tmp_path, monkeypatch, source, finder):
    package = tmp_path / "cabas" / "shop"
    package.mkdir(parents=True)
    (package / "views_example.py").write_text(source)
    monkeypatch.setattr(f"{__name__}.CABAS", tmp_path / "cabas")
    assert len(finder()) == 1
