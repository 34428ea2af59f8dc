"""Back-office: my enterprises, the registration wizard, the dashboard and the enterprise settings."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.enterprises import registry, services
from cabas.enterprises.access import manage_view
from cabas.enterprises.exceptions import SlugUnavailable
from cabas.enterprises.forms import AddressLegalForm, EnterpriseSettingsForm, IdentityForm, PresetForm
from cabas.enterprises.models import Enterprise, GeocodeStatus, Invitation, Relationship, Role
from cabas.enterprises.selectors import roles_of

ADDRESS_NOT_FOUND = gettext_lazy(
    "Adresse introuvable : votre structure n'apparaîtra pas sur la carte tant qu'elle n'est pas localisée."
)


@login_required
def home(request):
    roles = roles_of(request.user)
    return render(request, "manage/home.html", {"roles": roles})


# --- Registration wizard --------------------------------------------------------------------

WIZARD_KEY = "enterprise_wizard"
WIZARD_STEPS = [
    ("preset", PresetForm, gettext_lazy("Fonctionnement")),
    ("identity", IdentityForm, gettext_lazy("Identité")),
    ("address", AddressLegalForm, gettext_lazy("Adresse et statut")),
]


def _wizard_step(request, data: dict) -> int:
    """The step asked for, never beyond the first one not yet filled in (1-based)."""
    reachable = 1
    while reachable < len(WIZARD_STEPS) and WIZARD_STEPS[reachable - 1][0] in data:
        reachable += 1
    try:
        asked = int(request.POST.get("step") or request.GET.get("step") or reachable)
    except ValueError:
        asked = reachable
    return max(1, min(asked, reachable))


def _wizard_store(request, data: dict, name: str, cleaned: dict) -> None:
    if name == "preset" and "identity" in data and data.get("preset") != cleaned:
        data["identity"].update(IdentityForm.initial_for(cleaned["model"]))  # new preset, new defaults
    data[name] = cleaned
    request.session[WIZARD_KEY] = data


@login_required
def wizard(request):
    """ "Créer ma structure" in three steps kept in the session; the last POST creates the enterprise."""
    data = request.session.get(WIZARD_KEY, {})
    step = _wizard_step(request, data)
    name, form_class, _title = WIZARD_STEPS[step - 1]
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            _wizard_store(request, data, name, form.cleaned_data)
            if step < len(WIZARD_STEPS):
                return redirect(f"{reverse('manage:new')}?step={step + 1}")
            return _wizard_finish(request, data)
    else:
        initial = data.get(name) or (
            IdentityForm.initial_for(data["preset"]["model"]) if name == "identity" else {}
        )
        form = form_class(initial=initial)
    steps = [
        {"number": i, "title": title, "done": i < step} for i, (_n, _f, title) in enumerate(WIZARD_STEPS, 1)
    ]
    context = {
        "form": form,
        "step": step,
        "steps": steps,
        "step_name": name,
        "data": data,
        "last": step == len(WIZARD_STEPS),
    }
    return render(request, "manage/wizard.html", context)


def _wizard_finish(request, data: dict):
    try:
        enterprise = services.enterprise_create(
            owner=request.user, model=data["preset"]["model"], **data["identity"], **data["address"]
        )
    except SlugUnavailable as error:
        data["identity"]["slug"] = ""
        request.session[WIZARD_KEY] = data
        messages.error(request, error.message)
        return redirect(f"{reverse('manage:new')}?step=2")
    request.session.pop(WIZARD_KEY, None)
    messages.success(
        request,
        _("« %(name)s » est créée. Bienvenue dans votre espace de gestion !") % {"name": enterprise.name},
    )
    if enterprise.geocode_status == GeocodeStatus.FAILED:
        messages.warning(request, ADDRESS_NOT_FOUND)
    return redirect("manage:dashboard", enterprise.slug)


# --- Dashboard and settings -----------------------------------------------------------------


def _profile_checklist(enterprise, settings_url: str) -> list[dict]:
    """The dashboard checklist items about the profile itself (what the settings page fills in)."""
    return [
        {
            "label": _("Compléter la fiche (accroche, présentation, contact)"),
            "url": settings_url,
            "done": bool(
                enterprise.short_description
                and enterprise.description
                and (enterprise.email or enterprise.phone)
            ),
        },
        {"label": _("Ajouter un logo"), "url": settings_url, "done": bool(enterprise.logo)},
        {
            "label": _("Localiser l'adresse sur la carte"),
            "url": settings_url,
            "done": enterprise.geocode_status in (GeocodeStatus.OK, GeocodeStatus.MANUAL),
        },
    ]


def _checklist(enterprise, can_manage: bool) -> list[dict]:
    counts = Enterprise.objects.filter(pk=enterprise.pk).aggregate(
        members=Count("roles", distinct=True),
        requests=Count(
            "granted_relationships", filter=Q(granted_relationships__status="requested"), distinct=True
        ),
    )
    invited = Invitation.objects.filter(enterprise=enterprise, accepted_at__isnull=True).exists()
    settings_url = reverse("manage:settings", args=[enterprise.slug]) if can_manage else ""
    items = _profile_checklist(enterprise, settings_url)
    items.append(
        {
            "label": _("Inviter l'équipe"),
            "url": reverse("manage:team", args=[enterprise.slug]),
            "done": counts["members"] > 1 or invited,
        }
    )
    if can_manage:
        pending = counts["requests"]
        items.append(
            {
                "label": _("Répondre aux demandes de relation (%(n)s en attente)") % {"n": pending}
                if pending
                else _("Aucune demande de relation en attente"),
                "url": reverse("manage:relationships", args=[enterprise.slug]),
                "done": pending == 0,
            }
        )
    return items


@manage_view(min_role=Role.Level.VOLUNTEER)
def dashboard(request, enterprise):
    can_manage = request.role.at_least(Role.Level.MANAGER)
    checklist = _checklist(enterprise, can_manage)
    checklist += [{**item, "done": False} for item in registry.dashboard_items(enterprise, request.role)]
    context = {
        "enterprise": enterprise,
        "nav": "dashboard",
        "checklist": checklist,
        "todo": sum(1 for item in checklist if not item["done"]),
        "relationship_status": Relationship.Status,
    }
    return render(request, "manage/dashboard.html", context)


@manage_view(min_role=Role.Level.MANAGER)
def settings_page(request, enterprise):
    """The enterprise's public profile, legal identity, address and visibility (not its page address)."""
    form = EnterpriseSettingsForm(request.POST or None, request.FILES or None, instance=enterprise)
    if request.method == "POST" and form.is_valid():
        updated = services.enterprise_update(enterprise=enterprise, data=form.cleaned_data)
        messages.success(request, _("La fiche de la structure est enregistrée."))
        if updated.geocode_status == GeocodeStatus.FAILED:
            messages.warning(request, ADDRESS_NOT_FOUND)
        return redirect("manage:settings", enterprise.slug)
    return render(
        request,
        "manage/settings.html",
        {"enterprise": enterprise, "form": form, "nav": "settings", "address_not_found": ADDRESS_NOT_FOUND},
    )
