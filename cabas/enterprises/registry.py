"""Hooks through which higher apps add to the public enterprise page without enterprises importing them.

enterprises sits below catalogue and cycles (docs/architecture.md, "Layers"): it never imports
them. An app that has something to show on the public page of an enterprise (`/<slug>/`)
registers it here, from its `AppConfig.ready()`:

- `register_public_page_section(function, annotations=None)`: `function(enterprise)` returns a
  dict added to the page's template context. `annotations` maps names to functions that return
  a query expression (e.g. an `Exists`); each is annotated on the enterprise's own query, so a
  section that only needs a yes/no costs no extra query, and `function` reads it as an
  attribute of `enterprise`. An annotation name is registered once.

Sections run in registration order (the order of INSTALLED_APPS).

- `register_featured_shop_condition(function)`: `function()` returns a boolean expression (e.g. an
  `Exists`) that a shop must meet to be featured on the home page (cycles: it sells in a cycle
  still to close). Every registered condition must hold.
- `register_dashboard_items(function)`: `function(enterprise, role)` returns the to-do items the
  dashboard lists for that member (dicts with `label` and `url`), only those still to do: an item
  disappears once done.
"""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Expression

    from cabas.enterprises.models import Enterprise

PageSection = Callable[["Enterprise"], dict[str, Any]]
Annotation = Callable[[], "Expression"]

PUBLIC_PAGE_SECTIONS: list[PageSection] = []
PUBLIC_PAGE_ANNOTATIONS: dict[str, Annotation] = {}
FEATURED_SHOP_CONDITIONS: list[Annotation] = []
DashboardItems = Callable[["Enterprise", Any], list[dict[str, str]]]
DASHBOARD_ITEMS: list[DashboardItems] = []


def register_public_page_section(
    function: PageSection, annotations: dict[str, Annotation] | None = None
) -> PageSection:
    """Add `function(enterprise)`'s dict to the public enterprise page's context, after annotating
    the enterprise with `annotations` (name -> function returning an expression)."""
    for name in annotations or {}:
        if name in PUBLIC_PAGE_ANNOTATIONS:
            raise ValueError(f"Public page annotation {name!r} is already registered.")
    PUBLIC_PAGE_ANNOTATIONS.update(annotations or {})
    PUBLIC_PAGE_SECTIONS.append(function)
    return function


def public_page_annotations() -> dict[str, "Expression"]:
    """The expressions to annotate on the enterprise's query, built now (they may depend on time)."""
    return {name: build() for name, build in PUBLIC_PAGE_ANNOTATIONS.items()}


def public_page_context(enterprise: "Enterprise") -> dict[str, Any]:
    """The merged dicts of the registered sections for `enterprise`."""
    context: dict[str, Any] = {}
    for section in PUBLIC_PAGE_SECTIONS:
        context.update(section(enterprise))
    return context


def register_featured_shop_condition(function: Annotation) -> Annotation:
    """Feature on the home page only the shops meeting `function()`'s expression."""
    FEATURED_SHOP_CONDITIONS.append(function)
    return function


def featured_shop_conditions() -> list["Expression"]:
    """The conditions a featured shop meets, built now (they may depend on time)."""
    return [build() for build in FEATURED_SHOP_CONDITIONS]


def register_dashboard_items(function: DashboardItems) -> DashboardItems:
    """Add `function(enterprise, role)`'s to-do items to the dashboard."""
    DASHBOARD_ITEMS.append(function)
    return function


def dashboard_items(enterprise: "Enterprise", role) -> list[dict[str, str]]:
    """The to-do items of the registered functions, for `role` (a member of `enterprise`)."""
    return [item for function in DASHBOARD_ITEMS for item in function(enterprise, role)]
