"""The AMAP's contracts in the back-office: a season contract created from a weekly rhythm in one
form, its products, tiers, publication and terms, its subscriptions with places left and the waiting
list, and a member added on a paper contract."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cabas.amap.models import Contract, Distribution, Membership, Subscription
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.enterprises.models import ModelPreset, Relationship
from tests.factories import EnterpriseFactory, RelationshipFactory, VariantFactory
from tests.security.matrix_amap_contracts import EXPECTED

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(client):
    s = season(weeks=4, capacity=2)
    client.force_login(s.owner)
    return s


def _url(name, s, **kwargs):
    return reverse(f"amap:{name}", kwargs={"slug": s.amap.slug, **kwargs})


def _terms(**extra):
    today = timezone.localdate()
    return {
        "name": "Pain",
        "season": "Hiver 2027",
        "kind": "fixed",
        "signup_opens_on": today.isoformat(),
        "signup_closes_on": (today + datetime.timedelta(days=20)).isoformat(),
        "order_closes_days_before": "2",
        "absence_quota": "2",
        "absence_deadline_days": "3",
        "absence_policy": "solidarity",
        "max_instalments": "10",
        "minimum_per_season": "",
        "solidarity_donation": "1,50",
        **extra,
    }


def test_a_coordinator_creates_a_season_contract_from_a_weekly_rhythm_in_one_go(client, s):
    bakery = EnterpriseFactory(name="Fournil de la Brévenne", slug="fournil")
    RelationshipFactory(grantor=bakery, grantee=s.amap, status=Relationship.Status.ACCEPTED)
    page = client.get(_url("contract_new", s)).content.decode()
    assert "Fournil de la Brévenne" in page and "Chaque semaine" in page
    first = timezone.localdate() + datetime.timedelta(days=50)
    response = client.post(
        _url("contract_new", s),
        _terms(
            producer="fournil",
            mode="rhythm",
            place=s.place.pk,
            rhythm="weekly",
            first=first.isoformat(),
            last=(first + datetime.timedelta(weeks=11)).isoformat(),
            starts_at="18:30",
            ends_at="19:30",
        ),
    )
    contract = Contract.objects.get(name="Pain")
    assert response.status_code == 302 and response["Location"] == _url("contract", s, contract=contract.uuid)
    assert contract.producer == bakery and contract.solidarity_donation == Decimal("1.50")
    dates = list(contract.deliveries.values_list("distribution__date", flat=True))
    assert len(dates) == 12 and dates[0] == first and dates[-1] == first + datetime.timedelta(weeks=11)
    assert Distribution.objects.filter(amap=s.amap).count() == 4 + 12


def test_a_rhythm_over_existing_distributions_reuses_them(client, s):
    first = s.distributions[0].date
    client.post(
        _url("contract_new", s),
        _terms(
            producer=s.farm.slug,
            mode="rhythm",
            place=s.place.pk,
            rhythm="fortnightly",
            first=first.isoformat(),
            last=(first + datetime.timedelta(weeks=5)).isoformat(),
            starts_at="18:30",
            ends_at="19:30",
        ),
    )
    contract = Contract.objects.get(name="Pain")
    assert contract.deliveries.count() == 3
    assert Distribution.objects.filter(amap=s.amap).count() == 4 + 1


def test_a_contract_on_distributions_already_planned(client, s):
    chosen = [s.distributions[0], s.distributions[2]]
    response = client.post(
        _url("contract_new", s),
        _terms(producer=s.farm.slug, mode="existing", distributions=[str(d.uuid) for d in chosen]),
    )
    assert response.status_code == 302
    contract = Contract.objects.get(name="Pain")
    assert set(contract.deliveries.values_list("distribution", flat=True)) == {d.pk for d in chosen}


def test_a_new_contract_with_mistakes_says_why_in_french_and_creates_nothing(client, s):
    today = timezone.localdate()
    response = client.post(
        _url("contract_new", s),
        _terms(
            producer=s.farm.slug,
            mode="rhythm",
            signup_closes_on=(today - datetime.timedelta(days=1)).isoformat(),
        ),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez la première distribution." in page and "Indiquez l&#x27;heure de début." in page
    response = client.post(
        _url("contract_new", s),
        _terms(
            producer=s.farm.slug,
            mode="existing",
            distributions=[str(s.distributions[0].uuid)],
            signup_closes_on=(today - datetime.timedelta(days=1)).isoformat(),
        ),
    )
    assert "La fin des inscriptions doit suivre leur ouverture." in response.content.decode()
    response = client.post(_url("contract_new", s), _terms(producer="", mode="existing"))
    page = response.content.decode()
    assert "Choisissez un producteur." in page and "Choisissez au moins une distribution." in page
    assert not Contract.objects.filter(name="Pain").exists()
    assert Distribution.objects.filter(amap=s.amap).count() == 4


def test_a_generated_season_is_undone_when_the_contract_is_refused(client, s):
    today = timezone.localdate()
    first = today + datetime.timedelta(days=50)
    response = client.post(
        _url("contract_new", s),
        _terms(
            producer=s.farm.slug,
            mode="rhythm",
            place=s.place.pk,
            rhythm="weekly",
            first=first.isoformat(),
            last=(first + datetime.timedelta(weeks=3)).isoformat(),
            starts_at="18:30",
            ends_at="19:30",
            max_instalments="15",
        ),
    )
    assert "Entre 1 et 12 versements." in response.content.decode()
    assert Distribution.objects.filter(amap=s.amap).count() == 4


def test_searching_a_producer_offers_it_in_the_form(client, s):
    EnterpriseFactory(name="Miellerie des Monts", slug="miellerie")
    assert "Miellerie des Monts" not in client.get(_url("contract_new", s)).content.decode()
    page = client.get(_url("contract_new", s) + "?producteur=miell").content.decode()
    assert "Miellerie des Monts" in page


def test_the_contract_page_shows_products_subscriptions_places_left_and_the_waiting_list(
    client, s, django_assert_max_num_queries
):
    for n in range(2):
        subscription_create(
            contract=s.vegetables,
            customer=member(s.amap, f"m{n}@exemple.fr", name=f"Membre{n} Durand"),
            quantities={s.big.pk: 1},
            accepted=True,
        )
    late = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "late@exemple.fr", name="Zoé Tardive"),
        quantities={s.small.pk: 2},
        accepted=True,
        waiting_list=True,
    )
    with django_assert_max_num_queries(15):
        response = client.get(_url("contract", s, contract=s.vegetables.uuid))
    page = response.content.decode().replace("\xa0", " ")
    assert "<strong>Complet</strong>" in page and "Donner la place" in page
    assert "Membre0 Durand" in page and "72,00 €" in page  # 4 × 18 €
    assert "2 × Panier de légumes — Petit" in page and "Zoé Tardive" in page
    assert "Liste d&#x27;attente" in page
    # A place frees: the waiting member gets it.
    Subscription.objects.filter(customer__email="m0@exemple.fr").update(status=Subscription.Status.CANCELLED)
    response = client.post(_url("subscription_promote", s, subscription=late.uuid), follow=True)
    late.refresh_from_db()
    assert late.status == Subscription.Status.ACTIVE and late.baskets.exists()
    assert "Place donnée à Zoé Tardive." in response.content.decode()


def test_promoting_while_the_contract_is_full_is_refused(client, s):
    for n in range(2):
        subscription_create(
            contract=s.vegetables,
            customer=member(s.amap, f"m{n}@exemple.fr"),
            quantities={s.big.pk: 1},
            accepted=True,
        )
    late = subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "late@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
        waiting_list=True,
    )
    response = client.post(_url("subscription_promote", s, subscription=late.uuid), follow=True)
    assert "Le contrat est toujours complet." in response.content.decode()
    assert Subscription.objects.get(pk=late.pk).status == Subscription.Status.WAITING


def test_adding_a_product_of_the_producer_and_refusing_a_bad_price(client, s):
    variant = VariantFactory(product__producer=s.farm, product__name="Courges", name="")
    url = _url("contract_product", s, contract=s.vegetables.uuid)
    response = client.post(url, {"variant": variant.uuid, "price": "0", "quantity": "1", "max_quantity": "5"})
    assert response.status_code == 400
    assert "Indiquez un montant positif, ex. 3,50" in response.content.decode()
    other = VariantFactory()
    response = client.post(url, {"variant": other.uuid, "price": "3", "quantity": "1", "max_quantity": "5"})
    assert response.status_code == 400 and "field-invalid" in response.content.decode()
    response = client.post(
        url, {"variant": variant.uuid, "price": "6,50", "quantity": "2", "max_quantity": "5"}
    )
    assert response.status_code == 302
    product = s.vegetables.products.get(variant=variant)
    assert (product.price, product.quantity, product.max_quantity) == (Decimal("6.50"), 2, 5)


def test_a_product_price_no_longer_changes_once_members_subscribed(client, s):
    subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "c@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    response = client.post(
        _url("contract_product", s, contract=s.vegetables.uuid),
        {"variant": s.big.variant.uuid, "price": "20", "quantity": "1", "max_quantity": "5"},
    )
    assert "les prix et produits du contrat ne changent plus" in response.content.decode()


def test_solidarity_tiers(client, s):
    url = _url("contract_tier", s, contract=s.vegetables.uuid)
    response = client.post(url, {"name": "", "percent": "70"})
    assert response.status_code == 400 and "Nommez le tarif." in response.content.decode()
    response = client.post(url, {"name": "Solidaire", "percent": "5"})
    assert "Un tarif va de 10 % à 300 % du prix." in response.content.decode()
    response = client.post(url, {"name": "Solidaire", "percent": "70"}, follow=True)
    assert "Solidaire : 70 %" in response.content.decode()


def test_publishing_and_withdrawing(client, s):
    url = _url("contract_publish", s, contract=s.vegetables.uuid)
    response = client.post(url, follow=True)
    assert not Contract.objects.get(pk=s.vegetables.pk).published
    assert "Contrat retiré" in response.content.decode()
    client.post(url)
    assert Contract.objects.get(pk=s.vegetables.pk).published


def test_editing_the_terms(client, s):
    url = _url("contract_edit", s, contract=s.vegetables.uuid)
    assert "Légumes" in client.get(url).content.decode()
    response = client.post(url, _terms(name="Légumes bio", season="Été", capacity="30"))
    assert response.status_code == 302
    contract = Contract.objects.get(pk=s.vegetables.pk)
    assert (contract.name, contract.capacity) == ("Légumes bio", 30)
    today = timezone.localdate()
    response = client.post(url, _terms(signup_closes_on=(today - datetime.timedelta(days=3)).isoformat()))
    assert "La fin des inscriptions doit suivre leur ouverture." in response.content.decode()
    assert Contract.objects.get(pk=s.vegetables.pk).name == "Légumes bio"


def test_adding_a_member_on_a_paper_contract(client, s):
    camille = member(s.amap, "camille@exemple.fr", name="Camille Roux")
    url = _url("contract_subscribe", s, contract=s.vegetables.uuid)
    assert "Camille Roux" in client.get(url).content.decode()
    data = {
        "customer": camille.uuid,
        f"qty_{s.big.pk}": "1",
        f"qty_{s.small.pk}": "0",
        "instalments": "4",
        "method": "cheque",
    }
    response = client.post(url, data, follow=True)
    assert "Camille Roux a souscrit le contrat." in response.content.decode()
    subscription = Subscription.objects.get(customer=camille)
    assert subscription.amount == Decimal("72.00") and subscription.instalments.count() == 4
    assert subscription.accepted_at is None  # signed on paper


def test_a_paper_contract_needs_the_membership_and_a_place(client, s):
    url = _url("contract_subscribe", s, contract=s.vegetables.uuid)
    nobody = member(s.amap, "sans@exemple.fr", membership=False)
    data = {
        "customer": nobody.uuid,
        f"qty_{s.big.pk}": "1",
        f"qty_{s.small.pk}": "0",
        "instalments": "1",
        "method": "cheque",
    }
    response = client.post(url, data)
    assert "Adhérez d&#x27;abord à l&#x27;AMAP" in response.content.decode()
    assert not Subscription.objects.filter(customer=nobody).exists()
    Membership.objects.create(amap=s.amap, customer=nobody, year=s.distributions[0].date.year, amount=10)
    response = client.post(url, {**data, f"qty_{s.big.pk}": "0"})
    assert "Choisissez au moins un produit." in response.content.decode()
    Contract.objects.filter(pk=s.vegetables.pk).update(capacity=0)
    response = client.post(url, data)
    assert "Ce contrat est complet." in response.content.decode()
    client.post(url, {**data, "waiting_list": "on"})
    assert Subscription.objects.get(customer=nobody).status == Subscription.Status.WAITING


def test_the_contract_pages_are_not_found_for_an_enterprise_that_is_not_an_amap(client, s):
    s.amap.model = ModelPreset.PRODUCER_STORE
    s.amap.save(update_fields=["model"])
    for name, kwargs in [
        ("contracts", {}),
        ("contract_new", {}),
        ("contract", {"contract": s.vegetables.uuid}),
        ("contract_subscribe", {"contract": s.vegetables.uuid}),
        ("members", {}),
        ("subscriptions", {}),
    ]:
        assert client.get(_url(name, s, **kwargs)).status_code == 404, name


def test_the_contracts_list(client, s, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = client.get(_url("contracts", s)).content.decode()
    assert "Légumes — Été" in page and "Jardins du Garon" in page and "2 places libres" in page
    assert "Nouveau contrat" in page


@pytest.mark.parametrize("name", sorted(n for n, (_role, method, _b) in EXPECTED.items() if method == "POST"))
def test_every_post_of_the_access_matrix_does_what_it_asks(client, name, enterprise, owner):
    """The builders' POST data is valid: the owner's request succeeds (a redirect, not a form again)."""
    _role, _method, build = EXPECTED[name]
    kwargs, data = build(enterprise)
    client.force_login(owner)
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code == 302, response.content.decode()[:3000]
