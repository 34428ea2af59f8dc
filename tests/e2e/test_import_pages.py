"""Browser test of the product import: a producer uploads a CSV, reads the problems, fixes the file,
sees the preview, confirms, then edits an imported price inline; the progress of a big import is
polled with htmx. 360 px wide, no axe-core violation."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cabas.catalogue.models import ImportJob, Variant
from cabas.catalogue.tests.import_files import ofn_csv, row
from tests.factories import EnterpriseFactory, RoleFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def farm(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    farm = EnterpriseFactory(name="Ferme des Collines", slug="ferme-des-collines")
    RoleFactory(enterprise=farm, role="owner", user__email="claire@exemple.fr")
    return farm


def test_it_imports_a_csv_after_showing_the_problems_then_edits_a_price_inline(
    page, farm, login_as, axe_check, no_horizontal_scroll, tmp_path
):
    bad = tmp_path / "produits.csv"
    bad.write_bytes(
        ofn_csv(row(sku="A", price="2,5O"), row(sku="B", display_name="Sachet", category="Légumess"))
    )
    good = tmp_path / "produits-corrigés.csv"
    good.write_bytes(ofn_csv(row(sku="A", price="2,50"), row(sku="B", display_name="Sachet")))
    login_as(page, "claire@exemple.fr")

    page.goto(f"/manage/{farm.slug}/products/import/")
    expect(page.locator("main h1")).to_have_text("Importer des produits")
    no_horizontal_scroll(page)
    axe_check(page)

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(bad))
    page.get_by_role("button", name="Vérifier le fichier").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Le fichier contient 2 problèmes : rien n'a été importé.")
    errors = page.locator(".import-errors li")
    expect(errors).to_have_text([
        "ligne 2, colonne price : prix invalide : « 2,5O » (ex. 3,50)",
        "ligne 3, colonne category : catégorie inconnue : « Légumess ». Vouliez-vous dire « Légumes » ?",
    ])
    no_horizontal_scroll(page)
    axe_check(page)
    assert not Variant.objects.exists()

    page.get_by_label("Fichier CSV ou XLSX").set_input_files(str(good))
    page.get_by_role("button", name="Vérifier le fichier").click()
    expect(page.locator("main")).to_contain_text("2 variantes à créer")
    axe_check(page)
    assert not Variant.objects.exists()

    page.get_by_role("button", name="Confirmer l'import").click()
    expect(page.locator(".messages")).to_contain_text("Import terminé : 2 variantes créées")
    axe_check(page)
    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["A", "B"]

    # Then, on the products list the import linked to, the producer corrects a price in place.
    page.goto(f"/manage/{farm.slug}/products/")
    imported = Variant.objects.get(sku="A")
    line = page.locator(f"#variant-{imported.uuid}")
    line.get_by_role("link", name="Modifier").click()
    page.get_by_label("Prix TTC (€)").fill("2,90")
    page.get_by_role("button", name="Enregistrer").click()
    expect(line).to_contain_text("2,90\u00a0€")
    axe_check(page)
    assert Variant.objects.get(sku="A").price == Decimal("2.90")


def test_it_shows_the_progress_of_a_big_import_and_the_result_when_it_is_over(
    page, farm, login_as, axe_check, no_horizontal_scroll
):
    job = ImportJob.objects.create(enterprise=farm, original_name="catalogue.csv", row_count=10_000,
                                   progress=4_000, status=ImportJob.Status.CHECKING)
    login_as(page, "claire@exemple.fr")

    page.goto(f"/manage/{farm.slug}/products/import/{job.uuid}/")
    label = page.locator("#import-progress-label")
    expect(label).to_have_text("Vérification du fichier : 4000 lignes sur 10000")
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "40")
    expect(page.get_by_role("link", name="Rafraîchir")).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)

    ImportJob.objects.filter(pk=job.pk).update(progress=8_000)
    expect(page.get_by_role("progressbar")).to_have_attribute("value", "80")

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.READY, created_count=10_000)
    expect(page.get_by_role("button", name="Confirmer l'import")).to_be_visible()
    expect(page.locator("main")).to_contain_text("10000 variantes à créer")
