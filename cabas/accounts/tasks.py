"""Background tasks of the accounts app, reusable by every app that sends email."""

from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django_tasks import task


@task()
def send_templated_email(
    *,
    template_prefix: str,
    context: dict,
    to: list[str],
    reply_to: list[str] | None = None,
    from_name: str | None = None,
    language: str | None = None,
) -> int:
    """Render `<template_prefix>.subject.txt`, `.txt` and `.html` and send one email (text + HTML).

    `context` must be JSON-serialisable (tasks receive plain data, not model instances);
    `site_url` and `site_name` are always available to the templates. `from_name` replaces the
    display name of DEFAULT_FROM_EMAIL (e.g. an enterprise's name), the address stays ours so that
    SPF/DKIM hold; replies go to `reply_to`.
    """
    context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME, **context}
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{template_prefix}.subject.txt", context)
        text = render_to_string(f"{template_prefix}.txt", context)
        html = render_to_string(f"{template_prefix}.html", context)
    subject = " ".join(subject.split())  # headers must not contain newlines
    default_name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    sender = formataddr((from_name or default_name, address)) if address else settings.DEFAULT_FROM_EMAIL
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=sender, to=list(to), reply_to=list(reply_to or [])
    )
    message.attach_alternative(html, "text/html")
    return message.send()
