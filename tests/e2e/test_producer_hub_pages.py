"""What a producer, a shop and a visitor see according to what each one does, in a browser, on a
desktop and on a phone: the back-office menu by kind of structure, the dashboard's to-do items that
go once done, « Ouvrir maintenant » and « Fermer maintenant » on a cycle, the shops featured on the
home page, the public contact email, and category names read by the product import. Every page has
no axe-core violation and never scrolls sideways."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from cabas.catalogue.models import Variant
from cabas.catalogue.tests.import_files import ofn_csv, row
from cabas.cycles import services as cycle_services
from cabas.cycles.models import OrderCycle
from cabas.enterprises.models import PRESET_DEFAULTS, Enterprise, ModelPreset, Sells
from cabas.enterprises.services import enterprise_create
from tests.e2e.helpers import manage_menu
from tests.e2e.test_cycles_pages import local
from tests.e2e.test_language import switch_language
from tests.factories import UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOP = "epicerie-croix-rousse"
SHOP_NAME = "L'Épicerie de la Croix-Rousse"
SHOP_OWNER = "marc@epicerie-croix-rousse.fr"
BAKERY = "fournil-de-la-combe"  # a producer that sells only through the shops and AMAPs
BAKERY_NAME = "Le Fournil de la Combe"
BAKER = "anne.guinand@exemple.fr"
SELLERS_ONLY = ["Commandes", "Solidarité", "Prélèvements SEPA", "Relevés bancaires"]
FIRST_PRODUCT = "Ajoutez votre premier produit"
OPEN_CYCLE = "Ouvrez un cycle"


def sized(page, width):
    page.set_viewport_size({"width": width, "height": 800 if width > 1000 else 667})


def checker(page, axe_check, no_horizontal_scroll):
    def check():
        expect(page.locator("main h1").first).to_be_visible()
        no_horizontal_scroll(page)
        axe_check(page)

    return check


def _created(name: str, model: str, email: str) -> Enterprise:
    """A structure just created by its owner `email`, as the sign-up does."""
    is_producer, sells = PRESET_DEFAULTS[model]
    return enterprise_create(
        owner=UserFactory(email=email),
        name=name,
        model=model,
        is_producer=is_producer,
        sells=sells,
        postcode="69510",
        city="Thurins",
    )


@pytest.mark.parametrize("width", [1280, 375])
def test_a_new_producer_and_a_new_shop_are_asked_for_their_first_step_until_it_is_done(
    page, login_as, axe_check, no_horizontal_scroll, width
):
    sized(page, width)
    check = checker(page, axe_check, no_horizontal_scroll)
    farm = _created("Ferme du Grand Pré", ModelPreset.PRODUCER, "paul@grand-pre.fr")
    hub = _created("Épicerie du Bourg", ModelPreset.HUB, "nina@epicerie-bourg.fr")

    # The producer sells only through others: asked for its first product, never to open a cycle.
    login_as(page, "paul@grand-pre.fr")
    page.goto(f"/manage/{farm.slug}/")
    todo = page.get_by_role("region", name="À faire")
    expect(todo.get_by_role("link", name=FIRST_PRODUCT)).to_be_visible()
    expect(todo).not_to_contain_text(OPEN_CYCLE)
    check()
    todo.get_by_role("link", name=FIRST_PRODUCT).click()
    expect(page.locator("main h1")).to_have_text("Nouveau produit")
    check()
    page.get_by_label("Nom du produit").fill("Pommes de terre")
    page.get_by_label("Catégorie").select_option("legumes-racines")
    page.locator("#id_variants-0-quantity").fill("1")
    page.locator("#id_variants-0-unit").select_option("kg")
    page.locator("#id_variants-0-price").fill("2,20")
    page.get_by_role("button", name="Enregistrer").first.click()
    expect(page.locator("main h1")).to_have_text("Pommes de terre")
    page.goto(f"/manage/{farm.slug}/")
    expect(page.get_by_role("region", name="À faire")).not_to_contain_text(FIRST_PRODUCT)
    check()

    # The new shop is asked to open a cycle, until one is upcoming.
    page.context.clear_cookies()
    login_as(page, "nina@epicerie-bourg.fr")
    page.goto(f"/manage/{hub.slug}/")
    todo = page.get_by_role("region", name="À faire")
    expect(todo).not_to_contain_text(FIRST_PRODUCT)
    todo.get_by_role("link", name=OPEN_CYCLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouveau cycle de vente")
    check()
    opens_at = timezone.now() + datetime.timedelta(days=2)
    page.get_by_label("Nom du cycle").fill("Marché du samedi")
    page.get_by_label("Ouverture des commandes").fill(local(opens_at))
    page.get_by_label("Clôture des commandes").fill(local(opens_at + datetime.timedelta(days=4)))
    page.get_by_role("button", name="Créer le cycle").click()
    expect(page.get_by_text("Cycle « Marché du samedi » créé : choisissez ses fournisseurs.")).to_be_visible()
    page.goto(f"/manage/{hub.slug}/")
    expect(page.get_by_role("region", name="À faire")).not_to_contain_text(OPEN_CYCLE)
    check()


@pytest.fixture
def demo():
    call_command("demo_data", verbosity=0)


def featured(page) -> list[str]:
    """The names of the shops « à la une » on the home page, read afresh."""
    page.goto("/")
    section = page.get_by_role("region", name="Points de vente à la une")
    expect(section).to_be_visible()
    return section.get_by_role("heading", level=3).all_text_contents()


@pytest.mark.parametrize("width", [1280, 375])
def test_each_kind_of_structure_sees_its_own_menu_shops_featured_contact_and_import(
    page, demo, login_as, axe_check, no_horizontal_scroll, settings, tmp_path, width
):
    settings.MEDIA_ROOT = tmp_path
    sized(page, width)
    check = checker(page, axe_check, no_horizontal_scroll)
    shop = Enterprise.objects.get(slug=SHOP)

    # The home page features shops selling in a cycle to come, never a structure that sells nothing.
    names = featured(page)
    check()
    assert SHOP_NAME in names
    selling_nothing = set(Enterprise.objects.filter(sells=Sells.NONE).values_list("name", flat=True))
    assert BAKERY_NAME in selling_nothing
    assert not selling_nothing & set(names), names
    demo_cycle = OrderCycle.objects.get(coordinator=shop)
    cycle_services.cycle_close_now(cycle=demo_cycle)
    assert SHOP_NAME not in featured(page)  # all its cycles are closed

    # The back-office menu by kind: the shop manages its sales, the bakery only its products.
    login_as(page, SHOP_OWNER)
    page.goto(f"/manage/{SHOP}/")
    menu = manage_menu(page)
    for name in SELLERS_ONLY:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    check()

    # An upcoming cycle features the shop again; « Ouvrir maintenant », then « Fermer maintenant ».
    now = timezone.now()
    cycle = cycle_services.cycle_create(
        coordinator=shop,
        name="Commandes de Noël",
        opens_at=now + datetime.timedelta(days=3),
        closes_at=now + datetime.timedelta(days=10),
    )
    assert cycle.approval == OrderCycle.Approval.NOT_REQUIRED
    assert SHOP_NAME in featured(page)
    page.goto(f"/manage/{SHOP}/cycles/{cycle.uuid}/")
    status = page.locator(".page-header .badge").first
    expect(status).to_have_text("À venir")
    check()
    page.get_by_role("button", name="Ouvrir maintenant").click()
    expect(page.get_by_text("Cycle « Commandes de Noël » ouvert : il prend les commandes.")).to_be_visible()
    expect(status).to_have_text("Ouvert")
    expect(page.get_by_role("button", name="Ouvrir maintenant")).to_have_count(0)
    check()
    page.get_by_role("button", name="Fermer maintenant").click()
    expect(
        page.get_by_text("Cycle « Commandes de Noël » fermé : il ne prend plus de commandes.")
    ).to_be_visible()
    expect(status).to_have_text("Fermé")
    expect(page.get_by_role("button", name="Fermer maintenant")).to_have_count(0)
    check()
    cycle.refresh_from_db()
    assert cycle.status() == OrderCycle.Status.CLOSED
    assert SHOP_NAME not in featured(page)

    # The public page shows the email chosen for the public, never the account's.
    page.goto(f"/{SHOP}/")
    expect(page.locator("main")).not_to_contain_text(SHOP_OWNER)
    page.goto(f"/manage/{SHOP}/")
    manage_menu(page).get_by_role("link", name="Fiche de la structure").click()
    expect(page.locator("main h1")).to_have_text("Fiche de la structure")
    check()
    expect(page.get_by_label("E-mail de contact")).to_have_value(SHOP_OWNER)
    page.get_by_label("E-mail affiché publiquement").fill("bonjour@epicerie-croix-rousse.fr")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("La fiche de la structure est enregistrée.")).to_be_visible()
    shop.refresh_from_db()
    assert shop.public_email == "bonjour@epicerie-croix-rousse.fr"
    assert shop.email == SHOP_OWNER
    page.goto(f"/{SHOP}/")
    contact = page.get_by_role("complementary", name="Où nous trouver")
    expect(contact.get_by_role("link", name="bonjour@epicerie-croix-rousse.fr")).to_have_attribute(
        "href", "mailto:bonjour@epicerie-croix-rousse.fr"
    )
    expect(page.locator("main")).not_to_contain_text(SHOP_OWNER)
    check()

    # The bakery sells nothing itself: no orders, solidarity fund, direct debits or bank statements.
    page.context.clear_cookies()
    login_as(page, BAKER)
    page.goto(f"/manage/{BAKERY}/")
    menu = manage_menu(page)
    expect(menu.get_by_role("link", name="Produits", exact=True)).to_be_visible()
    for name in SELLERS_ONLY:
        expect(menu.get_by_role("link", name=name, exact=True)).to_have_count(0)
    check()

    # Its import reads categories by their French or English names, plural or not, in any case and
    # with or without accents, and suggests the nearest name for an unknown one.
    def products(last_category):
        return ofn_csv(
            row(producer=BAKERY_NAME, sku="IMP-1", name="Poireaux", category="légumes"),
            row(producer=BAKERY_NAME, sku="IMP-2", name="Courges", category="VEGETABLES"),
            row(producer=BAKERY_NAME, sku="IMP-3", name="Tomme", category="Fromages"),
            row(producer=BAKERY_NAME, sku="IMP-4", name="Blettes", category=last_category),
        )

    wrong, right = tmp_path / "produits.csv", tmp_path / "produits-corrigés.csv"
    wrong.write_bytes(products("Legumez"))
    right.write_bytes(products("legume"))
    manage_menu(page).get_by_role("link", name="Importer / exporter").click()
    expect(page.locator("main h1")).to_have_text("Importer des produits")
    check()
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(wrong))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Le fichier contient 1 problème : rien n'a été importé."
    )
    expect(page.locator(".import-errors li")).to_have_text(
        ["ligne 5, colonne category : catégorie inconnue : « Legumez ». Vouliez-vous dire « Légumes » ?"]
    )
    check()
    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(right))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("main")).to_contain_text("4 variantes à créer")
    check()
    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".messages")).to_contain_text(re.compile("Import terminé : 4 variantes créées"))
    check()
    imported = Variant.objects.filter(product__producer__slug=BAKERY, sku__startswith="IMP-")
    assert dict(imported.values_list("sku", "product__category__name")) == {
        "IMP-1": "Légumes",
        "IMP-2": "Légumes",
        "IMP-3": "Fromages",
        "IMP-4": "Légumes",
    }

    # The same dashboard and import pages in English, the unknown category still told.
    switch_language(page, "English", "Changer")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"/manage/{BAKERY}/")
    expect(page.locator("main h1")).to_have_text("Dashboard")
    check()
    page.goto(f"/manage/{BAKERY}/products/import/")
    page.locator("main input[type=file]").set_input_files(str(wrong))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Legumez")
    check()
