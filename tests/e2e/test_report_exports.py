"""A manager prepares a long report's PDF in the background: the report page offers « Préparer le
PDF », the export's page shows its progress and, polled by htmx (no inline script, strict CSP),
turns into the download link once the worker is done."""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from cabas.fulfilment import exports, tasks, views_reports
from cabas.fulfilment.models import ReportExport
from cabas.fulfilment.tests.sales import sales
from tests.factories import RoleFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MANAGER = "gerant@ferme-des-saules.fr"


def test_a_manager_prepares_a_long_pdf_and_downloads_it_once_ready(
    page, login_as, axe_check, no_horizontal_scroll, monkeypatch, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(views_reports, "DIRECT_MAX_ROWS", {"pdf": 1, "xlsx": 1})
    queued = []
    # The worker is late: the export stays queued until the test runs it.
    monkeypatch.setattr(tasks, "report_export_run", SimpleNamespace(enqueue=queued.append))
    data = sales(orders=3)
    RoleFactory(enterprise=data.shop, role="manager", user__email=MANAGER)
    login_as(page, MANAGER)

    page.goto(f"/manage/{data.shop.slug}/reports/customer-totals/?cycle={data.data.cycle.uuid}")
    expect(page.get_by_role("link", name="Télécharger en PDF")).to_have_count(0)
    page.get_by_role("button", name="Préparer le PDF").click()

    expect(page.locator("main h1")).to_have_text("Totaux par client en PDF")
    expect(page.get_by_text("Cycle : Vente de la semaine")).to_be_visible()
    expect(page.get_by_text("En attente… (0\u00a0%)")).to_be_visible()
    no_horizontal_scroll(page)
    axe_check(page)

    assert len(queued) == 1
    exports.export_run(queued[0])  # the worker makes the file; the page finds out by itself
    download_link = page.get_by_role("link", name="Télécharger")
    expect(download_link).to_be_visible(timeout=5000)
    expect(page.get_by_text("Le fichier est prêt.")).to_be_visible()
    with page.expect_download() as download_info:
        download_link.click()
    assert download_info.value.suggested_filename.startswith(f"customer-totals-{data.shop.slug}-")
    assert download_info.value.suggested_filename.endswith(".pdf")
    assert ReportExport.objects.get().status == "done"

    page.goto(f"/manage/{data.shop.slug}/reports/customer-totals/")
    expect(page.get_by_role("heading", name="Vos fichiers préparés (gardés un jour)")).to_be_visible()
    axe_check(page)
