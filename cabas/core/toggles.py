"""Withdraw an object or offer it again: the back-office buttons that switch an `active` flag."""

from django.contrib import messages
from django.shortcuts import redirect

from cabas.errors import DomainError


def active_toggle(request, *, active: bool, set_active, text: str, then: tuple, after=None):
    """Answer a POST that withdraws an object (`active` False) or offers it again (True).

    `set_active(active)` is the service that writes the flag; on success `text` is flashed and
    `after`, if given, receives what the service returned (e.g. to warn about its consequences);
    a domain error is flashed instead. Either way the answer redirects to `then`, a URL name and
    its arguments."""
    try:
        result = set_active(active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, text)
        if after is not None:
            after(result)
    return redirect(*then)
