"""`manage.py import_products FILE --enterprise SLUG [--dry-run]` and `export_products`."""

import io

import pytest
from django.core.management import CommandError, call_command

from cabas.catalogue.models import Variant
from cabas.catalogue.tests.import_files import ofn_csv, row
from tests.factories import VariantFactory


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_products", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit:
        code = exit.code
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "produits.csv"
    path.write_bytes(ofn_csv(row(sku="A"), row(sku="B", display_name="Sachet", units="500", unit_type="g")))
    return path


def test_it_imports_a_good_file_and_prints_a_one_line_summary(enterprise, good):
    code, out, err = run(str(good), "--enterprise", enterprise.slug)

    assert code == 0
    assert out == "2 lignes : 2 variantes créées, 0 modifiées, 0 inchangées (1 nouveaux produits).\n"
    assert err == ""
    assert Variant.objects.count() == 2


def test_it_changes_nothing_on_a_dry_run(enterprise, good):
    code, out, _err = run(str(good), "--enterprise", enterprise.slug, "--dry-run")

    assert code == 0
    assert out.startswith("Vérification seulement, rien n'a été modifié : 2 lignes : 2 variantes créées")
    assert not Variant.objects.exists()


def test_it_exits_1_with_one_line_per_problem_and_changes_nothing(enterprise, tmp_path):
    variant = VariantFactory(product__producer=enterprise, sku="A", price="1.00")
    path = tmp_path / "produits.csv"
    path.write_bytes(
        ofn_csv(row(sku="A", price="9.00"), row(sku="B", on_hand="-2"), row(sku="C", category="X"))
    )

    code, out, err = run(str(path), "--enterprise", enterprise.slug)

    assert code == 1
    assert out == ""
    assert err.splitlines() == [
        "ligne 3, colonne on_hand : stock négatif : « -2 »",
        "ligne 4, colonne category : catégorie inconnue : « X »",
    ]
    variant.refresh_from_db()
    assert str(variant.price) == "1.00"
    assert Variant.objects.count() == 1


def test_it_exits_1_for_a_file_that_is_not_a_product_list(enterprise, tmp_path):
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF-1.4")

    code, _out, err = run(str(path), "--enterprise", enterprise.slug)

    assert code == 1
    assert err == "Ce fichier n'est ni un CSV ni un XLSX : choisissez un fichier .csv ou .xlsx.\n"


def test_it_refuses_an_unknown_enterprise_or_a_missing_file(enterprise, good):
    with pytest.raises(CommandError, match="Structure inconnue : nulle-part"):
        call_command("import_products", str(good), "--enterprise", "nulle-part")
    with pytest.raises(CommandError, match="Impossible de lire"):
        call_command("import_products", str(good) + ".absent", "--enterprise", enterprise.slug)


def test_it_exports_what_it_imported(enterprise, good, tmp_path):
    run(str(good), "--enterprise", enterprise.slug)
    out = io.StringIO()

    call_command("export_products", "--enterprise", enterprise.slug, stdout=out)

    assert out.getvalue().encode() == good.read_bytes()
    target = tmp_path / "catalogue.xlsx"
    call_command("export_products", "--enterprise", enterprise.slug, "-o", str(target))
    assert target.read_bytes()[:2] == b"PK"
