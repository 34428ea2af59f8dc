"""Back-office networks: those the enterprise animates (create, edit, members) or belongs to (leave).

Networks and members are named by slug; a network is managed only from its coordinator's back-office.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.enterprises import services_networks
from cabas.enterprises.access import manage_view
from cabas.enterprises.exceptions import EnterpriseError
from cabas.enterprises.forms import NetworkEditForm, NetworkForm, NetworkMemberForm, SearchForm
from cabas.enterprises.models import Enterprise, Network, Role
from cabas.enterprises.search import enterprise_search
from cabas.errors import run_action

SEARCH_LIMIT = 20


@manage_view(min_role=Role.Level.VOLUNTEER)
def networks(request, enterprise):
    context = {
        "enterprise": enterprise,
        "nav": "networks",
        "networks": services_networks.networks_of(enterprise),
        "can_manage": request.role.at_least(Role.Level.MANAGER),
    }
    return render(request, "manage/networks.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def network_new(request, enterprise):
    form = NetworkForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            network = services_networks.network_create(coordinator=enterprise, **form.cleaned_data)
        except EnterpriseError as error:
            form.add_error("slug", error.message)
        else:
            messages.success(request, _("Le réseau « %(name)s » est créé.") % {"name": network.name})
            return redirect("manage:network", enterprise.slug, network.slug)
    return render(
        request, "manage/network_form.html", {"enterprise": enterprise, "nav": "networks", "form": form}
    )


def _coordinated(enterprise, network_slug) -> Network:
    return get_object_or_404(Network, slug=network_slug, coordinator=enterprise)


@manage_view(min_role=Role.Level.MANAGER)
def network(request, enterprise, network_slug):
    """Edit a network this enterprise animates, list its members and find new ones."""
    network = _coordinated(enterprise, network_slug)
    form = NetworkEditForm(request.POST or None, instance=network)
    if request.method == "POST" and form.is_valid():
        services_networks.network_update(network=network, **form.cleaned_data)
        messages.success(request, _("Le réseau est enregistré."))
        return redirect("manage:network", enterprise.slug, network.slug)
    members = list(network.members.order_by("name"))
    search = SearchForm(request.GET or None)
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = (
            enterprise_search(q=search.cleaned_data["q"])
            .exclude(networks=network)
            .order_by("name")[:SEARCH_LIMIT]
        )
    context = {
        "enterprise": enterprise,
        "nav": "networks",
        "network": network,
        "form": form,
        "members": members,
        "search": search,
        "results": results,
    }
    return render(request, "manage/network.html", context)


def _member_action(request, enterprise, network, action, success, candidates=None):
    form = NetworkMemberForm(request.POST)
    candidates = candidates if candidates is not None else Enterprise.objects.all()
    member = candidates.filter(slug=form.cleaned_data["member"]).first() if form.is_valid() else None
    if member is None:
        messages.error(request, _("Cette structure est introuvable."))
    else:
        run_action(
            request, lambda: action(network=network, enterprise=member), success % {"name": member.name}
        )
    return redirect("manage:network", enterprise.slug, network.slug)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def network_add(request, enterprise, network_slug):
    return _member_action(
        request,
        enterprise,
        _coordinated(enterprise, network_slug),
        services_networks.network_add_member,
        _("%(name)s fait maintenant partie du réseau."),
        candidates=Enterprise.objects.public(),  # the same ones the search offers
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def network_remove(request, enterprise, network_slug):
    return _member_action(
        request,
        enterprise,
        _coordinated(enterprise, network_slug),
        services_networks.network_remove_member,
        _("%(name)s ne fait plus partie du réseau."),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def network_leave(request, enterprise, network_slug):
    network = get_object_or_404(Network, slug=network_slug, members=enterprise)
    run_action(
        request,
        lambda: services_networks.network_leave(network=network, enterprise=enterprise),
        _("Votre structure a quitté le réseau « %(name)s ».") % {"name": network.name},
    )
    return redirect("manage:networks", enterprise.slug)
