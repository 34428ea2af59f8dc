"""The members' page of an enterprise's volunteer shifts (/<slug>/permanences/): the shifts to come
with their places left, « Je m'inscris » and « Je me désinscris » for the enterprise's people. Who is
signed up is not shown here (names stay in the back office)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cabas.amap import selectors_shifts as selectors
from cabas.amap import shifts as services
from cabas.amap.views_shifts import page_of
from cabas.enterprises.selectors import enterprise_by_slug


def _enterprise_or_404(slug):
    enterprise = enterprise_by_slug(slug)
    if enterprise is None:
        raise Http404
    return enterprise


@require_GET
def shift_list(request, slug):
    enterprise = _enterprise_or_404(slug)
    shifts = selectors.member_shifts(enterprise, request.user)
    page = page_of(shifts, request.GET.get("page"))
    context = {
        "enterprise": enterprise,
        "page": page,
        "allowed": selectors.may_sign_up(enterprise, request.user),
    }
    return render(request, "amap/shifts/member_shifts.html", context)


def _act(request, slug, shift_uuid, act, done: str):
    """Run `act(shift=…, user=…)` for the logged-in person and go back to the list with its outcome."""
    list_url = reverse("amap_member:shifts", args=[slug])
    if not request.user.is_authenticated:
        return redirect_to_login(list_url)
    enterprise = _enterprise_or_404(slug)
    shift = selectors.shift_of(enterprise, shift_uuid)
    if shift is None:
        raise Http404
    try:
        act(shift=shift, user=request.user)
    except services.ShiftError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, done % {"role": shift.role, "date": formats.date_format(shift.date, "SHORT_DATE_FORMAT")}
        )
    return redirect(f"{list_url}#shift-{shift.uuid}")


@require_POST
def shift_signup(request, slug, shift):
    return _act(
        request,
        slug,
        shift,
        services.shift_signup,
        _("Vous êtes inscrit·e : « %(role)s » le %(date)s. Merci !"),
    )


@require_POST
def shift_leave(request, slug, shift):
    return _act(
        request, slug, shift, services.shift_leave, _("Vous êtes désinscrit·e de « %(role)s » le %(date)s.")
    )
