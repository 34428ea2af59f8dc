"""axe-core finds no violation, and nothing scrolls sideways on a 360 px phone, on every page of the site
(public pages, account pages, back-office), with the demo territory loaded."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.helpers import link_in_last_email
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e

# Demo logins (cabas/demo/people.py): Claire owns a farm that a shop asked to work with;
# Rémi owns the producers' shop that coordinates a network.
CLAIRE = "claire@ferme-des-collines.fr"
REMI = "remi.grange@exemple.fr"
FARM = "ferme-des-collines"
SHOP = "comptoir-des-monts"
NETWORK = "cooperative-des-monts-du-lyonnais"


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def wait_for_maps(page):
    """Leaflet draws after the page has loaded: wait until every map has announced its markers."""
    for status in page.locator(".map-status").all():
        expect(status).not_to_have_text("")


def check_page(page, axe_check, no_horizontal_scroll):
    expect(page.locator("main h1")).to_be_visible()
    wait_for_maps(page)
    no_horizontal_scroll(page)
    axe_check(page)


PUBLIC_PAGES = [
    "/",
    "/?place=Yzeron&km=20",
    "/?q=fromage",
    "/?place=Nulle-Part-sur-Mer",
    "/producers/",
    "/producers/?place=69510&km=10",
    "/shops/",
    "/map/",
    f"/{FARM}/",
    f"/{SHOP}/",
    f"/networks/{NETWORK}/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/signup/done/",
]

# Dead ends a visitor may reach from an old link: an accessible French page, with its error status.
ERROR_PAGES = [
    ("/une-ferme-disparue/", 404),
    ("/networks/reseau-disparu/", 404),
    ("/accounts/confirm/lien-abime/", 400),
    ("/invitations/lien-abime/", 404),
]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_it_has_no_accessibility_violation_on_public_pages(page, demo, url, axe_check, no_horizontal_scroll):
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    check_page(page, axe_check, no_horizontal_scroll)


def expect_error_page(page, response, status):
    """The error status, then a page of the site (French, with its layout); the browser's own report of
    the error status is not a fault of the page."""
    assert response.status == status
    page.console_errors[:] = [e for e in page.console_errors if f"status of {status}" not in e]
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("link", name="Aller au contenu")).to_be_attached()


@pytest.mark.parametrize(("url", "status"), ERROR_PAGES)
def test_it_has_no_accessibility_violation_on_error_pages(page, url, status, axe_check, no_horizontal_scroll):
    expect_error_page(page, page.goto(url), status)
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_explains_a_refused_access_accessibly(page, demo, login_as, axe_check, no_horizontal_scroll):
    login_as(page, "lucie.benevole@exemple.fr")  # a volunteer of the AMAP
    response = page.goto("/manage/amap-de-la-guillotiere/settings/")
    expect_error_page(page, response, 403)
    expect(page.get_by_role("heading", level=1)).to_have_text("Accès refusé")
    check_page(page, axe_check, no_horizontal_scroll)
    page.get_by_role("link", name="Retour à mes structures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes structures")


def test_it_renders_the_server_error_page_without_any_context():
    from django.template import loader

    html = loader.get_template("500.html").render()
    assert '<html lang="fr">' in html and "Une erreur est survenue" in html


MEMBER_PAGES = [
    (CLAIRE, "/accounts/profile/"),
    (CLAIRE, "/accounts/password/change/"),
    (CLAIRE, "/accounts/profile/delete/"),
    (CLAIRE, "/manage/"),
    (CLAIRE, f"/manage/{FARM}/"),
    (CLAIRE, f"/manage/{FARM}/settings/"),
    (CLAIRE, f"/manage/{FARM}/team/"),
    (CLAIRE, f"/manage/{FARM}/relationships/"),
    (CLAIRE, f"/manage/{FARM}/networks/"),
    (CLAIRE, "/manage/new/"),
    (REMI, f"/manage/{SHOP}/"),
    (REMI, f"/manage/{SHOP}/team/"),
    (REMI, f"/manage/{SHOP}/relationships/"),
    (REMI, f"/manage/{SHOP}/relationships/?q=ferme"),
    (REMI, f"/manage/{SHOP}/networks/"),
    (REMI, f"/manage/{SHOP}/networks/new/"),
    (REMI, f"/manage/{SHOP}/networks/{NETWORK}/"),
    (REMI, f"/manage/{SHOP}/distribution/"),
]


@pytest.mark.parametrize(("email", "url"), MEMBER_PAGES)
def test_it_has_no_accessibility_violation_on_member_pages(
    page, demo, login_as, email, url, axe_check, no_horizontal_scroll
):
    login_as(page, email)
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_on_a_newcomers_empty_back_office(
    page, login_as, axe_check, no_horizontal_scroll
):
    user = UserFactory(email="nouveau@exemple.fr")
    login_as(page, user.email)
    page.goto("/manage/")
    expect(page.get_by_role("heading", name="Bienvenue sur Cabas")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_through_the_wizard(
    page, demo, login_as, axe_check, no_horizontal_scroll
):
    login_as(page, CLAIRE)
    page.goto("/manage/new/")
    # Step 1, sent empty: the error is shown and announced.
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Choisissez le fonctionnement")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)

    page.get_by_role("radio", name=re.compile(r"^AMAP ")).check()
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("heading", name="Identité", level=2)).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)
    page.get_by_role("button", name="Continuer").click()  # no name: errors
    expect(page.locator(".errorlist").first).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)

    page.get_by_label("Nom de la structure").fill("AMAP des Pentes")
    page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_role("group", name="Statut légal")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)
    page.get_by_label("SIRET").fill("12345678901234")
    page.get_by_role("button", name="Créer ma structure").click()
    expect(page.get_by_text("Ce numéro SIRET n'existe pas")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_on_forms_with_errors(page, demo, axe_check, no_horizontal_scroll):
    page.goto("/accounts/signup/")
    page.get_by_label("Adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("Cochez cette case pour créer votre compte.")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)

    page.goto("/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(CLAIRE)
    page.get_by_label("Mot de passe").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.locator("main .errorlist, main [role=alert]").first).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_after_actions_with_messages(
    page, demo, login_as, axe_check, no_horizontal_scroll
):
    login_as(page, REMI)
    page.goto(f"/manage/{SHOP}/team/")
    page.get_by_label("Adresse e-mail").fill("nouvelle.recrue@exemple.fr")
    page.get_by_role("button", name="Inviter").click()
    expect(page.get_by_text("Invitation envoyée à nouvelle.recrue@exemple.fr.")).to_be_visible()
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_through_a_password_reset(
    page, live_server, settings, axe_check, no_horizontal_scroll
):
    settings.SITE_URL = live_server.url
    user = UserFactory(email="oublieuse@exemple.fr")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Mot de passe oublié ?").click()
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_role("button", name="Recevoir le lien").click()
    check_page(page, axe_check, no_horizontal_scroll)

    page.goto(link_in_last_email(user.email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choisissez un nouveau mot de passe")
    check_page(page, axe_check, no_horizontal_scroll)
    page.get_by_label("Nouveau mot de passe", exact=True).fill("un-nouveau-mot-de-passe-7")
    page.get_by_label("Confirmation du nouveau mot de passe").fill("un-nouveau-mot-de-passe-7")
    page.get_by_role("button", name="Enregistrer le mot de passe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mot de passe modifié")
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_has_no_accessibility_violation_when_showing_a_new_api_token(
    page, login_as, axe_check, no_horizontal_scroll
):
    user = UserFactory(email="developpeuse@exemple.fr")
    login_as(page, user.email)
    page.goto("/accounts/profile/")
    page.get_by_label("Nom du jeton").fill("Tableur des commandes")
    page.get_by_role("button", name="Créer le jeton").click()
    expect(page.get_by_label("Votre nouveau jeton")).not_to_have_value("")
    check_page(page, axe_check, no_horizontal_scroll)


def test_it_lets_a_keyboard_user_skip_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused, hidden otherwise
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab goes on inside the content, not back to the header, and shows where it is.
    page.keyboard.press("Tab")
    assert page.evaluate("document.querySelector('main').contains(document.activeElement)")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), "the focused element must be visibly outlined"
