"""Back-office relationships: a hub asks a producer for permissions; the producer answers; either revokes.

The other enterprise is named by its slug in the POST data, never by a database id.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.enterprises import services_relationships
from cabas.enterprises.access import manage_view
from cabas.enterprises.forms import (
    RelationshipAnswerForm,
    RelationshipRequestForm,
    RelationshipRevokeForm,
    SearchForm,
)
from cabas.enterprises.models import Enterprise, Permission, Relationship, Role
from cabas.enterprises.search import enterprise_search
from cabas.errors import run_action

SEARCH_LIMIT = 20


@manage_view(min_role=Role.Level.MANAGER)
def relationships(request, enterprise):
    received = list(
        Relationship.objects.filter(grantor=enterprise).select_related("grantee").order_by("grantee__name")
    )
    granted_to_us = list(
        Relationship.objects.filter(grantee=enterprise).select_related("grantor").order_by("grantor__name")
    )
    search = SearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        known = {r.grantor_id: r for r in granted_to_us}
        found = (
            enterprise_search(q=search.cleaned_data["q"])
            .producers()
            .exclude(pk=enterprise.pk)
            .order_by("name")[:SEARCH_LIMIT]
        )
        results = [(producer, known.get(producer.pk)) for producer in found]
    context = {
        "enterprise": enterprise,
        "nav": "relationships",
        "search": search,
        "results": results,
        "requests": [r for r in received if r.status == Relationship.Status.REQUESTED],
        "grantee_of": [r for r in received if r.status == Relationship.Status.ACCEPTED],
        "asked": granted_to_us,
        "request_form": RelationshipRequestForm(),
        "permissions": Permission.choices,
        "Status": Relationship.Status,
    }
    return render(request, "manage/relationships.html", context)


def _back(enterprise):
    return redirect("manage:relationships", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def relationship_request(request, enterprise):
    form = RelationshipRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez un producteur et au moins une permission."))
        return _back(enterprise)
    # Only visible producers can be asked: a hidden one chose to stay out of reach.
    producer = Enterprise.objects.public().filter(slug=form.cleaned_data["producer"]).first()
    if producer is None:
        messages.error(request, _("Ce producteur est introuvable."))
        return _back(enterprise)
    run_action(
        request,
        lambda: services_relationships.relationship_request(
            grantee=enterprise,
            grantor=producer,
            permissions=form.cleaned_data["permissions"],
            message=form.cleaned_data["message"],
        ),
        _("Demande envoyée à %(name)s.") % {"name": producer.name},
    )
    return _back(enterprise)


def _relationship(request, enterprise, *, as_grantor: bool, form_class=RelationshipAnswerForm):
    form = form_class(request.POST)
    if not form.is_valid():
        return form, None
    other = form.cleaned_data["other"]
    qs = (
        Relationship.objects.filter(grantor=enterprise, grantee__slug=other)
        if as_grantor
        else Relationship.objects.filter(grantee=enterprise, grantor__slug=other)
    )
    return form, qs.select_related("grantor", "grantee").first()


def _answer(request, enterprise, *, action, success: str):
    """A producer answers a request made to it: `action(form, relationship)` runs and `success`
    (with the grantee's %(name)s) is flashed, or the domain error's message."""
    form, relationship = _relationship(request, enterprise, as_grantor=True)
    if relationship is None:
        messages.error(request, _("Cette demande est introuvable."))
        return _back(enterprise)
    run_action(
        request,
        lambda: action(form, relationship),
        success % {"name": relationship.grantee.name},
    )
    return _back(enterprise)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def relationship_accept(request, enterprise):
    return _answer(
        request,
        enterprise,
        action=lambda form, relationship: services_relationships.relationship_accept(
            relationship=relationship, permissions=form.cleaned_data["permissions"]
        ),
        success=_("Vous avez accepté la demande de %(name)s."),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def relationship_refuse(request, enterprise):
    return _answer(
        request,
        enterprise,
        action=lambda _form, relationship: services_relationships.relationship_refuse(
            relationship=relationship
        ),
        success=_("Vous avez refusé la demande de %(name)s."),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def relationship_revoke(request, enterprise):
    side = request.POST.get("side")
    _form, relationship = _relationship(
        request, enterprise, as_grantor=side == "granted", form_class=RelationshipRevokeForm
    )
    if relationship is None:
        messages.error(request, _("Cette relation est introuvable."))
        return _back(enterprise)
    other = relationship.grantee if side == "granted" else relationship.grantor
    run_action(
        request,
        lambda: services_relationships.relationship_revoke(relationship=relationship, by=enterprise),
        _("La relation avec %(name)s est terminée.") % {"name": other.name},
    )
    return _back(enterprise)
