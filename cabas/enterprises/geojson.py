"""GeoJSON of enterprises for the maps, built from plain rows (no model instances) so that the
whole map of France costs one SQL query and stays fast at thousands of points."""

import json
from collections.abc import Iterable
from functools import cache

from django.db.models import QuerySet
from django.urls import reverse

from cabas.enterprises.models import NAMED_MODELS, Enterprise, Kind, ModelPreset, Sells

# The only columns a marker needs.
FIELDS = ("slug", "name", "is_producer", "sells", "model", "city", "lat", "lon")
SLUG_PLACEHOLDER = "__slug__"
COORDINATE_DIGITS = 6  # about 10 cm: more is noise


@cache
def kind_of(is_producer: bool, sells: str) -> str:
    """The public kind for a row (the rule of Enterprise.kind, without building a model instance)."""
    return Enterprise(is_producer=is_producer, sells=sells).kind


def _url_template() -> str:
    # Reversing once and formatting per row keeps 5,000 URLs cheap (slugs need no quoting).
    return reverse("public:enterprise", args=[SLUG_PLACEHOLDER])


def _feature(
    slug, name, is_producer, sells, model, city, lat, lon, *, url_template: str, labels: dict
) -> dict:
    kind = kind_of(bool(is_producer), sells or Sells.NONE)
    label = labels[model] if kind == Kind.HUB and model in NAMED_MODELS else labels[kind]
    return {
        "type": "Feature",
        "geometry": {
            "type": "Point",
            "coordinates": [round(lon, COORDINATE_DIGITS), round(lat, COORDINATE_DIGITS)],
        },
        "properties": {
            "name": name,
            "kind": kind,
            "kind_label": label,
            "url": url_template.replace(SLUG_PLACEHOLDER, slug),
            "slug": slug,
            "city": city,
        },
    }


def _labels() -> dict:
    # Translated once per response, in the visitor's language: the kinds, and the models named
    # instead of their kind (the rule of models.kind_label).
    return {kind.value: str(kind.label) for kind in Kind} | {
        model.value: str(model.label) for model in ModelPreset if model in NAMED_MODELS
    }


def feature_collection(queryset: QuerySet) -> dict:
    """FeatureCollection of the located enterprises of `queryset`, in one query."""
    rows = queryset.filter(lat__isnull=False, lon__isnull=False).values_list(*FIELDS)
    url_template, labels = _url_template(), _labels()
    return {
        "type": "FeatureCollection",
        "features": [_feature(*row, url_template=url_template, labels=labels) for row in rows],
    }


def features_of(enterprises: Iterable[Enterprise]) -> dict:
    """FeatureCollection of already loaded enterprises (a network's members, one enterprise page)."""
    url_template, labels = _url_template(), _labels()
    return {
        "type": "FeatureCollection",
        "features": [
            _feature(*(getattr(e, f) for f in FIELDS), url_template=url_template, labels=labels)
            for e in enterprises
            if e.has_position
        ],
    }


def dumps(collection: dict) -> str:
    return json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
