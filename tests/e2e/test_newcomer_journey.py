"""A newcomer signs up, confirms the email, creates a producer, then finds it in the directory and the map."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import link_in_last_email, main_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FARM = "La Ferme du Test"


def test_it_takes_a_newcomer_from_sign_up_to_the_map(page, live_server, settings):
    settings.SITE_URL = live_server.url
    email = "nouvelle@exemple.fr"

    # Sign-up from the home page.
    page.goto("/")
    main_menu(page).get_by_role("link", name="Créer un compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer un compte")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Nom complet").fill("Jeanne Nouvelle")
    page.get_by_label("Mot de passe", exact=True).fill("des-choux-et-des-carottes")
    page.get_by_label("Confirmez le mot de passe").fill("des-choux-et-des-carottes")
    page.get_by_label("J'accepte que Cabas conserve ces informations").check()
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("confirmez votre adresse e-mail")
    expect(page.get_by_text(email).first).to_be_visible()

    # The confirmation link logs the newcomer in.
    page.goto(link_in_last_email(email))
    expect(page.get_by_text("Votre adresse e-mail est confirmée")).to_be_visible()
    nav = main_menu(page)
    expect(nav.get_by_role("link", name="Mes structures")).to_have_count(0)
    nav.get_by_role("link", name="Mon compte").click()
    page.get_by_role("link", name="Créer ma structure").click()

    # Wizard step 1: how the structure works.
    expect(page.get_by_role("heading", level=1)).to_have_text("Créer ma structure")
    page.get_by_role("radio", name=re.compile(r"^Producteur ")).check()
    page.get_by_role("button", name="Continuer").click()

    # Step 2: identity (the producer preset already ticks "we produce" and "we do not sell").
    expect(page.get_by_role("heading", name="Identité", level=2)).to_be_visible()
    expect(page.get_by_label("Nous produisons nous-mêmes")).to_be_checked()
    page.get_by_label("Nom de la structure").fill(FARM)
    page.get_by_label("Métier").fill("maraîchage bio")
    page.get_by_label("Accroche").fill("Des légumes de saison sur les hauteurs d'Yzeron.")
    page.get_by_role("button", name="Continuer").click()

    # Step 3: address and legal status.
    expect(page.get_by_text("/la-ferme-du-test/")).to_be_visible()
    page.get_by_label(re.compile(r"^Adresse\s*:")).fill("3 route du Col de la Luère")
    page.get_by_label("Code postal").fill("69510")
    page.get_by_label("Commune").fill("Yzeron")
    page.get_by_label("SIRET").fill("732 829 320 00074")
    page.get_by_label("Forme juridique").select_option(label="EARL")
    page.get_by_role("button", name="Créer ma structure").click()

    # The dashboard of the new producer.
    expect(page.get_by_role("heading", level=1)).to_have_text("Tableau de bord")
    expect(page.get_by_text(f"« {FARM} » est créée")).to_be_visible()
    expect(page.get_by_role("heading", name=FARM)).to_be_visible()
    expect(page.get_by_text("Localiser l'adresse sur la carte")).to_be_visible()
    assert page.url.endswith("/manage/la-ferme-du-test/")

    # In the producers' directory.
    page.goto("/producers/")
    card = page.locator(".enterprise-card").filter(has=page.get_by_role("link", name=FARM))
    expect(card).to_be_visible()
    expect(card).to_contain_text("maraîchage bio")
    expect(card).to_contain_text("69510 Yzeron")
    card.get_by_role("link", name=FARM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FARM)
    assert page.url.endswith("/la-ferme-du-test/")

    # On the map: a marker whose popup names the farm, and the same farm in the list below.
    page.goto("/map/")
    marker = page.locator(f'.leaflet-marker-icon[title="{FARM}"]')
    expect(marker).to_be_visible()
    marker.click()
    popup = page.locator(".leaflet-popup")
    expect(popup.get_by_role("link", name=FARM)).to_be_visible()
    expect(page.locator(".map-status")).to_contain_text("1 structure")
    map_list = page.get_by_role("region", name=re.compile("^Liste"))
    expect(map_list.get_by_role("link", name=FARM)).to_be_visible()

    # And in the GeoJSON the map is drawn from.
    response = page.request.get("/map/data.geojson")
    assert response.ok
    features = response.json()["features"]
    farm = next(f for f in features if f["properties"]["name"] == FARM)
    lon, lat = farm["geometry"]["coordinates"]
    assert abs(lat - 45.7081) < 0.05 and abs(lon - 4.5903) < 0.05
