"""Finding a category from what a person or another platform calls it: its French or English name,
singular or plural, its slug or its Data Food Consortium product type, whatever the case, accents,
hyphens or apostrophes; and, when nothing fits, the nearest name to suggest.

`CategoryNames.load()` reads every category in one query; `lookup` and `suggestion` then work in
memory, so an import of thousands of rows asks the database once.
"""

import difflib
import re
from itertools import product

from cabas.catalogue.models import Category
from cabas.lib.text import fold

SUGGESTION_CUTOFF = 0.7  # 0.6 offers « Cheese » for « Lichens »
_NOT_A_LETTER = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """' Produits-Laitiers ', "Fruits à coque", 'Œufs' -> 'produits laitiers', 'fruits a coque', 'oeufs'."""
    folded = fold(text).replace("œ", "oe").replace("æ", "ae")
    return _NOT_A_LETTER.sub(" ", folded).strip()


def word_forms(word: str) -> set[str]:
    """The word and what it may be the plural of, in French or English: 'legumes' -> legume, legum;
    'choux' -> chou; 'tomatoes' -> tomato; 'berries' -> berry; 'vegetaux' -> vegetal. A word ending
    in 'ss' ('legumess') is taken as it is."""
    forms = {word}
    if len(word) < 3 or word.endswith("ss"):
        return forms
    if word[-1] in "sx":
        forms.add(word[:-1])
    if word.endswith("es") and len(word) > 3:
        forms.add(word[:-2])
    if word.endswith("ies") and len(word) > 4:
        forms.add(word[:-3] + "y")
    if word.endswith("aux") and len(word) > 4:
        forms.add(word[:-3] + "al")
    return forms


def _keys(normalised: str) -> list[str]:
    """Every singular/plural reading of a normalised name, the name itself first."""
    words = normalised.split()
    readings = product(*(sorted(word_forms(w), key=lambda f: (f != w, f)) for w in words))
    return [" ".join(reading) for reading in readings]


def _dfc_id(text: str) -> str:
    """A DFC product-type URI or prefixed name -> its identifier: '...productTypes.rdf#vegetable',
    'dfc-pt:vegetable' -> 'vegetable'."""
    text = text.strip()
    if "#" in text:
        return text.rsplit("#", 1)[1]
    if text.lower().startswith("dfc-pt:"):
        return text[len("dfc-pt:") :]
    return text


class CategoryNames:
    """Every name a category answers to. Where two categories share a name (a sub-category carries
    its parent's DFC product type), the names win over the slugs and DFC types, the exact spelling
    over a plural or singular form, and a top-level category over a sub-category."""

    def __init__(self, categories: list[Category]):
        self.by_key: dict[str, Category] = {}
        self.labels: dict[str, str] = {}  # normalised name -> the name as written, for suggestions
        names = [(normalise(name), name, c) for c in categories for name in (c.name, c.name_en) if name]
        codes = [
            (normalise(code), c) for c in categories for code in (c.slug, _dfc_id(c.dfc_product_type)) if code
        ]
        for key, label, category in names:
            self.by_key.setdefault(key, category)
            self.labels.setdefault(key, label)
        for key, category in codes:
            self.by_key.setdefault(key, category)
        for key, category in [(k, c) for k, _label, c in names] + codes:
            for reading in _keys(key)[1:]:
                self.by_key.setdefault(reading, category)
        self._found: dict[str, Category | None] = {}

    @classmethod
    def load(cls) -> "CategoryNames":
        """All the categories, top-level ones first, in one query."""
        categories = list(Category.objects.select_related("default_tax_rate").order_by("position", "pk"))
        categories.sort(key=lambda c: c.parent_id is not None)  # stable: top-level first, then position
        return cls(categories)

    def lookup(self, text: str) -> Category | None:
        """The category `text` names, or None."""
        if text not in self._found:
            self._found[text] = self._lookup(text)
        return self._found[text]

    def _lookup(self, text: str) -> Category | None:
        key = normalise(_dfc_id(text))
        if not key:
            return None
        for reading in _keys(key):
            if reading in self.by_key:
                return self.by_key[reading]
        return None

    def suggestion(self, text: str) -> str | None:
        """The category name nearest to `text` (as the categories write it), or None if none is near."""
        key = normalise(text)
        if not key:
            return None
        close = difflib.get_close_matches(key, list(self.labels), n=1, cutoff=SUGGESTION_CUTOFF)
        return self.labels[close[0]] if close else None
