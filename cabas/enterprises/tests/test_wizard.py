import pytest
from django.urls import reverse

from cabas.enterprises.models import Enterprise, GeocodeStatus, Role, Sells
from tests.factories import EnterpriseFactory, RelationshipFactory

URL = reverse("manage:new")
VALID_SIRET = "732 829 320 00074"
VALID_VAT = "FR44732829320"


@pytest.fixture
def newcomer(customer, client_for):
    return client_for(customer)


def step(client, number, **data):
    return client.post(URL, {"step": number, **data})


def identity(**overrides):
    return {
        "name": "Ferme de l'Étang",
        "slug": "",
        "trade": "maraîchage bio",
        "is_producer": "on",
        "sells": Sells.OWN,
        **overrides,
    }


def address(**overrides):
    return {
        "address": "3 route du Lac",
        "postcode": "69510",
        "city": "Yzeron",
        "vat_regime": "franchise",
        **overrides,
    }


def through_step_two(client, model="farm_sale", **identity_overrides):
    assert step(client, 1, model=model).status_code == 302
    response = step(client, 2, **identity(**identity_overrides))
    assert response.status_code == 302, response.context["form"].errors
    return response


def test_it_offers_every_model_with_an_explanation(newcomer):
    response = newcomer.get(URL)
    assert response.status_code == 200
    for label in [
        "AMAP",
        "Magasin de producteurs",
        "Groupement d&#x27;achats",
        "Vente à la ferme",
        "Drive fermier",
        "Producteur",
        "Épicerie",
    ]:
        assert label in response.text
    assert "paniers à la distribution" in response.text
    assert 'aria-current="step"' in response.text


def test_it_creates_the_enterprise_and_makes_the_creator_owner(newcomer, customer):
    through_step_two(newcomer)
    response = step(
        newcomer,
        3,
        **address(siret=VALID_SIRET, legal_form="earl", vat_regime="standard", vat_number=VALID_VAT),
    )

    enterprise = Enterprise.objects.get(slug="ferme-de-l-etang")
    assert response.status_code == 302
    assert response["Location"] == reverse("manage:dashboard", args=[enterprise.slug])
    assert enterprise.name == "Ferme de l'Étang"
    assert enterprise.model == "farm_sale"
    assert enterprise.siret == "73282932000074"
    assert enterprise.vat_number == VALID_VAT
    assert enterprise.geocode_status == GeocodeStatus.OK
    assert enterprise.has_position
    assert Role.objects.get(enterprise=enterprise).user == customer
    assert Role.objects.get(enterprise=enterprise).role == Role.Level.OWNER
    page = newcomer.get(response["Location"])
    assert "est créée" in page.text


def test_it_forgets_the_wizard_once_the_enterprise_is_created(newcomer):
    through_step_two(newcomer)
    step(newcomer, 3, **address())
    response = newcomer.get(URL + "?step=3")
    assert "Comment fonctionne votre structure" in response.text


@pytest.mark.parametrize(
    ("model", "is_producer", "sells"),
    [
        ("producer", True, Sells.NONE),
        ("farm_sale", True, Sells.OWN),
        ("amap", False, Sells.ANY),
    ],
)
def test_it_prefills_the_flags_from_the_model(newcomer, model, is_producer, sells):
    step(newcomer, 1, model=model)
    form = newcomer.get(URL + "?step=2").context["form"]
    assert form.initial == {"is_producer": is_producer, "sells": sells}


def test_it_lets_a_producer_say_it_also_sells_directly(newcomer):
    through_step_two(newcomer, model="producer", sells=Sells.OWN)
    step(newcomer, 3, **address())
    enterprise = Enterprise.objects.get()
    assert (enterprise.is_producer, enterprise.sells, enterprise.kind) == (True, Sells.OWN, "producer_shop")


def test_it_derives_a_unique_slug_from_the_name(newcomer, enterprise):
    through_step_two(newcomer, name="Ferme des Collines")
    step(newcomer, 3, **address())
    assert Enterprise.objects.filter(slug="ferme-des-collines-2").exists()


def test_it_shows_the_page_address_before_creating(newcomer):
    through_step_two(newcomer)
    assert "/ferme-de-l-etang/" in newcomer.get(URL + "?step=3").text


@pytest.mark.parametrize("slug", ["admin", "manage", "invitations", "healthz", "producers", "new"])
def test_it_refuses_a_reserved_slug(newcomer, slug):
    step(newcomer, 1, model="amap")
    response = step(newcomer, 2, **identity(slug=slug))
    assert response.status_code == 200
    assert "est réservée" in response.text
    assert "identity" not in newcomer.session["enterprise_wizard"]


def test_it_refuses_a_slug_already_taken(newcomer, enterprise):
    step(newcomer, 1, model="amap")
    response = step(newcomer, 2, **identity(slug="ferme-des-collines"))
    assert "est déjà prise" in response.text


def test_it_refuses_an_invalid_siret_and_creates_nothing(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(siret="732 829 320 00075"))
    assert response.status_code == 200
    assert "Ce numéro SIRET n&#x27;existe pas" in response.text
    assert not Enterprise.objects.exists()


def test_it_refuses_a_siret_of_the_wrong_length(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(siret="1234"))
    assert "14 chiffres" in response.text
    assert not Enterprise.objects.exists()


def test_it_refuses_an_invalid_vat_number(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(vat_number="FR00123"))
    assert "numéro de TVA intracommunautaire n&#x27;est pas valide" in response.text
    assert not Enterprise.objects.exists()


def test_it_saves_an_address_it_cannot_find_and_says_so(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(postcode="99999", city="Nulle-Part"))
    enterprise = Enterprise.objects.get()
    assert enterprise.geocode_status == GeocodeStatus.FAILED
    assert not enterprise.has_position
    page = newcomer.get(response["Location"])
    assert "Adresse introuvable : votre structure n&#x27;apparaîtra pas sur la carte" in page.text


def test_it_keeps_coordinates_typed_by_hand(newcomer):
    through_step_two(newcomer)
    step(newcomer, 3, **address(postcode="99999", city="Nulle-Part", lat="45.71", lon="4.59"))
    enterprise = Enterprise.objects.get()
    assert (enterprise.lat, enterprise.lon, enterprise.geocode_status) == (45.71, 4.59, GeocodeStatus.MANUAL)


def test_it_wants_both_coordinates_or_none(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(lat="45.71"))
    assert "la latitude et la longitude, ou aucune" in response.text
    assert not Enterprise.objects.exists()


def test_it_does_not_let_a_step_be_skipped(newcomer):
    response = newcomer.get(URL + "?step=3")
    assert "Comment fonctionne votre structure" in response.text
    response = step(newcomer, 3, **address())
    assert not Enterprise.objects.exists()


def test_it_sends_back_to_step_two_when_the_slug_was_taken_meanwhile(newcomer):
    through_step_two(newcomer, slug="la-bonne-ferme")
    EnterpriseFactory(slug="la-bonne-ferme")
    response = step(newcomer, 3, **address())
    assert response["Location"].endswith("?step=2")
    assert Enterprise.objects.filter(slug="la-bonne-ferme").count() == 1
    assert Role.objects.count() == 0


def test_it_requires_a_model(newcomer):
    response = step(newcomer, 1)
    assert "Choisissez le fonctionnement" in response.text


def test_it_asks_anonymous_visitors_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_lists_my_enterprises_with_a_create_button(
    client_for, owner, outsider, django_assert_max_num_queries
):
    client = client_for(owner)
    with django_assert_max_num_queries(5):  # 4, and the header's « Mon AMAP » check
        response = client.get(reverse("manage:home"))
    assert "Ferme des Collines" in response.text
    assert "Autre Ferme" not in response.text
    assert "Créer ma structure" in response.text


def test_it_explains_cabas_to_someone_without_an_enterprise(newcomer):
    response = newcomer.get(reverse("manage:home"))
    assert "aucune structure" in response.text
    assert "circuit court" in response.text
    assert reverse("manage:new") in response.text


def test_it_shows_what_is_left_to_do_on_the_dashboard(newcomer):
    through_step_two(newcomer)
    response = step(newcomer, 3, **address(postcode="99999", city="Nulle-Part"))
    page = newcomer.get(response["Location"])
    assert "À faire" in page.text
    assert "Ajouter un logo" in page.text
    assert "Localiser l&#x27;adresse sur la carte" in page.text
    assert "Inviter l&#x27;équipe" in page.text
    assert "Aucune demande de relation en attente" in page.text
    assert reverse("public:enterprise", args=["ferme-de-l-etang"]) in page.text
    assert "Visible dans l'annuaire" in page.text


def test_it_counts_pending_relationship_requests_on_the_dashboard(client_for, owner, enterprise):
    RelationshipFactory(grantor=enterprise)
    page = client_for(owner).get(reverse("manage:dashboard", args=[enterprise.slug]))
    assert "Répondre aux demandes de relation (1 en attente)" in page.text
