"""The back-office page where a seller connects its own Stripe account."""

import pytest
from django.urls import reverse

from cabas.payments.models import PaymentMethod, StripeAccount
from cabas.payments.tests.stripe_standin import running

pytestmark = pytest.mark.django_db


@pytest.fixture
def standin(settings):
    with running(settings) as standin:
        yield standin


def _url(enterprise, name="payments:card"):
    return reverse(name, args=[enterprise.slug])


def test_without_a_stripe_key_the_page_says_card_payments_are_not_configured(client_for, manager, enterprise):
    page = client_for(manager).get(_url(enterprise)).content.decode()
    assert "Le paiement par carte n'est pas configuré sur cette plateforme" in page
    assert "Relier un compte Stripe" not in page


def test_connecting_creates_the_sellers_account_once_and_sends_the_manager_to_stripe(
    standin, client_for, manager, enterprise
):
    enterprise.email = "contact@collines.fr"
    enterprise.save()
    browser = client_for(manager)
    assert "Relier un compte Stripe" in browser.get(_url(enterprise)).content.decode()
    first = browser.post(_url(enterprise, "payments:card_connect"))
    second = browser.post(_url(enterprise, "payments:card_connect"))  # a double click
    account = StripeAccount.objects.get(enterprise=enterprise)
    assert first["Location"] == second["Location"] == f"{standin.url}/onboarding/{account.account_id}"
    assert not account.charges_enabled
    [create] = standin.calls("/v1/accounts")
    assert create["params"]["type"] == "standard" and create["params"]["country"] == "FR"
    assert create["params"]["email"] == "contact@collines.fr"
    assert create["key"] == f"cabas-account-{enterprise.uuid}"
    link = standin.calls("/v1/account_links")[0]["params"]
    assert link["return_url"] == "http://testserver" + _url(enterprise, "payments:card_connect_return")
    assert link["refresh_url"] == "http://testserver" + _url(enterprise, "payments:card_connect_refresh")
    assert link["type"] == "account_onboarding"


def test_coming_back_from_stripe_reads_whether_the_account_can_take_charges(
    standin, client_for, manager, enterprise
):
    browser = client_for(manager)
    browser.post(_url(enterprise, "payments:card_connect"))
    account = StripeAccount.objects.get(enterprise=enterprise)
    page = browser.get(_url(enterprise, "payments:card_connect_return")).content.decode()
    assert "pas encore activé les paiements" in page and "Terminer la configuration sur Stripe" in page
    standin.account_enable(account.account_id)
    page = browser.get(_url(enterprise, "payments:card_connect_return")).content.decode()
    assert "peut recevoir des paiements par carte" in page and "activés" in page
    account.refresh_from_db()
    assert account.charges_enabled and account.details_submitted


def test_an_expired_setup_link_gets_a_new_one(standin, client_for, manager, enterprise):
    browser = client_for(manager)
    browser.post(_url(enterprise, "payments:card_connect"))
    response = browser.get(_url(enterprise, "payments:card_connect_refresh"))
    assert response["Location"].startswith(f"{standin.url}/onboarding/")
    assert len(standin.calls("/v1/account_links")) == 2


def test_the_status_check_says_when_stripe_does_not_answer(standin, client_for, manager, enterprise):
    browser = client_for(manager)
    browser.post(_url(enterprise, "payments:card_connect"))
    standin.down = True
    response = browser.post(_url(enterprise, "payments:card_status"), follow=True)
    assert "Le service de paiement ne répond pas" in response.content.decode()
    assert StripeAccount.objects.get(enterprise=enterprise).charges_enabled is False


def test_stripe_unavailable_when_connecting_creates_nothing(standin, client_for, manager, enterprise):
    standin.down = True
    response = client_for(manager).post(_url(enterprise, "payments:card_connect"), follow=True)
    assert "Le service de paiement ne répond pas" in response.content.decode()
    assert not StripeAccount.objects.exists()


def test_the_page_warns_that_card_is_not_offered_until_stripe_enables_payments(
    standin, client_for, manager, enterprise
):
    PaymentMethod.objects.create(
        enterprise=enterprise, kind="card", name="Carte bancaire", reservation_minutes=20
    )
    browser = client_for(manager)
    browser.post(_url(enterprise, "payments:card_connect"))
    page = browser.get(_url(enterprise)).content.decode()
    assert "le stock est réservé 20 minutes" in page
    assert "la carte n'est pas proposée à vos clients" in page


def test_the_nav_links_to_the_card_page(client_for, manager, enterprise):
    page = client_for(manager).get(reverse("manage:dashboard", args=[enterprise.slug])).content.decode()
    assert _url(enterprise) in page
