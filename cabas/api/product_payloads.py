"""The body of a products API write turned into what catalogue's services take: categories, labels
and tax rates named by the client become objects, and a value that cannot be used is a BodyError
naming its field (answered 422)."""

from django.utils.translation import gettext as _

from cabas.catalogue.models import Category, Label
from cabas.catalogue.selectors import category_by_slug, labels_by_slug, tax_rates_by_rate

# Fields that mean something when sent as null; any other null means "not given".
NULLABLE = {"tax_rate", "low_stock_threshold"}


class BodyError(Exception):
    """A value of the request body that cannot be used (answered as 422 with its field)."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _category(slug: str) -> Category:
    category = category_by_slug(slug)
    if category is None:
        raise BodyError("category", _("Catégorie inconnue : « %(slug)s ».") % {"slug": slug})
    return category


def _labels(slugs: list[str]) -> list[Label]:
    labels = labels_by_slug(slugs)
    unknown = sorted(set(slugs) - {label.slug for label in labels})
    if unknown:
        raise BodyError("labels", _("Label inconnu : %(slugs)s.") % {"slugs": ", ".join(unknown)})
    return labels


def product_data(fields: dict) -> dict:
    """The product's fields sent (variants apart), category and labels as objects."""
    data = {k: v for k, v in fields.items() if k != "variants" and v is not None}
    if "category" in data:
        data["category"] = _category(data["category"])
    if "labels" in data:
        data["labels"] = _labels(data["labels"])
    return data


def _variant_data(index: int, fields: dict, rates: dict) -> dict:
    data = {k: v for k, v in fields.items() if v is not None or k in NULLABLE}
    if data.get("tax_rate") is not None:
        rate = rates.get(data["tax_rate"])
        if rate is None:
            raise BodyError(
                f"variants.{index}.tax_rate",
                _("Taux de TVA inconnu : choisissez 0, 5.5, 10 ou 20."),
            )
        data["tax_rate"] = rate
    return data


def variants_data(variants: list[dict], *, existing: set | None = None) -> list[dict]:
    """The variants' fields sent, tax rates as objects. With `existing` (the product's variant
    uuids, when updating), a `uuid` must be one of them and a new variant needs its quantity and
    price."""
    rates = tax_rates_by_rate()
    result = []
    for index, fields in enumerate(variants):
        if existing is not None:
            uuid = fields.get("uuid")
            if uuid is not None and uuid not in existing:
                raise BodyError(f"variants.{index}.uuid", _("Cette variante n'appartient pas à ce produit."))
            if uuid is None and not fields.get("archive"):
                for required in ("quantity", "price"):
                    if fields.get(required) is None:
                        raise BodyError(
                            f"variants.{index}.{required}",
                            _("Ce champ est obligatoire pour une nouvelle variante."),
                        )
        result.append(_variant_data(index, fields, rates))
    return result
