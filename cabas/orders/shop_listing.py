"""What the shopfront lists: its URLs and its products by aisle.

`shop_query` is the canonical query string of a shopfront URL (each parameter once, no empty one),
`page_url` the URL of another page of the same results.

The products by aisle: one section per top-level category, in the categories' order,
each under a heading a « Catégories » jump list links to when the page is long.

`SECTION_ORDER` sorts the variants so that a category's products come together (in the one query
that reads a page); `product_cards` makes one card per product; `sections` cuts a page's cards into
sections; `jump_list` says which sections the jump list shows.
"""

from dataclasses import dataclass, field

from django.core.files.storage import default_storage
from django.db.models.functions import Coalesce
from django.http import QueryDict

from cabas.lib.query import canonical_query

SHOP_PARAMS = ("cycle", "q", "category", "producer", "label", "page")

# top-level category first (by its position), then the product's name
SECTION_ORDER = (
    Coalesce("product__category__parent__position", "product__category__position"),
    Coalesce("product__category__parent_id", "product__category_id"),
    "product__name",
    "product_id",
    "position",
    "pk",
)
# A page shows a jump list from this many products in at least two categories.
JUMP_LIST_FROM = 13


def aisle(product):
    """The top-level category of `product` (its category or the category's parent)."""
    category = product.category
    return category.parent if category.parent_id else category


def page_number(query) -> int:
    try:
        return max(1, min(int(query.get("page", "1")), 10_000))
    except ValueError:
        return 1


def shop_query(query: QueryDict) -> QueryDict:
    """The canonical query string of a shopfront URL: its parameters each once, the empty ones and
    the first page dropped."""
    clean = canonical_query(query, SHOP_PARAMS)
    if "page" in clean and page_number(clean) == 1:
        del clean["page"]
    return clean


def shop_url(request, query: QueryDict) -> str:
    return f"{request.path}?{query.urlencode()}" if query else request.path


def page_url(request, query: QueryDict, page: int) -> str:
    query = query.copy()
    query.pop("page", None)
    if page > 1:
        query["page"] = str(page)
    return shop_url(request, query)


@dataclass
class Section:
    slug: str
    name: str
    anchor: str
    heading: bool = True  # False: continues the last section of the page before (appended below it)
    cards: list = field(default_factory=list)


def product_cards(rows) -> list:
    """Consecutive variants of one product become one card: [(product, [variants])]."""
    cards = []
    for variant in rows:
        if cards and cards[-1][0].pk == variant.product_id:
            cards[-1][1].append(variant)
            continue
        product = variant.product
        thumbnail = variant.photo_thumb or variant.photo_image
        product.photo_url = default_storage.url(thumbnail) if thumbnail else ""
        product.photo_alt = variant.photo_alt or ""
        cards.append((product, [variant]))
    return cards


def sections(cards, *, page: int, continues: str = "") -> list[Section]:
    """The page's cards by top-level category. Anchors are unique over the pages appended one below
    the other (« rayon-legumes », then « rayon-legumes-2 »...). `continues`: the category the page
    before ended with, whose heading is not repeated."""
    suffix = "" if page == 1 else f"-{page}"
    found = []
    for product, variants in cards:
        category = aisle(product)
        if not found or found[-1].slug != category.slug:
            found.append(Section(category.slug, category.localized_name, f"rayon-{category.slug}{suffix}"))
        found[-1].cards.append((product, variants))
    if found and found[0].slug == continues:
        found[0].heading = False
    return found


def jump_list(page_sections: list[Section]) -> list[Section]:
    """The sections a « Catégories » jump list links to: all of them on a long page over several
    categories, none otherwise."""
    cards = sum(len(section.cards) for section in page_sections)
    headed = [section for section in page_sections if section.heading]
    if cards < JUMP_LIST_FROM or len(headed) < 2:
        return []
    return headed
