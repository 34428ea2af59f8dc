"""Reports API: the reports an enterprise has (the registry) and one report's rows, as JSON or CSV.

Owners and managers of the enterprise only (a volunteer gets 403, anyone else 404); a producer's
managers get its `producer-deliveries` for the hubs it supplies. The filters are the report page's
(`from`, `to`, `cycle`, `distribution_date`, `producer`, `shipping_method`), checked the same way:
a value that is not the enterprise's is refused with a French message (422). docs/reports.md lists
the reports.
"""

from typing import Literal

from django.http import Http404, HttpRequest
from ninja import Field, Query, Router, Schema

from cabas.api.access import enterprise_role, require_manager
from cabas.api.auth import token_auth
from cabas.api.errors import errors, invalid
from cabas.api.schemas import Slug
from cabas.fulfilment.forms import ReportFiltersForm
from cabas.fulfilment.reports import render
from cabas.fulfilment.reports.base import GROUPS, report_named, reports_for

router = Router(tags=["Rapports"])


class ReportOut(Schema):
    name: str
    title: str
    group: str
    group_title: str
    description: str
    filters: list[str]


class ReportQuery(Schema):
    format: Literal["json", "csv"] = "json"
    date_from: str = Field("", alias="from")
    date_to: str = Field("", alias="to")
    cycle: str = ""
    distribution_date: str = ""
    producer: str = ""
    shipping_method: str = ""


class ColumnOut(Schema):
    key: str
    label: str


class ReportDataOut(Schema):
    columns: list[ColumnOut]
    rows: list[dict]
    totals: dict


def _managed(request: HttpRequest, slug: str):
    enterprise, role = enterprise_role(request.auth, slug)
    require_manager(enterprise, role)
    return enterprise, role


@router.get(
    "/enterprises/{slug}/reports",
    response={200: list[ReportOut], **errors(401, 403, 404, 422)},
    auth=token_auth,
    summary="Les rapports d'une structure",
)
def report_list(request: HttpRequest, slug: Slug):
    """Every report the structure has, in the order of the reports page: its stable name, title,
    group and the filters it takes."""
    enterprise, role = _managed(request, slug)
    return [
        {
            "name": report.name,
            "title": str(report.title),
            "group": report.group,
            "group_title": str(GROUPS[report.group]),
            "description": str(report.description),
            "filters": list(report.filters),
        }
        for report in reports_for(role, enterprise)
    ]


@router.get(
    "/enterprises/{slug}/reports/{name}",
    response={200: ReportDataOut, **errors(401, 403, 404, 422)},
    auth=token_auth,
    summary="Un rapport : ses colonnes, ses lignes et ses totaux (JSON ou CSV)",
)
def report_data(request: HttpRequest, slug: Slug, name: str, query: Query[ReportQuery]):
    """The report's rows with the filters of the query string (`from` and `to` are dates of order
    placing, YYYY-MM-DD; `cycle` and `shipping_method` uuids; `producer` a slug). JSON:
    `{"columns": [{"key", "label"}], "rows": [{key: value}], "totals": {key: value}}` with stable
    English keys, amounts as decimal strings; `format=csv`: the page's CSV (French spreadsheet)."""
    enterprise, role = _managed(request, slug)
    report = report_named(name, role, enterprise)
    if report is None:
        raise Http404
    form = ReportFiltersForm(request.GET, enterprise=enterprise, report=report)
    if not form.is_valid():
        field, messages = next(iter(form.errors.items()))
        return invalid("" if field == "__all__" else field, messages[0])
    if query.format == "csv":
        return render.csv_response(report, form.filters())
    return render.json_data(report, form.filters())
