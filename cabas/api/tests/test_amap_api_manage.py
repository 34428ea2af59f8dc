"""AMAP API for the team: marking an instalment received (status codes, the state really changed,
the service's French refusals with nothing changed, who may) and an enterprise's volunteer shifts
(any role of the team, any enterprise, upcoming or from a date, paged)."""

import datetime
import json
from pathlib import Path

import pytest
from django.utils import timezone

from cabas.amap.models import Instalment, Shift, ShiftSignup
from cabas.amap.subscribing import subscription_create
from cabas.amap.tests.season import member, season
from cabas.api.tests.test_amap_api import bearer
from cabas.api.tests.test_routers_have_no_queries import queries_in
from cabas.enterprises.models import ModelPreset
from tests.factories import EnterpriseFactory, RoleFactory, UserFactory

pytestmark = pytest.mark.django_db

AMAP = "/api/v1/enterprises/amap-des-pentes"


def received(client, instalment, user, body, slug="amap-des-pentes"):
    pk = instalment if isinstance(instalment, int) else instalment.pk
    return client.post(
        f"/api/v1/enterprises/{slug}/instalments/{pk}/received",
        data=json.dumps(body),
        content_type="application/json",
        **(bearer(user) if user else {}),
    )


@pytest.fixture
def s():
    return season(weeks=10)


@pytest.fixture
def plan(s):
    """Camille's vegetables, 10 × 18 € in two cheques."""
    camille = member(s.amap, "camille@exemple.fr")
    sub = subscription_create(
        contract=s.vegetables, customer=camille, quantities={s.big.pk: 1}, instalments=2, accepted=True
    )
    return list(sub.instalments.order_by("number"))


# --- Marking an instalment received -------------------------------------------------------------


def test_a_manager_marks_a_cheque_received(client, s, plan):
    manager = RoleFactory(enterprise=s.amap, role="manager").user
    first = plan[0]

    response = received(client, first, manager, {"cheque_number": " 0001234 ", "bank": "Crédit Agricole"})

    assert response.status_code == 200
    body = response.json()
    assert body["id"] == first.pk
    assert (body["number"], body["amount"], body["cash_on"]) == (1, "90.00", first.cash_on.isoformat())
    assert (body["method"], body["state"], body["state_label"]) == ("cheque", "received", "Reçu par l'AMAP")
    assert (body["cheque_number"], body["bank"]) == ("0001234", "Crédit Agricole")
    assert body["received_at"] is not None
    assert body["subscription"] == str(first.subscription.uuid)
    assert body["member"] == "Camille Martin"
    first.refresh_from_db()
    assert first.state == Instalment.State.RECEIVED
    assert (first.cheque_number, first.bank) == ("0001234", "Crédit Agricole")
    assert first.received_at is not None
    assert Instalment.objects.get(pk=plan[1].pk).state == Instalment.State.TO_PROVIDE


def test_the_subscriptions_list_gives_each_instalments_id_and_reception(client, s, plan):
    received(client, plan[0], s.owner, {"cheque_number": "77", "bank": "La Poste"})

    item = client.get(f"{AMAP}/subscriptions", **bearer(s.owner)).json()["items"][0]

    assert [(i["id"], i["number"], i["state"]) for i in item["instalments"]] == [
        (plan[0].pk, 1, "received"),
        (plan[1].pk, 2, "to_provide"),
    ]
    assert (item["instalments"][0]["cheque_number"], item["instalments"][0]["bank"]) == ("77", "La Poste")
    assert item["instalments"][1]["received_at"] is None
    assert item["received"] == "90.00"


def test_a_cash_instalment_needs_no_cheque_number(client, s, plan):
    Instalment.objects.filter(pk=plan[0].pk).update(method=Instalment.Method.CASH)

    response = received(client, plan[0], s.owner, {})

    assert response.status_code == 200
    assert (response.json()["state"], response.json()["cheque_number"]) == ("received", "")


def test_a_cheque_without_its_number_is_refused_and_nothing_changes(client, s, plan):
    response = received(client, plan[0], s.owner, {"cheque_number": "  ", "bank": "La Poste"})

    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "cheque_number", "message": "Indiquez le numéro du chèque.", "type": "invalid"}
    ]
    plan[0].refresh_from_db()
    assert (plan[0].state, plan[0].bank, plan[0].received_at) == (Instalment.State.TO_PROVIDE, "", None)


def test_an_instalment_already_received_is_refused_and_keeps_its_cheque(client, s, plan):
    assert received(client, plan[0], s.owner, {"cheque_number": "111"}).status_code == 200

    again = received(client, plan[0], s.owner, {"cheque_number": "222"})

    assert again.status_code == 422
    assert again.json()["detail"] == (
        "Cette échéance est déjà « Reçu par l'AMAP » : elle ne peut pas être reçue à nouveau."
    )
    plan[0].refresh_from_db()
    assert plan[0].cheque_number == "111"


def test_a_sepa_instalment_is_never_received_by_the_amap(client, s, plan):
    Instalment.objects.filter(pk=plan[0].pk).update(method=Instalment.Method.SEPA)

    response = received(client, plan[0], s.owner, {"cheque_number": "1"})

    assert response.status_code == 422
    assert response.json()["detail"] == (
        "Cette échéance est prélevée par le producteur : l'AMAP ne la reçoit pas."
    )
    assert Instalment.objects.get(pk=plan[0].pk).state == Instalment.State.TO_PROVIDE


def test_an_instalment_of_another_amap_or_unknown_is_not_found(client, s, plan):
    other = EnterpriseFactory(name="AMAP des Quais", slug="amap-des-quais", model=ModelPreset.AMAP)
    RoleFactory(enterprise=other, user=s.owner, role="owner")

    elsewhere = received(client, plan[0], s.owner, {"cheque_number": "1"}, slug="amap-des-quais")
    unknown = received(client, 2**31 - 1, s.owner, {"cheque_number": "1"})

    assert elsewhere.status_code == unknown.status_code == 404
    assert elsewhere.json() == {"detail": "Ressource introuvable."}
    assert Instalment.objects.get(pk=plan[0].pk).state == Instalment.State.TO_PROVIDE


def test_only_the_amaps_managers_mark_an_instalment_received(client, s, plan):
    volunteer = RoleFactory(enterprise=s.amap, role="volunteer").user
    outsider = RoleFactory(enterprise=EnterpriseFactory(name="Autre"), role="owner").user
    farmer = RoleFactory(enterprise=s.farm, role="owner").user
    body = {"cheque_number": "1"}

    assert received(client, plan[0], volunteer, body).status_code == 403
    assert received(client, plan[0], outsider, body).status_code == 404
    assert received(client, plan[0], farmer, body, slug=s.farm.slug).status_code == 404
    assert received(client, plan[0], None, body).status_code == 401
    assert received(client, 0, s.owner, body).status_code == 422
    assert received(client, plan[0], s.owner, {"cheque_number": "1" * 21}).status_code == 422
    assert Instalment.objects.get(pk=plan[0].pk).state == Instalment.State.TO_PROVIDE


# --- Volunteer shifts -----------------------------------------------------------------------------


def shift(enterprise, day, role="Accueil", *, distribution=None, people=(), max_people=2):
    made = Shift.objects.create(
        enterprise=enterprise,
        distribution=distribution,
        role=role,
        date=day,
        starts_at=datetime.time(18, 15),
        ends_at=datetime.time(19, 45),
        min_people=1,
        max_people=max_people,
    )
    for person in people:
        ShiftSignup.objects.create(shift=made, user=person)
    return made


def test_a_volunteer_reads_the_upcoming_shifts_with_who_signed_up(client, s, django_assert_max_num_queries):
    volunteer = RoleFactory(enterprise=s.amap, role="volunteer", user__full_name="Lucie Bernard").user
    first = s.distributions[0]
    welcome = shift(
        s.amap, first.date, distribution=first, people=[volunteer, UserFactory(full_name="Marc Petit")]
    )
    shift(s.amap, first.date, "Pesée", distribution=first, max_people=3)
    shift(s.amap, timezone.localdate() - datetime.timedelta(days=7), "Passée")
    shift(EnterpriseFactory(name="Autre"), first.date, "Ailleurs")

    with django_assert_max_num_queries(8):
        response = client.get(f"{AMAP}/shifts", **bearer(volunteer))

    assert response.status_code == 200
    page = response.json()
    assert page["count"] == 2
    assert [item["role"] for item in page["items"]] == ["Accueil", "Pesée"]
    item = page["items"][0]
    assert item == {
        "uuid": str(welcome.uuid),
        "date": first.date.isoformat(),
        "starts_at": "18:15:00",
        "ends_at": "19:45:00",
        "role": "Accueil",
        "min_people": 1,
        "max_people": 2,
        "taken": 2,
        "places_left": 0,
        "distribution": str(first.uuid),
        "people": [{"name": "Lucie Bernard"}, {"name": "Marc Petit"}],
    }
    assert (page["items"][1]["taken"], page["items"][1]["places_left"], page["items"][1]["people"]) == (
        0,
        3,
        [],
    )


def test_since_gives_the_shifts_from_a_date(client, s):
    last_week = timezone.localdate() - datetime.timedelta(days=7)
    shift(s.amap, last_week, "Passée")
    shift(s.amap, s.distributions[0].date, "À venir")

    since = client.get(f"{AMAP}/shifts?since={last_week.isoformat()}", **bearer(s.owner)).json()
    later = client.get(f"{AMAP}/shifts?since={s.distributions[1].date.isoformat()}", **bearer(s.owner))

    assert [item["role"] for item in since["items"]] == ["Passée", "À venir"]
    assert later.json()["count"] == 0
    assert client.get(f"{AMAP}/shifts?since=demain", **bearer(s.owner)).status_code == 422


def test_a_producer_store_team_reads_its_shifts_without_distribution(client):
    store = EnterpriseFactory(
        name="Boutique paysanne", slug="boutique-paysanne", model=ModelPreset.PRODUCER_STORE
    )
    farmer = RoleFactory(enterprise=store, role="volunteer").user
    shift(store, timezone.localdate(), "Caisse", people=[farmer])

    response = client.get("/api/v1/enterprises/boutique-paysanne/shifts", **bearer(farmer))

    assert response.status_code == 200
    item = response.json()["items"][0]
    assert (item["role"], item["distribution"], item["taken"], item["places_left"]) == ("Caisse", None, 1, 1)


def test_only_the_team_reads_the_shifts(client, s):
    shift(s.amap, s.distributions[0].date)
    camille = member(s.amap, "camille@exemple.fr")  # a member, not in the team
    outsider = RoleFactory(enterprise=EnterpriseFactory(name="Autre"), role="owner").user

    assert client.get(f"{AMAP}/shifts", **bearer(camille.user)).status_code == 404
    assert client.get(f"{AMAP}/shifts", **bearer(outsider)).status_code == 404
    assert client.get("/api/v1/enterprises/nulle-part/shifts", **bearer(s.owner)).status_code == 404
    assert client.get(f"{AMAP}/shifts").status_code == 401


# --- The router and the document --------------------------------------------------------------


def test_the_amap_router_still_runs_no_query_of_its_own():
    source = (Path(__file__).resolve().parents[1] / "routers" / "amap.py").read_text()

    assert queries_in(source, "amap.py") == []


def test_the_openapi_document_describes_the_team_operations(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert set(paths["/api/v1/enterprises/{slug}/instalments/{id}/received"]["post"]["responses"]) == {
        "200", "400", "401", "403", "404", "422", "500"
    }  # fmt: skip
    assert set(paths["/api/v1/enterprises/{slug}/shifts"]["get"]["responses"]) == {
        "200",
        "401",
        "404",
        "422",
        "500",
    }
