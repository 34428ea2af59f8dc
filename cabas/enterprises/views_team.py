"""Back-office team page (who works on the enterprise, with which role) and invitation links.

Rules (also written on the page): owners manage everyone; managers invite volunteers and withdraw
those invitations; everyone may leave, except the last owner.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.enterprises import services_team
from cabas.enterprises.access import manage_view
from cabas.enterprises.exceptions import EnterpriseError
from cabas.enterprises.forms import InviteForm, MemberForm, ReferentForm, RoleChangeForm
from cabas.enterprises.models import Invitation, Role
from cabas.errors import run_action


def _team_page(request, enterprise, invite_form=None, status=200):
    members = (
        Role.objects.filter(enterprise=enterprise)
        .select_related("user")
        .order_by("user__full_name", "user__email")
    )
    can_invite = request.role.at_least(Role.Level.MANAGER)
    invitations = (
        Invitation.objects.filter(enterprise=enterprise, accepted_at__isnull=True).select_related(
            "invited_by"
        )
        if can_invite
        else []
    )
    context = {
        "enterprise": enterprise,
        "nav": "team",
        "members": members,
        "invitations": invitations,
        "is_owner": request.role.role == Role.Level.OWNER,
        "can_invite": can_invite,
        "invite_form": invite_form or InviteForm(actor=request.role),
        "roles": Role.Level.choices,
    }
    return render(request, "manage/team.html", context, status=status)


@manage_view(min_role=Role.Level.VOLUNTEER)
def team(request, enterprise):
    return _team_page(request, enterprise)


def _done(request, enterprise, action, success: str):
    """Run `action`; a domain error becomes a French message and changes nothing."""
    run_action(request, action, success)
    return redirect("manage:team", enterprise.slug)


def _member_done(request, enterprise, action, success: str):
    """Run `action(email)` for the email the member form names (an invalid form gives an empty one,
    which the service refuses), as `_done` does."""
    form = MemberForm(request.POST)
    email = form.cleaned_data["email"] if form.is_valid() else ""
    return _done(request, enterprise, lambda: action(email), success)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def team_invite(request, enterprise):
    form = InviteForm(request.POST, actor=request.role)
    if not form.is_valid():
        return _team_page(request, enterprise, invite_form=form)
    email, role = form.cleaned_data["email"], form.cleaned_data["role"]
    try:
        result = services_team.team_invite(enterprise=enterprise, by=request.role, email=email, role=role)
    except EnterpriseError as error:
        messages.error(request, error.message)
    else:
        if isinstance(result, Role):
            messages.success(
                request,
                _("%(email)s fait maintenant partie de l'équipe ; un e-mail l'en informe.")
                % {"email": email},
            )
        else:
            messages.success(request, _("Invitation envoyée à %(email)s.") % {"email": email})
    return redirect("manage:team", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def invitation_cancel(request, enterprise):
    return _member_done(
        request,
        enterprise,
        lambda email: services_team.invitation_cancel(enterprise=enterprise, by=request.role, email=email),
        _("Invitation annulée."),
    )


def _form_done(request, enterprise, form, *, invalid: str, action, success):
    """With a valid `form`, run `action(data)` and flash `success(data)` as `_done` does; otherwise
    flash `invalid`. Either way back to the team page."""
    if not form.is_valid():
        messages.error(request, invalid)
        return redirect("manage:team", enterprise.slug)
    data = form.cleaned_data
    return _done(request, enterprise, lambda: action(data), success(data))


@manage_view(min_role=Role.Level.OWNER)
@require_POST
def team_role(request, enterprise):
    return _form_done(
        request,
        enterprise,
        RoleChangeForm(request.POST),
        invalid=_("Choisissez un rôle valable."),
        action=lambda data: services_team.role_change(
            enterprise=enterprise, by=request.role, email=data["email"], role=data["role"]
        ),
        success=lambda data: _("Rôle modifié."),
    )


@manage_view(min_role=Role.Level.OWNER)
@require_POST
def team_referent(request, enterprise):
    return _form_done(
        request,
        enterprise,
        ReferentForm(request.POST),
        invalid=_("Cette personne ne fait pas partie de l'équipe."),
        action=lambda data: services_team.role_set_referent(
            enterprise=enterprise, by=request.role, email=data["email"], referent=data["referent"]
        ),
        success=lambda data: (
            _("Référent consommateurs nommé.")
            if data["referent"]
            else _("Ce n'est plus un référent consommateurs.")
        ),
    )


@manage_view(min_role=Role.Level.OWNER)
@require_POST
def team_remove(request, enterprise):
    return _member_done(
        request,
        enterprise,
        lambda email: services_team.role_remove(enterprise=enterprise, by=request.role, email=email),
        _("Cette personne ne fait plus partie de l'équipe."),
    )


@manage_view(min_role=Role.Level.VOLUNTEER)
@require_POST
def team_leave(request, enterprise):
    try:
        services_team.team_leave(enterprise=enterprise, user=request.user)
    except EnterpriseError as error:
        messages.error(request, error.message)
        return redirect("manage:team", enterprise.slug)
    messages.success(request, _("Vous avez quitté « %(name)s ».") % {"name": enterprise.name})
    return redirect("manage:home")


def invitation(request, token):
    """/invitations/<token>/: the link emailed to someone invited without an account yet."""
    invitation = (
        Invitation.objects.filter(token=token, accepted_at__isnull=True).select_related("enterprise").first()
    )
    if invitation is None:
        return render(request, "manage/invitation.html", {"state": "invalid"}, status=404)
    if not request.user.is_authenticated:
        return redirect(f"{reverse('accounts:signup')}?{urlencode({'next': request.path})}")
    context = {"invitation": invitation, "enterprise": invitation.enterprise}
    if invitation.email.lower() != request.user.email.lower():
        return render(request, "manage/invitation.html", {**context, "state": "mismatch"}, status=403)
    if request.method == "POST":
        try:
            services_team.invitation_accept(invitation=invitation, user=request.user)
        except EnterpriseError as error:
            messages.error(request, error.message)
            return redirect("manage:home")
        messages.success(
            request, _("Bienvenue dans l'équipe de « %(name)s » !") % {"name": invitation.enterprise.name}
        )
        return redirect("manage:dashboard", invitation.enterprise.slug)
    return render(request, "manage/invitation.html", {**context, "state": "confirm"})
