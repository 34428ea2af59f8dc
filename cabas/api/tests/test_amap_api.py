"""AMAP API: an AMAP's contracts (public), subscribing (pro-rata, payment plan, full contract,
refusals in French with nothing written, Idempotency-Key), a member's baskets and absences, the
distributions and subscriptions its managers follow — status codes, bodies, who may see what."""

import json
from decimal import Decimal
from pathlib import Path

import pytest

from cabas.accounts.models import ApiToken
from cabas.amap.models import Basket, Contract, Instalment, PriceTier, Subscription
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.api.tests.test_routers_have_no_queries import queries_in
from cabas.orders.models import Order
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def bearer(user):
    _, raw = ApiToken.generate(user=user, name="script")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post(client, url, user, body, **headers):
    return client.post(url, data=json.dumps(body), content_type="application/json", **bearer(user), **headers)


def subscribe_url(contract) -> str:
    return f"/api/v1/contracts/{contract.uuid}/subscriptions"


@pytest.fixture
def s():
    return season(weeks=10)


@pytest.fixture
def camille(s):
    return member(s.amap, "camille@exemple.fr")


# --- Contracts (public) -----------------------------------------------------------------------


def test_it_lists_an_amaps_published_contracts_with_their_places_left(
    client, s, django_assert_max_num_queries
):
    Contract.objects.filter(pk=s.vegetables.pk).update(capacity=3)
    subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "a@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )
    hidden = Contract.objects.create(
        amap=s.amap,
        producer=s.farm,
        name="Pain",
        season="Été",
        signup_opens_on=s.vegetables.signup_opens_on,
        signup_closes_on=s.vegetables.signup_closes_on,
    )

    with django_assert_max_num_queries(3):
        response = client.get("/api/v1/enterprises/amap-des-pentes/contracts")

    assert response.status_code == 200
    by_name = {c["name"]: c for c in response.json()}
    assert set(by_name) == {"Légumes", "Œufs"}  # not the unpublished « Pain »
    vegetables = by_name["Légumes"]
    assert vegetables["uuid"] == str(s.vegetables.uuid)
    assert vegetables["producer"] == {"slug": "jardins-du-garon", "name": "Jardins du Garon"}
    assert (vegetables["kind"], vegetables["kind_label"], vegetables["season"]) == (
        "fixed",
        "Panier fixe",
        "Été",
    )
    assert (vegetables["capacity"], vegetables["places_left"], vegetables["signup_open"]) == (3, 2, True)
    assert by_name["Œufs"]["places_left"] is None
    assert hidden.uuid  # exists, but not listed


def test_contracts_of_an_enterprise_that_is_not_a_public_amap_are_not_found(client, s):
    farm = client.get(f"/api/v1/enterprises/{s.farm.slug}/contracts")
    unknown = client.get("/api/v1/enterprises/nulle-part/contracts")

    assert farm.status_code == unknown.status_code == 404
    assert farm.json() == {"detail": "Ressource introuvable."}


def test_it_shows_a_contract_with_its_distributions_products_and_tiers(
    client, s, django_assert_max_num_queries
):
    PriceTier.objects.create(contract=s.vegetables, name="Solidaire", percent=70)

    with django_assert_max_num_queries(6):
        response = client.get(f"/api/v1/contracts/{s.vegetables.uuid}")

    assert response.status_code == 200
    body = response.json()
    assert body["amap"] == {"slug": "amap-des-pentes", "name": "AMAP des Pentes"}
    assert len(body["distributions"]) == 10
    first = body["distributions"][0]
    assert first["date"] == s.distributions[0].date.isoformat()
    assert (first["starts_at"], first["ends_at"]) == ("18:30:00", "19:30:00")
    assert first["place"]["name"] == "Salle des Canuts"
    assert body["products"] == [
        {
            "variant": str(s.big.variant.uuid),
            "name": "Panier de légumes — Grand",
            "price": "18.00",
            "quantity": 1,
            "max_quantity": 20,
        },
        {
            "variant": str(s.small.variant.uuid),
            "name": "Panier de légumes — Petit",
            "price": "11.00",
            "quantity": 1,
            "max_quantity": 20,
        },
    ]
    assert [(t["name"], t["percent"]) for t in body["tiers"]] == [("Solidaire", 70)]
    assert body["payee"] == "EARL Jardins du Garon"


def test_an_unpublished_or_unknown_contract_is_not_found(client):
    s = season(published=False)

    assert client.get(f"/api/v1/contracts/{s.vegetables.uuid}").status_code == 404
    assert client.get("/api/v1/contracts/00000000-0000-4000-8000-000000000000").status_code == 404
    assert client.get("/api/v1/contracts/pas-un-uuid").status_code == 422


# --- Subscribing ------------------------------------------------------------------------------


def body(s, **changes):
    return {"quantities": {str(s.big.variant.uuid): 1}, "accepted": True, **changes}


def test_a_member_subscribes_and_gets_the_pro_rated_price_and_a_plan_that_sums_exactly(client, s, camille):
    late = s.distributions[4].date
    sent = {
        "quantities": {str(s.small.variant.uuid): 1},
        "starts_on": late.isoformat(),
        "instalments": 4,
        "method": "cheque",
        "accepted": True,
    }

    response = post(client, subscribe_url(s.vegetables), camille.user, sent)

    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["status"], answer["deliveries"], answer["amount"]) == ("active", 6, "66.00")
    assert answer["starts_on"] == late.isoformat()
    plan = answer["instalments"]
    assert [i["amount"] for i in plan] == ["16.50"] * 4
    assert [i["number"] for i in plan] == [1, 2, 3, 4]
    assert {(i["method"], i["state"], i["state_label"]) for i in plan} == {
        ("cheque", "to_provide", "À fournir")
    }
    sub = Subscription.objects.get(uuid=answer["uuid"])
    assert sub.customer == camille and sub.baskets.count() == 6


def test_a_plan_that_does_not_divide_evenly_still_sums_to_the_cent(client, s, camille):
    response = post(client, subscribe_url(s.vegetables), camille.user, body(s, instalments=7))

    answer = response.json()
    amounts = [Decimal(i["amount"]) for i in answer["instalments"]]
    assert answer["amount"] == "180.00" and answer["deliveries"] == 10
    assert sum(amounts) == Decimal("180.00")
    assert amounts == [Decimal("25.72")] * 3 + [Decimal("25.71")] * 4


def test_only_a_member_of_the_amap_may_subscribe(client, s):
    stranger = UserFactory(email="passant@exemple.fr")

    response = post(client, subscribe_url(s.vegetables), stranger, body(s))
    anonymous = client.post(
        subscribe_url(s.vegetables), data=json.dumps(body(s)), content_type="application/json"
    )

    assert response.status_code == 403
    assert "adhérents de AMAP des Pentes" in response.json()["detail"]
    assert anonymous.status_code == 401
    assert not Subscription.objects.exists()


def test_a_full_contract_answers_409_unless_the_member_joins_the_waiting_list(client, s, camille):
    Contract.objects.filter(pk=s.vegetables.pk).update(capacity=1)
    subscription_create(
        contract=s.vegetables,
        customer=member(s.amap, "a@exemple.fr"),
        quantities={s.big.pk: 1},
        accepted=True,
    )

    full = post(client, subscribe_url(s.vegetables), camille.user, body(s))
    waiting = post(client, subscribe_url(s.vegetables), camille.user, body(s, waiting_list=True))

    assert full.status_code == 409
    assert (
        full.json()["detail"] == "Ce contrat est complet. Vous pouvez vous inscrire sur la liste d'attente."
    )
    assert waiting.status_code == 201
    assert (waiting.json()["status"], waiting.json()["instalments"], waiting.json()["deliveries"]) == (
        "waiting",
        [],
        0,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"accepted": False}, "accepted", "Lisez et acceptez le contrat pour souscrire."),
        ({"instalments": 11}, "instalments", "Ce contrat se règle en 10 versements au plus."),
        ({"method": "sepa"}, "method", "Ce moyen de paiement n'est pas proposé pour ce contrat."),
        ({"quantities": {}}, "quantities", "Choisissez au moins un produit."),
        (
            {"quantities": {"00000000-0000-4000-8000-000000000000": 1}},
            "quantities",
            "Produit absent de ce contrat",
        ),
        ({"quantities": {"BIG": 21}}, "quantities", "Quantité impossible pour ce produit."),
        ({"tier": 999999}, "tier", "Choisissez un tarif de ce contrat."),
        ({"starts_on": "2001-01-01"}, "starts_on", "Choisissez une date de début à venir."),
    ],
)
def test_a_refused_subscription_answers_422_in_french_and_writes_nothing(
    client, s, camille, changes, field, message
):
    if changes.get("quantities") == {"BIG": 21}:
        changes = {"quantities": {str(s.big.variant.uuid): 21}}

    response = post(client, subscribe_url(s.vegetables), camille.user, body(s, **changes))

    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == field
    assert error["message"].startswith(message)
    assert not Subscription.objects.exists()
    assert not Order.objects.exists() and not Instalment.objects.exists()


def test_membership_missing_is_refused_with_its_reason(client, s):
    newcomer = member(s.amap, "nouveau@exemple.fr", membership=False)

    response = post(client, subscribe_url(s.vegetables), newcomer.user, body(s))

    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "membership"
    assert "Adhérez d'abord à l'AMAP" in response.json()["errors"][0]["message"]


def test_the_same_idempotency_key_gives_the_same_subscription(client, s, camille):
    token = bearer(camille.user)
    url = subscribe_url(s.vegetables)

    def send(payload):
        return client.post(
            url,
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY="k-1",
            **token,
        )

    first, again = send(body(s)), send(body(s))
    other = send(body(s, instalments=2))

    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Subscription.objects.count() == 1
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "Idempotency-Key"


# --- A member's baskets and absences ----------------------------------------------------------


def test_a_member_lists_their_next_baskets(client, s, camille, django_assert_max_num_queries):
    sub = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True
    )
    token = bearer(camille.user)

    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/me/deliveries?limit=3", **token)

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 10 and len(page["items"]) == 3
    first = page["items"][0]
    basket = sub.baskets.order_by("delivery__distribution__date").first()
    assert first["order"] == str(basket.order.uuid)
    assert first["date"] == s.distributions[0].date.isoformat()
    assert first["place"]["name"] == "Salle des Canuts"
    assert first["contract"]["name"] == "Légumes"
    assert first["contract"]["producer"]["name"] == "Jardins du Garon"
    assert first["lines"] == [
        {"product": "Panier de légumes", "variant": "Grand", "quantity": 1, "unit_price": "18.00"}
    ]
    assert (first["shared"], first["collector"], first["absence"], first["moved_to"]) == (
        False,
        None,
        "",
        None,
    )
    other = UserFactory(email="autre@exemple.fr")
    assert client.get("/api/v1/me/deliveries", **bearer(other)).json()["count"] == 0


def test_a_member_declares_an_absence_within_the_quota(client, s, camille):
    subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True)
    baskets = list(Basket.objects.order_by("delivery__distribution__date").select_related("order"))

    answers = [
        post(client, "/api/v1/me/absences", camille.user, {"order": str(b.order.uuid)}) for b in baskets[5:8]
    ]

    assert [a.status_code for a in answers] == [201, 201, 422]
    assert answers[0].json()["absence"] == "solidarity"
    assert answers[0].json()["absence_label"] == "Absent : panier solidaire"
    assert answers[2].json()["errors"][0]["message"] == (
        "Vous avez déjà déclaré les 2 absences permises par ce contrat."
    )
    baskets[7].refresh_from_db()
    assert baskets[7].absence == ""


def test_an_absence_on_someone_elses_basket_is_not_found(client, s, camille):
    subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True)
    basket = Basket.objects.select_related("order").last()
    other = member(s.amap, "autre@exemple.fr")

    response = post(client, "/api/v1/me/absences", other.user, {"order": str(basket.order.uuid)})

    assert response.status_code == 404
    basket.refresh_from_db()
    assert basket.absence == ""


def test_a_moved_basket_needs_a_later_distribution_of_the_contract(client, s, camille):
    Contract.objects.filter(pk=s.vegetables.pk).update(absence_policy=Contract.AbsencePolicy.MOVED)
    subscription_create(contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, accepted=True)
    basket = Basket.objects.order_by("delivery__distribution__date").select_related("order")[5]
    url = "/api/v1/me/absences"

    missing = post(client, url, camille.user, {"order": str(basket.order.uuid)})
    earlier = post(
        client, url, camille.user, {"order": str(basket.order.uuid), "move_to": str(s.distributions[2].uuid)}
    )
    moved = post(
        client, url, camille.user, {"order": str(basket.order.uuid), "move_to": str(s.distributions[7].uuid)}
    )

    assert missing.status_code == earlier.status_code == 422
    assert missing.json()["errors"][0] == {
        "field": "move_to",
        "message": "Choisissez la distribution où reprendre ce panier.",
        "type": "invalid",
    }
    assert moved.status_code == 201
    assert moved.json()["absence"] == "moved"
    assert moved.json()["moved_to"]["date"] == s.distributions[7].date.isoformat()


# --- Managers ---------------------------------------------------------------------------------


def test_managers_list_the_distributions_with_the_contracts_delivering(
    client, s, django_assert_max_num_queries
):
    token = bearer(s.owner)

    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/enterprises/amap-des-pentes/distributions", **token)

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 10
    assert [c["name"] for c in items[0]["contracts"]] == ["Légumes", "Œufs"]
    assert [c["name"] for c in items[1]["contracts"]] == ["Légumes"]
    assert items[0]["cancelled"] is False


def test_managers_list_the_subscriptions_with_what_is_due_and_received(client, s, camille):
    sub = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, instalments=2, accepted=True
    )
    Instalment.objects.filter(subscription=sub, number=1).update(state=Instalment.State.RECEIVED)
    subscription_create(contract=s.eggs, customer=camille, quantities={s.dozen.pk: 1}, accepted=True)

    response = client.get(
        f"/api/v1/enterprises/amap-des-pentes/subscriptions?contract={s.vegetables.uuid}", **bearer(s.owner)
    )

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["member"] == {
        "uuid": str(camille.uuid),
        "name": "Camille Martin",
        "email": "camille@exemple.fr",
    }
    assert (item["amount"], item["due"], item["received"]) == ("180.00", "180.00", "90.00")
    assert item["contract"]["name"] == "Légumes"
    assert (
        client.get("/api/v1/enterprises/amap-des-pentes/subscriptions", **bearer(s.owner)).json()["count"]
        == 2
    )


@pytest.mark.parametrize("path", ["distributions", "subscriptions"])
def test_only_the_amaps_managers_see_its_distributions_and_subscriptions(client, s, path):
    volunteer = RoleFactory(enterprise=s.amap, role="volunteer").user
    outsider = RoleFactory(enterprise=EnterpriseFactory(name="Autre"), role="owner").user
    farmer = RoleFactory(enterprise=s.farm, role="owner").user

    assert client.get(f"/api/v1/enterprises/amap-des-pentes/{path}", **bearer(volunteer)).status_code == 403
    assert client.get(f"/api/v1/enterprises/amap-des-pentes/{path}", **bearer(outsider)).status_code == 404
    assert client.get(f"/api/v1/enterprises/{s.farm.slug}/{path}", **bearer(farmer)).status_code == 404
    assert client.get(f"/api/v1/enterprises/amap-des-pentes/{path}").status_code == 401


# --- The router and the document --------------------------------------------------------------


def test_the_amap_router_runs_no_query_of_its_own():
    source = (Path(__file__).resolve().parents[1] / "routers" / "amap.py").read_text()

    assert queries_in(source, "amap.py") == []


def test_the_openapi_document_describes_the_amap_operations(client):
    schema = client.get("/api/v1/openapi.json").json()

    paths = schema["paths"]
    assert set(paths["/api/v1/contracts/{uuid}/subscriptions"]["post"]["responses"]) == {
        "201", "400", "401", "403", "404", "409", "422", "500"
    }  # fmt: skip
    for path in [
        "/api/v1/enterprises/{slug}/contracts",
        "/api/v1/contracts/{uuid}",
        "/api/v1/me/deliveries",
        "/api/v1/me/absences",
        "/api/v1/enterprises/{slug}/distributions",
        "/api/v1/enterprises/{slug}/subscriptions",
    ]:
        assert path in paths
