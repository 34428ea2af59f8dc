"""Public pages: home, directory lists, map (+ its GeoJSON), network and enterprise pages."""

import math
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Prefetch, Q, When
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from cabas.enterprises import geojson, registry
from cabas.enterprises.forms_public import DirectorySearchForm
from cabas.enterprises.models import Enterprise, Kind, Network, Relationship, VatRegime
from cabas.enterprises.search import MAX_RADIUS_KM, Near, enterprise_search
from cabas.lib.geo import parse_latlon

PER_PAGE = 24
FEATURED_COUNT = 6
MAP_DATA_MAX_AGE = 60
DEFAULT_MAP_KM = 20.0
# Display order of the groups on a network page.
KIND_ORDER = [Kind.HUB, Kind.PRODUCER_SHOP, Kind.PRODUCER, Kind.PROFILE]


class BadMapFilter(ValueError):
    """A /map/data.geojson parameter that cannot be understood (the message is shown as is)."""


def _render(request, template: str, context: dict):
    """render() with what the map include needs (tiles come from settings; empty URL: no tiles)."""
    context.setdefault("map_tile_url", settings.MAP_TILE_URL)
    context.setdefault("map_tile_attribution", settings.MAP_TILE_ATTRIBUTION if settings.MAP_TILE_URL else "")
    return render(request, template, context)


def _render_directory(request, context: dict):
    """The directory page, or only its results when htmx asks while the visitor types."""
    template = "public/_results.html" if request.htmx else "public/directory.html"
    response = _render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _labels_prefetch():
    # The related model is named by a string on Enterprise (catalogue sits above enterprises).
    label = Enterprise._meta.get_field("labels").related_model
    return Prefetch("labels", queryset=label.objects.only("slug", "name", "description"))


def _directory(request, *, base=None, kinds=None, name_search=True, per_page=PER_PAGE):
    """The search form and the requested page of results, in a constant number of queries."""
    form = DirectorySearchForm(request.GET or None, kinds=kinds, name_search=name_search)
    criteria = {}
    if form.is_bound:
        form.is_valid()
        criteria = form.criteria()
    results = (
        enterprise_search(queryset=base, **criteria)
        .defer("description", "siret", "vat_number", "legal_form", "vat_regime")
        .prefetch_related(_labels_prefetch())
    )
    page = Paginator(results, per_page).get_page(request.GET.get("page"))
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return form, page


def _map_data_url(form: DirectorySearchForm) -> str:
    """The GeoJSON URL matching what the form searched (kind and circle; the name has no map filter)."""
    params = {}
    kind = getattr(form, "cleaned_data", {}).get("kind")
    if kind:
        params["kind"] = kind
    if form.near is not None:
        params["near"] = f"{form.near.lat:.5f},{form.near.lon:.5f}"
        params["km"] = f"{form.near.km:g}"
    url = reverse("public:map_data")
    return f"{url}?{urlencode(params)}" if params else url


def featured_shops():
    """A few public shops meeting the registered conditions (cycles: selling in a cycle still to
    close), those with a logo or a presentation first, then the newest."""
    return (
        Enterprise.objects.public()
        .shops()
        .filter(*registry.featured_shop_conditions())
        .annotate(
            bare=Case(
                When(Q(logo="") & Q(description="") & Q(short_description=""), then=1),
                default=0,
                output_field=IntegerField(),
            )
        )
        .order_by("bare", "-created_at", "name")
        .defer("description")
        .prefetch_related(_labels_prefetch())[:FEATURED_COUNT]
    )


@require_GET
def home(request):
    form, page = _directory(request)
    return _render(
        request,
        "public/home.html",
        {
            "form": form,
            "page": page,
            # A place that cannot be found shows its message, not a list that ignores it.
            "show_results": form.searched and not form.errors,
            "featured": featured_shops(),
            "map_data_url": _map_data_url(form),
        },
    )


@require_GET
def producers(request):
    form, page = _directory(
        request, base=Enterprise.objects.producers(), kinds=[Kind.PRODUCER, Kind.PRODUCER_SHOP]
    )
    return _render_directory(
        request,
        {
            "form": form,
            "page": page,
            "title": _("Producteurs"),
            "intro": _("Les fermes et ateliers qui produisent ce qu'ils vendent, près de chez vous."),
            "search_label": _("Chercher un producteur"),
        },
    )


@require_GET
def shops(request):
    form, page = _directory(request, base=Enterprise.objects.shops(), kinds=[Kind.HUB, Kind.PRODUCER_SHOP])
    return _render_directory(
        request,
        {
            "form": form,
            "page": page,
            "title": _("Points de vente"),
            "intro": _(
                "AMAP, magasins de producteurs, épiceries, drives fermiers et ventes à la ferme où acheter "
                "en direct."
            ),
            "search_label": _("Chercher un point de vente"),
        },
    )


@require_GET
def map_page(request):
    form, page = _directory(request, kinds=list(Kind), name_search=False)
    return _render(
        request, "public/map.html", {"form": form, "page": page, "map_data_url": _map_data_url(form)}
    )


def _map_criteria(params) -> dict:
    """enterprise_search arguments from the GeoJSON query string; BadMapFilter when malformed."""
    criteria = {}
    kind = params.get("kind", "")
    if kind:
        if kind not in Kind.values:
            raise BadMapFilter(
                _("Type inconnu « %(kind)s ». Types possibles : %(kinds)s.")
                % {"kind": kind, "kinds": ", ".join(Kind.values)}
            )
        criteria["kind"] = kind
    km = DEFAULT_MAP_KM
    if params.get("km", "") != "":
        try:
            km = float(params["km"])
        except ValueError:
            km = math.nan
        if not (math.isfinite(km) and 0 < km <= MAX_RADIUS_KM):
            raise BadMapFilter(
                _("Le rayon km doit être un nombre de kilomètres entre 0 et %(max)s.")
                % {"max": int(MAX_RADIUS_KM)}
            )
    if params.get("near", "") != "":
        point = parse_latlon(params["near"])
        if point is None:
            raise BadMapFilter(
                _(
                    "Le paramètre near doit être « latitude,longitude » en degrés décimaux, "
                    "par exemple 45.76,4.83."
                )
            )
        criteria["near"] = Near(point[0], point[1], km)
    return criteria


@require_GET
@gzip_page  # ~1 MB of JSON for all of France shrinks about tenfold; it holds no secret (no BREACH risk)
def map_data(request):
    """GeoJSON FeatureCollection of the visible, located enterprises (filters: kind, near + km)."""
    try:
        criteria = _map_criteria(request.GET)
    except BadMapFilter as exc:
        return JsonResponse({"error": str(exc)}, status=400, json_dumps_params={"ensure_ascii": False})
    collection = geojson.feature_collection(enterprise_search(**criteria))
    response = HttpResponse(geojson.dumps(collection), content_type="application/geo+json; charset=utf-8")
    # Kind labels follow the visitor's language (which may come from a cookie): browsers may keep
    # the answer a minute, shared caches may not.
    patch_cache_control(response, private=True, max_age=MAP_DATA_MAX_AGE)
    return response


@require_GET
def network(request, slug):
    network = get_object_or_404(Network.objects.select_related("coordinator"), slug=slug)
    members = list(network.members.public().defer("description").order_by("name"))
    groups = {}
    for member in members:
        groups.setdefault(member.kind, []).append(member)
    coordinator = network.coordinator if network.coordinator.visibility == "public" else None
    return _render(
        request,
        "public/network.html",
        {
            "network": network,
            "coordinator": coordinator,
            "groups": [(Kind(kind).label, groups[kind]) for kind in KIND_ORDER if kind in groups],
            "member_count": len(members),
            "map_features": geojson.dumps(geojson.features_of(members)),
            "has_map": any(m.has_position for m in members),
        },
    )


def _partners(enterprise: Enterprise):
    """Public enterprises linked to `enterprise` by an accepted relationship, in either direction."""
    accepted = Relationship.objects.filter(status=Relationship.Status.ACCEPTED)
    return (
        Enterprise.objects.public()
        .filter(
            Q(pk__in=accepted.filter(grantor=enterprise).values("grantee"))
            | Q(pk__in=accepted.filter(grantee=enterprise).values("grantor"))
        )
        .defer("description")
        .order_by("name")
    )


def _meta_description(enterprise: Enterprise) -> str:
    if enterprise.short_description:
        return enterprise.short_description
    if enterprise.description:
        return Truncator(" ".join(enterprise.description.split())).chars(180)
    where = f" — {enterprise.city}" if enterprise.city else ""
    return f"{enterprise.name} · {enterprise.get_kind_display()}{where}"


@require_GET
def enterprise(request, slug):
    obj = get_object_or_404(
        Enterprise.objects.public()
        .prefetch_related(_labels_prefetch())
        .annotate(**registry.public_page_annotations()),
        slug=slug,
    )
    return _render(
        request,
        "public/enterprise.html",
        {
            "enterprise": obj,
            "partners": _partners(obj),
            "networks": obj.networks.order_by("name"),
            "meta_description": _meta_description(obj),
            "map_features": geojson.dumps(geojson.features_of([obj])) if obj.has_position else "",
            "phone_link": "".join(c for c in obj.phone if c.isdigit() or c == "+"),
            "vat_franchise": obj.vat_regime == VatRegime.FRANCHISE,
            # Products (catalogue), open shop (cycles), ...
            **registry.public_page_context(obj),
        },
    )
