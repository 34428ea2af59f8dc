"""Shapes of the API's answers and query parameters (pydantic, via django-ninja).

Descriptions are in French: they are what readers of /api/v1/docs see.
"""

from django.conf import settings
from ninja import Field, Schema

from cabas.enterprises.models import Kind
from cabas.enterprises.search import MAX_RADIUS_KM


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


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


class EnterpriseFilters(Schema):
    kind: Kind | None = Field(
        None,
        description=(
            "Catégorie : producer (producteur), producer_shop (producteur en vente directe), "
            "hub (point de vente collectif), profile (profil)"
        ),
    )
    q: str = Field(
        "", max_length=100, description="Recherche dans le nom, la commune, le code postal, le métier"
    )
    near: str | None = Field(
        None,
        max_length=60,
        description="Centre de la recherche par distance, « latitude,longitude » (ex. 45.76,4.83)",
    )
    km: float = Field(
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
