import datetime
import io
import logging
import re
import uuid
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from cabas.cycles.services import cycle_create
from cabas.fulfilment import exports, views_reports
from cabas.fulfilment.models import ReportExport
from cabas.fulfilment.reports import render
from cabas.fulfilment.reports.base import REPORTS
from cabas.fulfilment.tests.sales import sales
from cabas.orders.models import Order
from tests.factories import HubFactory, RoleFactory

pytestmark = pytest.mark.django_db

REPORTED = (Order.Status.PLACED, Order.Status.FULFILLED)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    private = {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}}
    settings.STORAGES = {**settings.STORAGES, "private": private}


def _member(client, shop, role="manager"):
    user = RoleFactory(enterprise=shop, role=role).user
    client.force_login(user)
    return user


def _start_url(shop, name):
    return reverse("fulfilment:report_export", kwargs={"slug": shop.slug, "name": name})


def _url(view, export):
    return reverse(f"fulfilment:{view}", kwargs={"slug": export.enterprise.slug, "export": export.uuid})


def _export_through_the_page(client, capture, shop, name, fmt, **filters) -> ReportExport:
    """Press « Préparer » on the report page; the task runs when the request's transaction commits."""
    with capture(execute=True):
        response = client.post(_start_url(shop, name), {"format": fmt, **filters})
    export = ReportExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == _url("export", export)
    export.refresh_from_db()
    return export


def _today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


def test_it_makes_a_pdf_in_the_background_and_lets_the_member_download_it(
    client, django_capture_on_commit_callbacks, settings
):
    data = sales(orders=3)
    user = _member(client, data.shop)

    export = _export_through_the_page(
        client,
        django_capture_on_commit_callbacks,
        data.shop,
        "orders-by-supplier",
        "pdf",
        cycle=data.data.cycle.uuid,
    )

    assert (export.status, export.progress, export.user, export.error) == ("done", 100, user, "")
    assert export.query_string == f"cycle={data.data.cycle.uuid}"
    assert (
        export.rows_total
        == export.rows_done
        == len(
            list(
                REPORTS["orders-by-supplier"].rows(
                    exports.export_filters(export, REPORTS["orders-by-supplier"])
                )
            )
        )
        > 0
    )
    assert export.expires_at - export.created_at == datetime.timedelta(days=1)
    page = client.get(_url("export", export)).content.decode()
    assert "Cycle : Vente de la semaine" in page and _url("export_download", export) in page
    assert "hx-trigger" not in page  # done: no more polling
    download = client.get(_url("export_download", export))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    expected = f"orders-by-supplier-{data.shop.slug}-{_today()}.pdf"
    assert download["Content-Disposition"] == f'attachment; filename="{expected}"'
    # The file holds customers' names: it is not under the public media folder.
    assert not (settings.MEDIA_ROOT / export.file.name).exists()
    assert client.get(f"/media/{export.file.name}").status_code == 404


def test_it_makes_a_workbook_whose_totals_row_sums_the_orders(client, django_capture_on_commit_callbacks):
    data = sales(orders=4)
    _member(client, data.shop)

    export = _export_through_the_page(
        client, django_capture_on_commit_callbacks, data.shop, "customer-totals", "xlsx"
    )

    download = client.get(_url("export_download", export))
    assert download["Content-Disposition"].endswith(f'-{_today()}.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, body, totals = rows[0], rows[1:-1], rows[-1]
    index = header.index("Total TTC")
    orders = Order.objects.filter(seller=data.shop, status__in=REPORTED)
    assert totals[0] == "Total" and len(body) == orders.count() == 4
    assert Decimal(str(totals[index])) == sum((o.total for o in orders), Decimal(0)) > 0
    assert export.rows_total == 4


def test_it_fails_an_export_whose_stored_filters_name_another_enterprises_cycle(client, caplog):
    data = sales(orders=2)
    other = HubFactory()
    start = timezone.now() + datetime.timedelta(days=2)
    foreign = cycle_create(
        coordinator=other, name="Ailleurs", opens_at=start, closes_at=start + datetime.timedelta(days=1)
    )
    export = ReportExport.objects.create(
        enterprise=data.shop, report="customer-totals", format="pdf", query_string=f"cycle={foreign.uuid}"
    )

    with caplog.at_level(logging.ERROR, logger="cabas.fulfilment.exports"):
        status = exports.export_run(str(export.uuid))

    export.refresh_from_db()
    assert status == export.status == "failed"
    assert export.error == "L'export a échoué ; réessayez ou contactez-nous."
    assert not export.file and export.finished_at is not None
    assert str(export.uuid) in caplog.text
    _member(client, data.shop)
    page = client.get(_url("export", export)).content.decode()
    assert "L&#x27;export a échoué ; réessayez ou contactez-nous." in page
    assert client.get(_url("export_download", export)).status_code == 404


def test_it_refuses_to_start_an_export_with_bad_filters_or_format(client):
    data = sales(orders=2)
    _member(client, data.shop)
    url = _start_url(data.shop, "customer-totals")
    assert client.post(url, {"format": "pdf", "cycle": uuid.uuid4()}).status_code == 400
    assert client.post(url, {"format": "docx"}).status_code == 404
    assert client.get(url).status_code == 405
    assert not ReportExport.objects.exists()


def test_it_purges_the_expired_exports_and_their_files_when_the_next_one_runs(
    client, django_capture_on_commit_callbacks
):
    data = sales(orders=2)
    _member(client, data.shop)
    old = ReportExport.objects.create(
        enterprise=data.shop, report="customer-totals", format="csv", status="done"
    )
    old.file.save("old.csv", ContentFile(b"a;b\n"))
    storage, name = old.file.storage, old.file.name
    assert storage.exists(name)
    ReportExport.objects.filter(pk=old.pk).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.get(_url("export_download", old)).status_code == 404  # expired: no longer offered

    with django_capture_on_commit_callbacks(execute=True):
        client.post(_start_url(data.shop, "customer-totals"), {"format": "xlsx"})

    assert not ReportExport.objects.filter(pk=old.pk).exists()
    assert not storage.exists(name)
    assert ReportExport.objects.get().status == "done"


def test_it_answers_404_to_another_enterprises_member(client):
    data = sales(orders=2)
    export = ReportExport.objects.create(
        enterprise=data.shop, report="customer-totals", format="pdf", status="done"
    )
    export.file.save("x.pdf", ContentFile(b"%PDF-1.7\n"))
    other = HubFactory()
    client.force_login(RoleFactory(enterprise=other, role="owner").user)
    for view in ("export", "export_status", "export_download"):
        assert client.get(_url(view, export)).status_code == 404
        # ... and under its own enterprise's address too
        own = reverse(f"fulfilment:{view}", kwargs={"slug": other.slug, "export": export.uuid})
        assert client.get(own).status_code == 404


def test_it_answers_403_to_a_volunteer_for_a_managers_report(client):
    data = sales(orders=2)
    export = ReportExport.objects.create(
        enterprise=data.shop, report="orders-by-supplier", format="pdf", status="done"
    )
    export.file.save("x.pdf", ContentFile(b"%PDF-1.7\n"))
    _member(client, data.shop, "volunteer")
    for view in ("export", "export_status", "export_download"):
        assert client.get(_url(view, export)).status_code == 403
    assert client.post(_start_url(data.shop, "orders-by-supplier"), {"format": "pdf"}).status_code == 403
    # The distribution sheet is a volunteer's report: its export is theirs to start.
    assert client.post(_start_url(data.shop, "distribution-sheet"), {"format": "pdf"}).status_code == 302


def test_it_polls_the_progress_while_running_and_shows_the_percentage(client):
    data = sales(orders=2)
    _member(client, data.shop)
    export = ReportExport.objects.create(
        enterprise=data.shop,
        report="customer-totals",
        format="xlsx",
        status="running",
        progress=42,
        rows_done=800,
        rows_total=1900,
    )

    fragment = client.get(_url("export_status", export), HTTP_HX_REQUEST="true").content.decode()

    assert 'max="100" value="42">42 %</progress>' in fragment
    assert "Préparation (42\u00a0%) — 800 lignes lues sur 1900" in fragment
    assert f'hx-get="{_url("export_status", export)}" hx-trigger="every 1s"' in fragment
    assert _url("export_download", export) not in fragment
    page = client.get(_url("export", export)).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert not re.findall(r"<script(?![^>]*\bsrc=)", page)  # no inline script (strict CSP)


def test_it_stops_polling_an_export_lost_by_a_stopped_worker(client):
    data = sales(orders=2)
    _member(client, data.shop)
    asked = timezone.now() - datetime.timedelta(hours=2)
    export = ReportExport.objects.create(
        enterprise=data.shop, report="customer-totals", format="pdf", status="running", created_at=asked
    )
    fragment = client.get(_url("export_status", export)).content.decode()
    assert "hx-trigger" not in fragment
    assert "L'export a échoué ; réessayez ou contactez-nous." in fragment


def test_it_says_when_a_pdf_is_being_laid_out(client):
    data = sales(orders=2)
    _member(client, data.shop)
    export = ReportExport.objects.create(
        enterprise=data.shop,
        report="customer-totals",
        format="pdf",
        status="running",
        progress=20,
        rows_done=3000,
        rows_total=3000,
    )
    fragment = client.get(_url("export_status", export)).content.decode()
    assert "Mise en page du PDF… (20 %)" in fragment and 'hx-trigger="every 1s"' in fragment


def test_it_records_the_progress_as_the_rows_are_read(client, monkeypatch):
    data = sales(orders=5)
    monkeypatch.setattr(render, "PROGRESS_EVERY", 2)
    export = ReportExport.objects.create(enterprise=data.shop, report="customer-totals", format="csv")
    seen = []
    real_update = exports.ReportExport.objects.filter

    def spy(*args, **kwargs):
        queryset = real_update(*args, **kwargs)
        original = queryset.update

        def update(**values):
            if "rows_done" in values:
                seen.append((values["rows_done"], values["progress"]))
            return original(**values)

        queryset.update = update
        return queryset

    monkeypatch.setattr(exports.ReportExport.objects, "filter", spy)
    exports.export_run(str(export.uuid))

    export.refresh_from_db()
    assert seen == [(2, 38), (4, 76), (5, 95)]
    assert (export.status, export.progress) == ("done", 100)
    with export.file.open("rb") as stored:
        text = stored.read().decode("utf-8-sig")
    assert text.splitlines()[-1].startswith("Total;")


def test_it_offers_to_prepare_long_files_and_lists_the_members_exports(client, monkeypatch):
    data = sales(orders=3)
    user = _member(client, data.shop)
    url = reverse("fulfilment:report", kwargs={"slug": data.shop.slug, "name": "customer-totals"})
    mine = ReportExport.objects.create(
        enterprise=data.shop, user=user, report="customer-totals", format="pdf", status="done"
    )
    mine.file.save("x.pdf", ContentFile(b"%PDF-1.7\n"))
    theirs = ReportExport.objects.create(enterprise=data.shop, report="customer-totals", format="xlsx")

    short = client.get(url, {"cycle": data.data.cycle.uuid}).content.decode()
    monkeypatch.setattr(views_reports, "DIRECT_MAX_ROWS", {"pdf": 2, "xlsx": 2})
    long = client.get(url, {"cycle": data.data.cycle.uuid}).content.decode()
    direct = client.get(url, {"cycle": data.data.cycle.uuid, "format": "pdf"})

    assert "format=pdf" in short and "Préparer le PDF" not in short
    assert "format=pdf" not in long and 'value="pdf"' in long and "Préparer le tableur (XLSX)" in long
    assert f'<input type="hidden" name="cycle" value="{data.data.cycle.uuid}">' in long
    assert _url("export_download", mine) in long and _url("export", theirs) not in long
    assert direct.status_code == 302 and direct["Location"] == f"{url}?cycle={data.data.cycle.uuid}"
    assert "trop long" in client.get(direct["Location"]).content.decode()


@pytest.mark.parametrize("orders", [2, 20])
def test_it_shows_an_export_page_in_a_fixed_number_of_queries(client, django_assert_num_queries, orders):
    data = sales(orders=orders)
    _member(client, data.shop)
    export = ReportExport.objects.create(
        enterprise=data.shop,
        report="customer-totals",
        format="pdf",
        status="running",
        query_string=f"cycle={data.data.cycle.uuid}",
    )
    # session, user, enterprise, role, export, the filters' cycle
    with django_assert_num_queries(6):
        assert client.get(_url("export", export)).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(_url("export_status", export)).status_code == 200
