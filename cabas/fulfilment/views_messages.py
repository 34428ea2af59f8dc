"""Messages to customers, for managers: the messages sent, newest first, and the form of a new
one. A first submit shows how many customers it reaches and a button to send it; the second sends
it (by a background task)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role, Sells
from cabas.fulfilment import customer_messages
from cabas.fulfilment.distribution import parse_day
from cabas.fulfilment.message_forms import MessageForm, cycles_on

NAV = "messages"
PER_PAGE = 20
SEND = "send"


def _selling(enterprise) -> None:
    """404 for an enterprise that sells nothing (it has no customers; the menu hides the page)."""
    if enterprise.sells == Sells.NONE:
        raise Http404


@require_GET
@manage_view(min_role=Role.Level.MANAGER)
def message_list(request, enterprise):
    _selling(enterprise)
    page = Paginator(customer_messages.messages_for_list(enterprise), PER_PAGE).get_page(
        request.GET.get("page")
    )
    page.links = list(page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1))
    return render(request, "manage/messages/list.html", {"enterprise": enterprise, "nav": NAV, "page": page})


def _initial(enterprise, query) -> dict:
    """The cycle and date asked in the query string (from a distribution's page: its date, and
    its cycle when it has only one)."""
    initial = {"cycle": query.get("cycle", "")}
    day = parse_day(query.get("day", ""))
    if day is not None:
        initial["day"] = day.isoformat()
        cycles = cycles_on(enterprise, day) if not initial["cycle"] else []
        if len(cycles) == 1:
            initial["cycle"] = str(cycles[0].uuid)
    return initial


def _send(request, enterprise, form):
    """Send the message of a valid `form`; the redirect to the list, or None (error on the form)."""
    try:
        message = customer_messages.message_send(
            seller=enterprise,
            user=request.user,
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            **form.target(),
        )
    except customer_messages.MessageError as error:
        form.add_error(None, error.message)
        return None
    messages.success(
        request,
        _("Message « %(subject)s » en cours d'envoi à %(count)d destinataire(s).")
        % {"subject": message.subject, "count": message.recipients},
    )
    return redirect("fulfilment:messages", enterprise.slug)


@manage_view(min_role=Role.Level.MANAGER)
def message_new(request, enterprise):
    _selling(enterprise)
    form = MessageForm(request.POST or None, seller=enterprise, initial=_initial(enterprise, request.GET))
    count = None
    if request.method == "POST" and form.is_valid():
        if request.POST.get("action") == SEND:
            sent = _send(request, enterprise, form)
            if sent is not None:
                return sent
        else:
            count = customer_messages.recipients_count(seller=enterprise, **form.target())
            if not count:
                form.add_error(
                    None, _("Aucun client ne correspond à ce choix : changez le cycle, la date ou le lieu.")
                )
    context = {"enterprise": enterprise, "nav": NAV, "form": form, "count": count, "send": SEND}
    return render(request, "manage/messages/new.html", context)
