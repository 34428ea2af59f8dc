"""Small helpers shared by the browser tests."""

import re

from django.core import mail


def link_in_last_email(to: str) -> str:
    """The first web address of the last email sent to `to`, as the person would click it."""
    messages = [m for m in mail.outbox if to in m.to]
    assert messages, f"no email sent to {to}"
    match = re.search(r"https?://\S+", messages[-1].body)
    assert match, messages[-1].body
    return match.group(0)
