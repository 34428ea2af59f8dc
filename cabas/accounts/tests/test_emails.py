"""The reusable templated-email helper that every app sends through."""

import pytest
from django.core import mail
from django.db import transaction

from cabas.accounts.emails import enqueue_templated_email
from cabas.accounts.tasks import send_templated_email

pytestmark = pytest.mark.django_db

CONTEXT = {
    "full_name": "Léa",
    "email": "lea@exemple.fr",
    "confirmation_url": "https://cabas.example/accounts/confirm/x/",
    "resend_url": "https://cabas.example/accounts/confirm/resend/",
    "max_age_days": 3,
}


def test_it_sends_text_and_html_with_the_enterprise_name_and_reply_to(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_templated_email(
            "emails/accounts/confirm_email",
            to="lea@exemple.fr",
            context=CONTEXT,
            reply_to=["contact@ferme.fr"],
            from_name="Ferme des Collines",
        )

    message = mail.outbox[0]
    assert message.from_email == "Ferme des Collines <ne-pas-repondre@cabas.localhost>"
    assert message.reply_to == ["contact@ferme.fr"]
    assert message.to == ["lea@exemple.fr"]
    assert "\n" not in message.subject
    assert "https://cabas.example/accounts/confirm/x/" in message.body
    assert "https://cabas.example/accounts/confirm/x/" in message.alternatives[0][0]


def test_it_sends_nothing_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                enqueue_templated_email("emails/accounts/confirm_email", to="lea@exemple.fr", context=CONTEXT)
                raise RuntimeError("the order failed")
        except RuntimeError:
            pass

    assert mail.outbox == []


def test_it_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enqueue_templated_email("emails/accounts/confirm_email", to=["lea@exemple.fr"], context=CONTEXT)

    assert mail.outbox == []
    assert len(callbacks) == 1


def test_it_renders_in_french_by_default():
    send_templated_email.call(
        template_prefix="emails/accounts/confirm_email", context=CONTEXT, to=["lea@exemple.fr"]
    )

    assert mail.outbox[0].subject == "Confirmez votre adresse e-mail sur Cabas"
