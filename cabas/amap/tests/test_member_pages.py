"""An AMAP's public pages for its members: the contracts open to sign-up, a contract and its PDF,
joining the AMAP, subscribing (with the refusals shown on the form, nothing created) and the
confirmation with the payment plan."""

import datetime
import re
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.amap import subscribing
from cabas.amap.contract_document import contract_document_html
from cabas.amap.contracts import contract_tier_set
from cabas.amap.exceptions import PlanInvalid
from cabas.amap.member_selectors import public_contract
from cabas.amap.membership_signup import membership_signup
from cabas.amap.models import Contract, Instalment, Membership, Subscription
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.orders.models import Customer, Order
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text as read: tags out, spaces folded (no-break ones included)."""
    html = unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return " ".join(html.replace("\xa0", " ").replace("\u202f", " ").split())


def contracts_url(s):
    return reverse("amap_member:contracts", args=[s.amap.slug])


def contract_url(s, contract, name="amap_member:contract"):
    return reverse(name, args=[s.amap.slug, contract.uuid])


def test_the_contracts_page_lists_the_open_contracts_with_prices_dates_and_places(
    client, django_assert_max_num_queries
):
    s = season(weeks=10, capacity=20)
    subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "camille@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    Contract.objects.create(
        amap=s.amap,
        producer=s.farm,
        name="Brouillon",
        season="Hiver",
        signup_opens_on=timezone.localdate(),
        signup_closes_on=timezone.localdate(),
    )
    with django_assert_max_num_queries(6):
        page = client.get(contracts_url(s))
    assert page.status_code == 200
    body = text(page)
    assert "Légumes — Été" in body and "Œufs — Été" in body and "Brouillon" not in body
    assert "Jardins du Garon" in body and "Panier fixe" in body and "Commande variable" in body
    assert "10 distributions" in body and "5 distributions" in body
    assert "Panier de légumes — Grand 18,00 €" in body and "Œufs — Demi-douzaine 2,30 €" in body
    assert "19 places restantes" in body and "sans limite" in body
    first = s.distributions[0].date
    assert f"du {first.day} " in body


def test_the_contracts_page_costs_the_same_whatever_the_number_of_contracts(
    client, django_assert_num_queries
):
    s = season(weeks=4)
    with django_assert_num_queries(6) as before:
        client.get(contracts_url(s))
    for name in ("Pain", "Fromage", "Miel"):
        contract = Contract.objects.create(
            amap=s.amap,
            producer=s.farm,
            name=name,
            season="Été",
            published=True,
            signup_opens_on=s.vegetables.signup_opens_on,
            signup_closes_on=s.vegetables.signup_closes_on,
        )
        contract.deliveries.create(distribution=s.distributions[0])
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(contracts_url(s))


def test_the_public_enterprise_page_links_to_the_contracts(client):
    s = season(weeks=2)
    page = client.get(reverse("public:enterprise", args=[s.amap.slug]))
    assert contracts_url(s) in page.content.decode()
    Contract.objects.update(published=False)
    page = client.get(reverse("public:enterprise", args=[s.amap.slug]))
    assert contracts_url(s) not in page.content.decode()


def test_a_contract_page_shows_its_terms_products_and_distributions(client):
    s = season(weeks=3)
    Contract.objects.filter(pk=s.vegetables.pk).update(
        terms="Le producteur s'engage à livrer des légumes bio."
    )
    page = client.get(contract_url(s, s.vegetables))
    body = text(page)
    assert "Le producteur s'engage à livrer des légumes bio." in body
    assert "Panier de légumes — Grand 1 18,00 €" in body
    assert "3 distributions" in body and "Salle des Canuts" in body and "18:30" in body
    assert "à l'ordre de EARL Jardins du Garon" in body
    assert contract_url(s, s.vegetables, "amap_member:subscribe") in page.content.decode()
    assert contract_url(s, s.vegetables, "amap_member:contract_pdf") in page.content.decode()


def test_an_unpublished_contract_or_another_amaps_is_not_found(client):
    s = season(weeks=2, published=False)
    assert client.get(contract_url(s, s.vegetables)).status_code == 404
    assert client.get(reverse("amap_member:contracts", args=["nulle-part"])).status_code == 404


def test_the_contract_document_is_a_pdf_naming_the_member_and_the_plan(client):
    s = season(weeks=3)
    camille = member(s.amap, "camille@exemple.fr", "Camille Martin")
    sub = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, instalments=3, accepted=True
    )
    client.force_login(camille.user)
    pdf = client.get(contract_url(s, s.vegetables, "amap_member:contract_pdf"))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    contract = public_contract(s.amap, s.vegetables.uuid)
    sub = Subscription.objects.prefetch_related("items", "instalments").get(pk=sub.pk)
    html = " ".join(contract_document_html(contract, member="Camille Martin", subscription=sub).split())
    assert "Camille Martin" in html and "AMAP des Pentes" in html and "Jardins du Garon" in html
    assert "18,00" in html and "54,00" in html and "Signatures" in html
    assert html.count("Chèque") >= 3  # one line per instalment
    blank = " ".join(contract_document_html(contract).split())
    assert "Camille" not in blank and 'class="blank"' in blank


def test_joining_the_amap_records_an_unpaid_membership_and_the_customer(client):
    s = season(weeks=2)
    user = UserFactory(email="Noe@exemple.fr", full_name="Noé Durand")
    client.force_login(user)
    url = reverse("amap_member:membership", args=[s.amap.slug])
    page = client.get(url)
    assert 'value="15.00"' in page.content.decode()  # the suggested amount
    refused = client.post(url, {"amount": "5", "method": "cheque"})
    assert "L'adhésion est d'au moins 10,00 €." in text(refused)
    assert not Membership.objects.exists() and not Customer.objects.filter(enterprise=s.amap).exists()
    done = client.post(url, {"amount": "20", "method": "transfer"})
    assert done.status_code == 302
    membership = Membership.objects.get()
    assert (membership.amount, membership.method, membership.paid_at) == (Decimal("20.00"), "transfer", None)
    assert membership.customer.enterprise == s.amap and membership.customer.user == user
    assert membership.year == s.distributions[0].date.year
    again = client.get(url)
    assert "Son règlement n'est pas encore reçu" in text(again)


def test_membership_signup_refuses_a_second_membership_the_same_year():
    s = season(weeks=2)
    user = UserFactory(email="noe@exemple.fr")
    membership_signup(amap=s.amap, user=user, amount="12", method="cheque")
    with pytest.raises(Exception, match="déjà adhéré"):
        membership_signup(amap=s.amap, user=user, amount="12", method="cheque")
    assert Membership.objects.count() == 1


def _form(s, **extra):
    data = {
        f"q_{s.big.pk}": "1",
        f"q_{s.small.pk}": "0",
        "starts_on": s.distributions[0].date.isoformat(),
        "instalments": "2",
        "method": "cheque",
        "sharers": "",
        "accepted": "on",
    }
    return data | extra


def test_subscribing_shows_the_pro_rated_price_then_creates_the_subscription_and_its_plan(client):
    s = season(weeks=10)
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)
    url = contract_url(s, s.vegetables, "amap_member:subscribe")
    page = client.get(url)
    assert page.status_code == 200 and "J'ai lu et j'accepte le contrat" in text(page)
    later = s.distributions[4].date.isoformat()
    quote = client.post(url, _form(s, starts_on=later, action="quote"))
    assert "6 distributions sur les 10 de la saison" in text(quote) and "108,00 €" in text(quote)
    assert not Subscription.objects.exists()
    done = client.post(url, _form(s, starts_on=later))
    sub = Subscription.objects.get()
    assert done.url == reverse("amap_member:subscribed", args=[s.amap.slug, s.vegetables.uuid, sub.uuid])
    assert sub.accepted_at is not None and sub.amount == Decimal("108.00") and sub.baskets.count() == 6
    confirmation = text(client.get(done.url))
    assert "Versement 1" in confirmation and "Versement 2" in confirmation and "54,00 €" in confirmation
    assert "À l'ordre de EARL Jardins du Garon" in confirmation


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"accepted": ""}, "Lisez et acceptez le contrat pour souscrire."),
        ({"q_BIG": "0"}, "Choisissez au moins un produit."),
        ({"instalments": "11"}, "Sélectionnez un choix valide."),
        ({"method": "sepa"}, "Sélectionnez un choix valide."),
        ({"sharers": "inconnu@exemple.fr"}, "inconnu@exemple.fr : pas adhérent de l'AMAP."),
    ],
)
def test_a_refused_subscription_says_why_and_creates_nothing(client, extra, message):
    s = season(weeks=4)
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)
    extra = {(f"q_{s.big.pk}" if k == "q_BIG" else k): v for k, v in extra.items()}
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s, **extra))
    assert page.status_code == 200 and message in text(page)
    assert not Subscription.objects.exists() and not Order.objects.exists()


def test_the_form_offers_no_more_instalments_than_a_plan_has(client):
    s = season(weeks=4)
    Contract.objects.filter(pk=s.vegetables.pk).update(max_instalments=20)  # more than a plan allows
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s, instalments="12"))
    assert page.status_code == 302  # 12 is the most a plan has
    assert Instalment.objects.count() == 12
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s, instalments="13"))
    assert "Sélectionnez un choix valide" in text(page)


def test_without_membership_the_form_asks_to_join_first_and_nothing_is_created(client):
    s = season(weeks=4)
    user = UserFactory(email="noe@exemple.fr")
    client.force_login(user)
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s))
    assert "Adhérez d'abord à l'AMAP" in text(page)
    assert reverse("amap_member:membership", args=[s.amap.slug]) in page.content.decode()
    assert not Customer.objects.filter(enterprise=s.amap).exists() and not Subscription.objects.exists()


def test_a_full_contract_offers_the_waiting_list(client):
    s = season(weeks=4, capacity=1)
    subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "first@exemple.fr", "Ana Li"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)
    url = contract_url(s, s.vegetables, "amap_member:subscribe")
    page = client.post(url, _form(s))
    assert "Ce contrat est complet" in text(page) and "Rejoindre la liste d'attente" in text(page)
    assert Subscription.objects.count() == 1
    waiting = client.post(url, _form(s, waiting_list="1"))
    sub = Subscription.objects.get(customer=camille)
    assert sub.status == Subscription.Status.WAITING and not sub.baskets.exists()
    assert "Vous êtes sur la liste d'attente" in text(client.get(waiting.url))


def test_a_shared_basket_with_a_tier_and_a_donation(client):
    s = season(weeks=4)
    tier = contract_tier_set(contract=s.vegetables, name="Solidaire", percent=70)
    Contract.objects.filter(pk=s.vegetables.pk).update(solidarity_donation=Decimal("1.00"))
    camille = member(s.amap, "camille@exemple.fr")
    member(s.amap, "Sam@exemple.fr", "Sam Roy")
    client.force_login(camille.user)
    url = contract_url(s, s.vegetables, "amap_member:subscribe")
    assert "Plein tarif (100 %)" in text(client.get(url))
    client.post(url, _form(s, tier=str(tier.pk), donation="0.50", sharers="sam@exemple.fr"))
    sub = Subscription.objects.get()
    assert sub.tier == tier and sub.donation == Decimal("0.50")
    assert [sh.customer.email for sh in sub.shares.all()] == ["camille@exemple.fr", "Sam@exemple.fr"]
    # 18 € − 30 % + 0,50 € per distribution
    assert {o.total for o in Order.objects.filter(amap_basket__subscription=sub)} == {Decimal("13.10")}


def test_the_confirmation_is_only_for_its_member(client):
    s = season(weeks=2)
    sub = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "camille@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    client.force_login(UserFactory(email="autre@exemple.fr"))
    url = reverse("amap_member:subscribed", args=[s.amap.slug, s.vegetables.uuid, sub.uuid])
    assert client.get(url).status_code == 404


def test_the_subscribe_page_needs_a_login(client):
    s = season(weeks=2)
    page = client.get(contract_url(s, s.vegetables, "amap_member:subscribe"))
    assert page.status_code == 302 and "login" in page.url


def test_a_closed_sign_up_is_refused(client):
    s = season(weeks=2)
    Contract.objects.filter(pk=s.vegetables.pk).update(
        signup_closes_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s))
    assert "Les inscriptions à ce contrat sont ouvertes du" in text(page)
    assert not Subscription.objects.exists()


def test_a_payment_plan_refused_by_the_service_is_shown_and_nothing_is_created(client, monkeypatch):
    s = season(weeks=4)
    camille = member(s.amap, "camille@exemple.fr")
    client.force_login(camille.user)

    def refuse(**kwargs):
        raise PlanInvalid("Ce moyen de paiement n'est pas proposé pour ce contrat.", field="method")

    monkeypatch.setattr(subscribing, "plan_create", refuse)
    page = client.post(contract_url(s, s.vegetables, "amap_member:subscribe"), _form(s))
    assert "Ce moyen de paiement n'est pas proposé pour ce contrat." in text(page)
    assert not Subscription.objects.exists() and not Order.objects.exists()
