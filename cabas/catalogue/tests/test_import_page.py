"""The import page: upload → preview (every problem, or what will change) → confirm → imported."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from django_tasks import default_task_backend

from cabas.catalogue import import_checks, imports
from cabas.catalogue.models import ImportJob, Variant
from cabas.catalogue.tests.import_files import big_xlsx, ofn_csv, row, with_dimension, xlsx, zip_bomb_xlsx


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def post_file(client, enterprise, data, name="produits.csv"):
    return client.post(
        reverse("catalogue:product_import", args=[enterprise.slug]),
        {"file": SimpleUploadedFile(name, data, content_type="text/csv")},
    )


def upload(client, enterprise, data, name="produits.csv"):
    """Post a file, let the background task check it (it runs at once in tests), then show the page the
    upload led to."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = post_file(client, enterprise, data, name)
    return client.get(response["Location"]) if response.status_code == 302 else response


@pytest.fixture
def queued_tasks(settings):
    """Tasks are kept in a list instead of being run: what a busy worker does."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    return default_task_backend.results


def good_file():
    return ofn_csv(row(sku="A", display_name="Botte"), row(sku="B", display_name="Sachet", units="500",
                                                          unit_type="g"))


def test_it_shows_the_upload_form_with_both_formats_and_the_export_links(client_for, manager, enterprise):
    response = client_for(manager).get(reverse("catalogue:product_import", args=[enterprise.slug]))

    content = response.content.decode()
    assert '<label for="id_file">Fichier CSV ou XLSX' in content
    assert "producer,sku,name,display_name,category" in content
    assert "producteur;sku;produit;variante;catégorie" in content
    assert reverse("catalogue:product_export_csv", args=[enterprise.slug]) in content
    assert reverse("catalogue:product_export_xlsx", args=[enterprise.slug]) in content


def test_it_lists_every_problem_and_imports_nothing(client_for, manager, enterprise, tmp_path):
    data = ofn_csv(row(sku="A", price="beaucoup"), row(sku="B", display_name="Sachet", category="Lichens"))

    response = upload(client_for(manager), enterprise, data)

    content = response.content.decode()
    assert "Le fichier contient 2 problèmes : rien n'a été importé." in content
    assert "<li>ligne 2, colonne price : prix invalide : « beaucoup » (ex. 3,50)</li>" in content
    assert "<li>ligne 3, colonne category : catégorie inconnue : « Lichens »</li>" in content
    assert "Envoyer le fichier corrigé" in content
    assert not Variant.objects.exists()
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.INVALID
    assert not list(tmp_path.rglob("*.csv"))  # the uploaded file is not kept


def test_it_previews_a_good_file_then_imports_it_on_confirmation(client_for, manager, enterprise):
    client = client_for(manager)

    response = upload(client, enterprise, good_file())

    content = response.content.decode()
    assert "Le fichier est correct : 2 lignes vérifiées." in content
    assert "2 variantes à créer" in content
    assert "Confirmer l'import" in content
    assert not Variant.objects.exists()

    job = ImportJob.objects.get()
    response = client.post(
        reverse("catalogue:product_import_confirm", args=[enterprise.slug, job.uuid]), follow=True
    )

    assert "Import terminé : 2 variantes créées, 0 modifiées, 0 inchangées." in response.content.decode()
    assert sorted(Variant.objects.values_list("sku", flat=True)) == ["A", "B"]
    job.refresh_from_db()
    assert (job.status, job.created_count, job.file.name) == (ImportJob.Status.DONE, 2, "")


def test_it_imports_a_confirmed_file_only_once(client_for, manager, enterprise):
    client = client_for(manager)
    upload(client, enterprise, good_file())
    job = ImportJob.objects.get()
    url = reverse("catalogue:product_import_confirm", args=[enterprise.slug, job.uuid])
    client.post(url)

    response = client.post(url, follow=True)

    assert "Cet import ne peut pas être confirmé" in response.content.decode()
    assert Variant.objects.count() == 2


def test_it_says_what_an_update_will_change(client_for, manager, enterprise):
    client = client_for(manager)
    upload(client, enterprise, good_file())
    job = ImportJob.objects.get()
    client.post(reverse("catalogue:product_import_confirm", args=[enterprise.slug, job.uuid]))

    data = ofn_csv(row(sku="A", display_name="Botte", price="3.10"),
                   row(sku="B", display_name="Sachet", units="500", unit_type="g"),
                   row(sku="C", display_name="Cagette", units="5"))
    content = upload(client, enterprise, data).content.decode()

    assert "1 variante à créer" in content
    assert "1 variante à modifier" in content
    assert "1 variante inchangée" in content


def test_it_asks_for_a_file(client_for, manager, enterprise):
    response = client_for(manager).post(reverse("catalogue:product_import", args=[enterprise.slug]), {})

    assert "Ce champ est obligatoire." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_it_explains_a_file_that_is_not_a_product_list(client_for, manager, enterprise):
    response = upload(client_for(manager), enterprise, b"\x89PNG\r\n\x1a\n\x00\x00", name="photo.png")

    assert "Ce fichier n&#x27;est ni un CSV ni un XLSX" in response.content.decode()


def test_it_checks_and_imports_every_row_of_an_xlsx_whose_declared_size_is_stale(
    client_for, manager, enterprise
):
    header = ["producer", "name", "category", "units", "unit_type", "price"]
    lines = [["Ferme des Collines", f"Radis {n}", "Légumes", 1, "kg", 1.5] for n in range(5)]
    data = with_dimension(xlsx(header, *lines), "A1:E2")
    client = client_for(manager)

    content = upload(client, enterprise, data, "radis.xlsx").content.decode()

    assert "Le fichier est correct : 5 lignes vérifiées." in content
    assert "5 variantes à créer" in content
    job = ImportJob.objects.get()
    client.post(reverse("catalogue:product_import_confirm", args=[enterprise.slug, job.uuid]))
    assert Variant.objects.count() == 5


def test_it_stores_a_big_sheet_and_leaves_its_reading_to_the_background_task(
    client_for, manager, enterprise, queued_tasks, django_capture_on_commit_callbacks
):
    data = big_xlsx(100_000)  # no <dimension>: its size is only known by reading it all
    client = client_for(manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = post_file(client, enterprise, data, "catalogue.xlsx")

    job = ImportJob.objects.get()
    assert response["Location"] == reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid])
    assert (job.status, job.row_count, job.errors) == (ImportJob.Status.CHECKING, 0, [])
    assert job.file.read() == data
    assert [(result.task.name, result.args) for result in queued_tasks] == [
        ("import_job_check", [str(job.uuid)])
    ]
    page = client.get(response["Location"]).content.decode()
    assert "Lecture du fichier…" in page
    status_url = reverse("catalogue:product_import_status", args=[enterprise.slug, job.uuid])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in page
    assert ">Rafraîchir</a>" in page


def test_it_refuses_rows_beyond_the_limit_and_names_it(client_for, manager, enterprise, settings):
    settings.PRODUCT_IMPORT_MAX_ROWS = 100

    content = upload(client_for(manager), enterprise, big_xlsx(150), "catalogue.xlsx").content.decode()

    assert "Le fichier contient plus de 100 lignes de produits : découpez-le en fichiers de 100 lignes au " \
           "plus." in content
    assert not Variant.objects.exists()


def test_it_refuses_a_sheet_that_would_be_huge_once_decompressed_at_once(
    client_for, manager, enterprise, queued_tasks, tmp_path
):
    response = upload(client_for(manager), enterprise, zip_bomb_xlsx(), "bombe.xlsx")

    assert "Ce fichier XLSX est anormalement gros une fois décompressé" in response.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.INVALID
    assert not queued_tasks
    assert not list(tmp_path.rglob("*.xlsx"))
    assert not Variant.objects.exists()


def test_it_refuses_a_file_over_10_mb(client_for, manager, enterprise, tmp_path):
    data = ofn_csv(row()) + b" " * (20 * 1024 * 1024)

    response = upload(client_for(manager), enterprise, data)

    assert response.status_code == 200
    assert "Le fichier dépasse 10 Mo : découpez-le en plusieurs fichiers." in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not list(tmp_path.rglob("*.csv"))


def test_it_shows_the_first_problems_and_offers_the_whole_list(client_for, manager, enterprise):
    client = client_for(manager)
    data = ofn_csv(*[row(sku=f"S{i}", display_name=str(i), price="?") for i in range(250)])

    content = upload(client, enterprise, data).content.decode()

    assert "… et 50 autres problèmes." in content
    assert content.count("colonne price : prix invalide") == 200
    job = ImportJob.objects.get()
    text = client.get(reverse("catalogue:product_import_errors", args=[enterprise.slug, job.uuid]))
    lines = text.content.decode().splitlines()
    assert len(lines) == 250
    assert lines[-1] == "ligne 251, colonne price : prix invalide : « ? » (ex. 3,50)"


def test_it_checks_and_imports_a_big_file_in_the_background(
    client_for, manager, enterprise, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PRODUCT_IMPORT_BACKGROUND_ROWS = 3
    monkeypatch.setattr(import_checks, "PROGRESS_EVERY", 2)
    seen = []
    check_rows = imports.check_rows

    def spying_check_rows(table, enterprise, progress=None):
        def spy(done):  # what the page polling the job would see
            progress(done)
            job = ImportJob.objects.get()
            seen.append((job.status, job.progress))

        return check_rows(table, enterprise, progress=spy)

    monkeypatch.setattr(imports, "check_rows", spying_check_rows)
    client = client_for(manager)
    data = ofn_csv(*[row(sku=f"S{i}", display_name=f"Lot {i}") for i in range(5)])

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.get(post_file(client, enterprise, data)["Location"])

    assert "Lecture du fichier…" in response.content.decode()
    assert len(callbacks) == 1  # the check was enqueued after commit, and ran
    assert seen == [("checking", 2), ("checking", 4)]
    job = ImportJob.objects.get()
    page = client.get(reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid]))
    assert "5 variantes à créer" in page.content.decode()
    assert job.status == ImportJob.Status.READY

    settings.PRODUCT_IMPORT_BACKGROUND_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("catalogue:product_import_confirm", args=[enterprise.slug, job.uuid]), follow=True
        )

    assert "Import lancé." in response.content.decode()
    assert len(callbacks) == 1
    assert seen[2:] == [("importing", 2), ("importing", 4)]
    assert Variant.objects.count() == 5
    page = client.get(reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid]))
    assert "Import terminé : 5 variantes créées" in page.content.decode()


def test_it_shows_the_progress_of_a_running_import_with_a_refresh_link(client_for, manager, enterprise):
    job = ImportJob.objects.create(enterprise=enterprise, original_name="gros.csv", row_count=10_000,
                                   progress=2_500, status=ImportJob.Status.CHECKING)
    client = client_for(manager)

    page = client.get(reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid]))

    content = page.content.decode()
    status_url = reverse("catalogue:product_import_status", args=[enterprise.slug, job.uuid])
    assert f'hx-get="{status_url}" hx-trigger="every 1s"' in content
    assert '<progress aria-labelledby="import-progress-label" max="100" value="25">25 %</progress>' in content
    assert "Vérification du fichier : 2500 lignes sur 10000" in content
    assert ">Rafraîchir</a>" in content

    fragment = client.get(status_url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert 'value="25"' in fragment.content.decode()
    assert "<main" not in fragment.content.decode()


def test_it_reloads_the_page_when_the_background_work_is_over(client_for, manager, enterprise):
    job = ImportJob.objects.create(enterprise=enterprise, original_name="gros.csv", row_count=10,
                                   status=ImportJob.Status.READY)

    url = reverse("catalogue:product_import_status", args=[enterprise.slug, job.uuid])

    response = client_for(manager).get(url, headers={"HX-Request": "true"})

    page = reverse("catalogue:product_import_job", args=[enterprise.slug, job.uuid])
    assert response["HX-Redirect"] == page


def test_it_hides_the_imports_of_other_enterprises(client_for, outsider, manager, enterprise):
    job = ImportJob.objects.create(enterprise=enterprise, original_name="x.csv")
    other = outsider.roles.get().enterprise

    response = client_for(outsider).get(reverse("catalogue:product_import_job", args=[other.slug, job.uuid]))

    assert response.status_code == 404
