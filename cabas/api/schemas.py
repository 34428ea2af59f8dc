"""Shapes of the API's answers and inputs (pydantic, via django-ninja), and the input types every
schema shares (text, numbers, decimals, dates, pagination).

Descriptions are in French: they are what readers of /api/v1/docs see.
"""

import re
from datetime import date
from decimal import Decimal
from typing import Annotated

from django.conf import settings
from ninja import Field, Schema
from ninja.schema import DjangoGetter
from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainValidator,
    Strict,
    StringConstraints,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from cabas.enterprises.models import Kind
from cabas.enterprises.search import MAX_RADIUS_KM


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


# --- Input types shared by every schema -------------------------------------------------------
#
# Each accepts exactly what its JSON Schema (in /api/v1/openapi.json) describes, so that a client
# generated from the document and the server agree: what the document allows is accepted, what it
# does not is refused with 422 and the field's name.

# Control characters (Unicode category Cc: C0, DEL, C1) break emails, CSV exports and PostgreSQL
# (which refuses NUL); multi-line fields keep tabs and line breaks.
CONTROL = r"\x00-\x1f\x7f-\x9f"
CONTROL_MULTILINE = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
# What str.strip() removes, besides control characters: a field of only these is blank.
SPACES = r" \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SURROGATES = re.compile(r"[\ud800-\udfff]")  # a lone "\ud800" in JSON cannot be stored as UTF-8


def _text_pattern(*, multiline: bool, blank: bool) -> str:
    control = CONTROL_MULTILINE if multiline else CONTROL
    allowed = f"[^{control}]*"
    if blank:
        return f"^{allowed}$"
    spaces = SPACES + (r"\t\n\r" if multiline else "")
    return f"^{allowed}[^{control}{spaces}]{allowed}$"


def _text_validator(*, multiline: bool, blank: bool, strip: bool):
    control = re.compile(f"[{CONTROL_MULTILINE if multiline else CONTROL}]")

    def clean(value: str) -> str:
        if control.search(value) or SURROGATES.search(value):
            raise PydanticCustomError(
                "control_character_multiline" if multiline else "control_character",
                "control characters are not allowed",
            )
        stripped = value.strip()
        if not blank and not stripped:
            raise PydanticCustomError("string_too_short", "blank", {"min_length": 1})
        return stripped if strip else value

    return clean


def text(max_length: int, *, multiline: bool = False, blank: bool = True, strip: bool = True):
    """A text field of at most `max_length` characters (as sent), without control characters
    (tabs and line breaks allowed when `multiline`), not only spaces unless `blank`, stripped of
    surrounding spaces unless not `strip`."""
    json_schema = {
        "type": "string",
        "maxLength": max_length,
        "pattern": _text_pattern(multiline=multiline, blank=blank),
    }
    if not blank:
        json_schema["minLength"] = 1
    return Annotated[
        str,
        StringConstraints(max_length=max_length),
        AfterValidator(_text_validator(multiline=multiline, blank=blank, strip=strip)),
        WithJsonSchema(json_schema),
    ]


def json_integer(value):
    """A JSON integer: not a string ("12", "١٢", "1_000"), not a boolean."""
    if isinstance(value, str | bool):
        raise PydanticCustomError("int_type", "a JSON integer is expected")
    return value


ASCII_INTEGER = re.compile(r"-?[0-9]+")
MAX_INTEGER_DIGITS = 30


def _query_integer(value):
    """An integer in a query string: ASCII digits only (not "١٢", "1_000", " 5" or "5.0")."""
    if isinstance(value, str):
        if not ASCII_INTEGER.fullmatch(value):
            raise PydanticCustomError("int_parsing", "ASCII digits are expected")
        if len(value) > MAX_INTEGER_DIGITS:
            raise PydanticCustomError("number_too_large", "number too large")
        return int(value)
    return json_integer(value)


JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")


def _query_number(value):
    """A number in a query string, written as in JSON with ASCII digits (not "١٢", "nan", " 5")."""
    if isinstance(value, str):
        if not JSON_NUMBER.fullmatch(value) or len(value) > MAX_INTEGER_DIGITS:
            raise PydanticCustomError("float_parsing", "a number is expected")
        return float(value)
    if isinstance(value, bool):
        raise PydanticCustomError("float_type", "a number is expected")
    return value


def _query_boolean(value):
    if value in ("true", "false"):
        return value == "true"
    if isinstance(value, bool):
        return value
    raise PydanticCustomError("bool_parsing", "true or false is expected")


ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date(value):
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
        raise PydanticCustomError("date_parsing", "a date YYYY-MM-DD is expected")
    return value


Integer = Annotated[int, BeforeValidator(json_integer)]  # in a JSON body
QueryInteger = Annotated[int, BeforeValidator(_query_integer)]
QueryNumber = Annotated[float, BeforeValidator(_query_number)]
QueryBoolean = Annotated[bool, PlainValidator(_query_boolean), WithJsonSchema({"type": "boolean"})]
Boolean = Annotated[bool, Strict()]  # in a JSON body: true or false, not 1 or "yes"
Date = Annotated[date, BeforeValidator(_iso_date)]  # "2026-01-15", not a timestamp


# Decimals (money, quantities, rates) travel as strings of ASCII digits, never as JSON numbers: a
# float cannot hold most cent amounts exactly. Each type's pattern says exactly which strings it
# accepts (no sign, no exponent, no leading zero, at most `places` decimals, `whole` digits before
# the point), and the validator gives the precise French reason for a refusal.
DECIMAL_TEXT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _decimal_pattern(*, whole: int, places: int, positive: bool, maximum: int | None) -> str:
    fraction = rf"(?:\.[0-9]{{1,{places}}})?"
    if maximum is not None:  # a power of ten with `whole` digits: 100 for a rate in %
        assert maximum == 10 ** (whole - 1) and not positive
        below = rf"(?:0|[1-9][0-9]{{0,{whole - 2}}}){fraction}"
        return rf"^(?:{maximum}(?:\.0{{1,{places}}})?|{below})$"
    if not positive:
        return rf"^(?:0|[1-9][0-9]{{0,{whole - 1}}}){fraction}$"
    small = "|".join("0" * k + "[1-9]" + f"[0-9]{{0,{places - 1 - k}}}" for k in range(places))
    return rf"^(?:[1-9][0-9]{{0,{whole - 1}}}{fraction}|0\.(?:{small}))$"


def _decimal_validator(*, whole: int, places: int, positive: bool, maximum: int | None, pattern: str):
    exact = re.compile(pattern)

    def parse(value) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
            raise PydanticCustomError("decimal_type", "a decimal string is expected")
        if not isinstance(value, str):
            raise PydanticCustomError("number_as_text", "send amounts and quantities as strings")
        if not DECIMAL_TEXT.fullmatch(value):
            raise PydanticCustomError("decimal_parsing", "a decimal string is expected")
        number = Decimal(value)
        if positive and number <= 0:
            raise PydanticCustomError("greater_than", "too small", {"gt": 0})
        if number < 0:
            raise PydanticCustomError("greater_than_equal", "too small", {"ge": 0})
        if maximum is not None and number > maximum:
            raise PydanticCustomError("less_than_equal", "too large", {"le": maximum})
        integer, _, fraction = value.lstrip("-").partition(".")
        if len(fraction) > places:
            raise PydanticCustomError("decimal_max_places", "too many decimals", {"decimal_places": places})
        if len(integer) > whole:
            raise PydanticCustomError("decimal_whole_digits", "too large", {"whole_digits": whole})
        if not exact.fullmatch(value):  # a leading zero ("03.20"), "-0"
            raise PydanticCustomError("decimal_parsing", "a decimal string is expected")
        return number

    return parse


def decimal_text(*, whole: int, places: int, positive: bool = False, maximum: int | None = None):
    pattern = _decimal_pattern(whole=whole, places=places, positive=positive, maximum=maximum)
    parse = _decimal_validator(
        whole=whole, places=places, positive=positive, maximum=maximum, pattern=pattern
    )
    return Annotated[Decimal, PlainValidator(parse), WithJsonSchema({"type": "string", "pattern": pattern})]


Money = decimal_text(whole=10, places=2)  # DecimalField(max_digits=12, decimal_places=2), >= 0
PositiveMoney = decimal_text(whole=10, places=2, positive=True)
Quantity = decimal_text(whole=7, places=3, positive=True)  # max_digits=10, decimal_places=3
Rate = decimal_text(whole=3, places=2, maximum=100)  # a VAT rate in %

# What the server answers: money with two decimals ("-12.30"), quantities and rates as short as
# possible ("500", "1.5", "5.5").
MoneyOut = Annotated[str, StringConstraints(pattern=r"^-?[0-9]+\.[0-9]{2}$")]
DecimalOut = Annotated[str, StringConstraints(pattern=r"^-?[0-9]+(?:\.[0-9]+)?$")]


class BodyIn(Schema):
    """A JSON object sent in a body. ninja's schemas read attributes too (for answers built from
    models), so that an array or a string would pass for an object whose fields are all optional."""

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data):
        sent = data._obj if isinstance(data, DjangoGetter) else data  # ninja wraps what it validates
        if not isinstance(sent, dict):
            raise PydanticCustomError("dict_type", "a JSON object is expected")
        return data


# Pagination, the same for every list: a huge offset would reach the database (and fail there).
MAX_LIMIT = 200
MAX_OFFSET = 1_000_000


class PageIn(Schema):
    limit: QueryInteger = Field(
        50, ge=1, le=MAX_LIMIT, description=f"Nombre d'éléments par page ({MAX_LIMIT} au plus)"
    )
    offset: QueryInteger = Field(
        0, ge=0, le=MAX_OFFSET, description=f"Nombre d'éléments à sauter ({MAX_OFFSET} au plus)"
    )


# Path parameters and headers: identifiers of what the URL names, keys.
Slug = text(100)
OrderNumber = text(40)


class MembershipOut(Schema):
    slug: str = Field(description="Identifiant public de la structure")
    name: str = Field(description="Nom de la structure")
    role: str = Field(
        description="Rôle : owner (responsable), manager (gestionnaire) ou volunteer (bénévole)"
    )
    role_label: str = Field(description="Libellé du rôle, dans la langue de la requête")


class MeOut(Schema):
    email: str
    full_name: str = Field(description="Nom complet")
    language: str = Field(description="Langue de l'interface (fr, en)")
    enterprises: list[MembershipOut] = Field(description="Structures dont la personne fait partie")


# "latitude,longitude" in WGS84, each within its range (what cabas.lib.geo.parse_latlon reads).
LATITUDE = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
LONGITUDE = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
LATLON = f"^{LATITUDE},{LONGITUDE}$"


def _latlon(value: str) -> str:
    if not re.fullmatch(LATLON, value):
        raise PydanticCustomError("latlon", "latitude,longitude expected")
    return value


class EnterpriseFilters(Schema):
    kind: Kind | None = Field(
        None,
        description=(
            "Catégorie : producer (producteur), producer_shop (producteur en vente directe), "
            "hub (point de vente collectif), profile (profil)"
        ),
    )
    q: text(100) = Field("", description="Recherche dans le nom, la commune, le code postal, le métier")
    near: (
        Annotated[
            str,
            StringConstraints(max_length=60),
            AfterValidator(_latlon),
            WithJsonSchema({"type": "string", "maxLength": 60, "pattern": LATLON}),
        ]
        | None
    ) = Field(
        None,
        description="Centre de la recherche par distance, « latitude,longitude » (ex. 45.76,4.83)",
    )
    km: QueryNumber = Field(
        20, gt=0, le=MAX_RADIUS_KM, description="Rayon de la recherche autour de `near`, en kilomètres"
    )


class EnterpriseOut(Schema):
    slug: str = Field(description="Identifiant public, aussi utilisé dans l'adresse de la page")
    name: str = Field(description="Nom")
    kind: Kind = Field(description="Catégorie, déduite de is_producer et sells")
    kind_label: str = Field(description="Libellé de la catégorie")
    model: str = Field(description="Fonctionnement (amap, producer_store, hub, farm_sale, producer...)")
    model_label: str = Field(description="Libellé du fonctionnement")
    is_producer: bool = Field(description="Produit ce qu'elle vend")
    sells: str = Field(
        description="none (ne vend pas), own (ses propres produits), any (ceux d'autres structures)"
    )
    trade: str = Field(description="Métier (ex. : maraîchage bio)")
    city: str = Field(description="Commune")
    postcode: str = Field(description="Code postal")
    lat: float | None = Field(description="Latitude (WGS84), null si l'adresse n'est pas localisée")
    lon: float | None = Field(description="Longitude (WGS84), null si l'adresse n'est pas localisée")
    url: str = Field(description="Adresse absolue de la page publique")
    short_description: str = Field(description="Accroche")
    labels: list[str] = Field(description="Labels (identifiants : ab, nature-et-progres, hve, aop-aoc...)")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_model_label(obj) -> str:
        return str(obj.get_model_display())

    @staticmethod
    def resolve_url(obj) -> str:
        return absolute_url(obj.get_absolute_url())

    @staticmethod
    def resolve_labels(obj) -> list[str]:
        return [label.slug for label in obj.labels.all()]


class EnterpriseListItem(EnterpriseOut):
    distance_km: float | None = Field(
        None, description="Distance au point `near`, en kilomètres (null sans `near`)"
    )

    @staticmethod
    def resolve_distance_km(obj) -> float | None:
        distance = getattr(obj, "distance_km", None)
        return None if distance is None else round(distance, 2)


class NetworkRef(Schema):
    slug: str
    name: str
    url: str = Field(description="Adresse absolue de la page du réseau")

    @staticmethod
    def resolve_url(obj) -> str:
        return absolute_url(obj.get_absolute_url())


class EnterpriseDetail(EnterpriseOut):
    description: str = Field(description="Présentation (texte brut)")
    website: str = Field(description="Site web")
    networks: list[NetworkRef] = Field(description="Réseaux dont la structure est membre")

    @staticmethod
    def resolve_networks(obj):
        return list(obj.networks.all())


class ErrorOut(Schema):
    detail: str = Field(description="Message d'erreur, en français")


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str


class ValidationErrorOut(ErrorOut):
    errors: list[FieldErrorOut]
