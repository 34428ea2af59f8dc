"""Back-office import of an AMAP's members from a CSV or XLSX file, and its template file."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.amap import member_import as importing
from cabas.amap.forms_import import MemberImportForm
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import ModelPreset, Role
from cabas.lib import spreadsheet

MANAGER = Role.Level.MANAGER


def _amap_only(enterprise) -> None:
    if enterprise.model != ModelPreset.AMAP:
        raise Http404


def _done_message(result) -> str:
    return (
        ngettext("%(n)s adhérent ajouté", "%(n)s adhérents ajoutés", result.created) % {"n": result.created}
        + ", "
        + ngettext("%(n)s mis à jour", "%(n)s mis à jour", result.updated) % {"n": result.updated}
        + " ; "
        + ngettext("%(n)s adhésion payée.", "%(n)s adhésions payées.", result.paid) % {"n": result.paid}
    )


@manage_view(min_role=MANAGER)
def member_import(request, enterprise):
    _amap_only(enterprise)
    initial = {"year": importing.default_year(enterprise)}
    form = MemberImportForm(request.POST or None, request.FILES or None, initial=initial)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload, year = form.cleaned_data["file"], form.cleaned_data["year"]
        try:
            result = importing.member_import(amap=enterprise, name=upload.name, data=upload.read(), year=year)
        except importing.MemberImportRejected as error:
            problems = [str(problem) for problem in error.problems]
            form.add_error("file", error.message)
        else:
            messages.success(request, _done_message(result))
            return redirect("amap:member_import", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "amap_members", "form": form, "problems": problems}
    return render(request, "manage/amap/member_import.html", context)


@manage_view(min_role=MANAGER)
def member_import_template(request, enterprise):
    _amap_only(enterprise)
    lines = spreadsheet.csv_lines(importing.TEMPLATE_COLUMNS, importing.template_rows())
    return spreadsheet.csv_response(lines, _("adherents-modele.csv"))
