"""Email through a real SMTP server on the loopback interface, and EMAIL_URL parsing."""

import email
import email.policy
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings
from django.test import override_settings

from cabas.accounts.models import User

ROOT = Path(settings.BASE_DIR)


class Inbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


@pytest.mark.django_db
def test_it_sends_the_signup_email_through_a_real_smtp_server(
    client, smtp_server, django_capture_on_commit_callbacks
):
    controller, inbox = smtp_server
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=controller.port,
            EMAIL_HOST_USER="",
            EMAIL_HOST_PASSWORD="",
            EMAIL_USE_TLS=False,
            EMAIL_USE_SSL=False,
            EMAIL_TIMEOUT=5,
            SITE_URL="https://cabas.example",
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = client.post(
            "/accounts/signup/?next=/invitations/abc/",
            {
                "email": "paysanne@exemple.fr",
                "full_name": "Élise Pâquerette",
                "password1": "des-radis-et-du-cresson",
                "password2": "des-radis-et-du-cresson",
                "consent": "on",
                "next": "/invitations/abc/",
            },
        )
    assert response.status_code == 302

    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    assert envelope.rcpt_tos == ["paysanne@exemple.fr"]
    message = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    assert message["Subject"] == "Confirmez votre adresse e-mail sur Cabas"
    assert message["To"] == "paysanne@exemple.fr"
    assert "ne-pas-repondre@cabas.localhost" in message["From"]
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Bonjour Élise Pâquerette" in text
    link = next(word for word in text.split() if word.startswith("https://cabas.example/accounts/confirm/"))
    assert link in html

    client.logout()
    confirmed = client.get(link.removeprefix("https://cabas.example"))
    assert confirmed["Location"] == "/invitations/abc/"
    assert User.objects.get(email="paysanne@exemple.fr").email_confirmed_at is not None


def settings_in_subprocess(tmp_path, **env) -> dict:
    """Import cabas.settings in a fresh interpreter with `env` and return its email settings."""
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("EMAIL_", "DJANGO_", "CABAS_", "DEBUG", "SECRET_KEY", "DATABASE_URL"))
    }
    code = (
        "import json; from cabas import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in dir(s) if k.startswith('EMAIL_')}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**clean_env, "CABAS_VAR_DIR": str(tmp_path), **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_it_reads_smtp_settings_from_email_url(tmp_path):
    values = settings_in_subprocess(tmp_path, EMAIL_URL="smtp://postier:secret@127.0.0.1:2525")

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert values["EMAIL_HOST"] == "127.0.0.1"
    assert values["EMAIL_PORT"] == 2525
    assert values["EMAIL_HOST_USER"] == "postier"
    assert values["EMAIL_HOST_PASSWORD"] == "secret"
    assert values["EMAIL_USE_TLS"] is False
    assert values["EMAIL_TIMEOUT"] == 10


def test_it_uses_the_console_without_email_url(tmp_path):
    values = settings_in_subprocess(tmp_path)

    assert values["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
