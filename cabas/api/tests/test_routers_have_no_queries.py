"""Routers answer HTTP and leave reading the database to selectors (`cabas.<app>.selectors`): no
router module touches a manager (`.objects`) or calls a queryset method, on anything.

The check reads the source (ast): it cannot tell a queryset from a dict, so `.get()`, `.update()`,
`.values()`... are refused whatever they are called on. `.all()` is allowed: it reads a relation the
selector prefetched. The decorators of the module's routers (`@router.get(...)`) are not calls on
data and are allowed.
"""

import ast
from pathlib import Path

import pytest

ROUTERS = Path(__file__).resolve().parents[1] / "routers"

# Routers not yet rewritten to read through selectors: they are expected to fail the check (and the
# test fails once they pass it, so that the name is removed from here). Remove a name to check it.
NOT_YET_CHECKED: set[str] = set()

# The QuerySet methods that build or run a query (all but `all`, see above), and their async twins.
_QUERYSET_METHODS = {
    "aggregate", "alias", "annotate", "bulk_create", "bulk_update", "contains", "count", "create",
    "dates", "datetimes", "defer", "delete", "difference", "distinct", "earliest", "exclude",
    "exists", "explain", "extra", "filter", "first", "get", "get_or_create", "in_bulk",
    "intersection", "iterator", "last", "latest", "none", "only", "order_by", "prefetch_related",
    "raw", "reverse", "select_for_update", "select_related", "union", "update", "update_or_create",
    "using", "values", "values_list",
}  # fmt: skip
QUERYSET_METHODS = frozenset(_QUERYSET_METHODS | {f"a{name}" for name in _QUERYSET_METHODS})


def _router_names(tree: ast.Module) -> set[str]:
    """The module-level names bound to `Router(...)`."""
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            func = node.value.func
            if (isinstance(func, ast.Name) and func.id == "Router") or (
                isinstance(func, ast.Attribute) and func.attr == "Router"
            ):
                names |= {target.id for target in node.targets if isinstance(target, ast.Name)}
    return names


def _router_decorators(tree: ast.Module) -> set[int]:
    """The ids of the `@router.<method>(...)` decorator calls (an operation's declaration)."""
    routers = _router_names(tree)
    decorators = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and isinstance(decorator.func.value, ast.Name)
                    and decorator.func.value.id in routers
                ):
                    decorators.add(id(decorator))
    return decorators


def queries_in(source: str, filename: str = "<router>") -> list[str]:
    """`file:line` and what was found, for each manager use and queryset method call of `source`."""
    tree = ast.parse(source, filename=filename)
    allowed = _router_decorators(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "objects":
            found.append((node.end_lineno, "uses `.objects`"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in QUERYSET_METHODS
            and id(node) not in allowed
        ):
            # The line of the method's name: a chain spread over lines names each of its own.
            found.append((node.func.end_lineno, f"calls `.{node.func.attr}()`"))
    return [f"{filename}:{line} {what}" for line, what in sorted(found)]


def _routers() -> list[Path]:
    return sorted(ROUTERS.glob("*.py"))


def _param(path: Path):
    marks = []
    if path.name in NOT_YET_CHECKED:
        marks.append(pytest.mark.xfail(reason="not yet reading through selectors", strict=True))
    return pytest.param(path, id=path.name, marks=marks)


@pytest.mark.parametrize("path", [_param(path) for path in _routers()])
def test_router_runs_no_query_of_its_own(path):
    queries = queries_in(path.read_text(), filename=f"cabas/api/routers/{path.name}")
    assert not queries, "Read through a selector (cabas.<app>.selectors) instead:\n" + "\n".join(queries)


def test_the_routers_not_yet_checked_exist():
    assert NOT_YET_CHECKED.issubset(path.name for path in _routers())


def test_it_finds_queries_and_allows_operations():
    source = """
from ninja import Router

router = Router()


@router.get("/things/{slug}")
def thing(request, slug):
    thing = Thing.objects.select_related("owner").filter(slug=slug).first()
    names = thing.parts.values_list("name", flat=True)
    count = (
        other_queryset
        .exclude(hidden=True)
        .count()
    )
    return {"parts": [part.name for part in thing.parts.all()], "size": sizes.get(slug)}
"""
    assert queries_in(source) == [
        "<router>:9 calls `.filter()`",
        "<router>:9 calls `.first()`",
        "<router>:9 calls `.select_related()`",
        "<router>:9 uses `.objects`",
        "<router>:10 calls `.values_list()`",
        "<router>:13 calls `.exclude()`",
        "<router>:14 calls `.count()`",
        "<router>:16 calls `.get()`",
    ]
