"""The filters form of a report page: only the filters the report declares, each choice among the
enterprise's own cycles, producers and shipping methods (anything else is refused with a French
error, and the report is not run)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise
from cabas.fulfilment.reports.base import PERIODS, Filters, Report
from cabas.orders.models import Line
from cabas.payments.models import PaymentMethod
from cabas.payments.records.forms import PaymentRecordForm

# A range longer than this is almost certainly a typo (year 2206 for 2026).
MAX_DAYS = 3660


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cycle):
        opens = timezone.localtime(cycle.opens_at).strftime("%d/%m/%Y")
        return _("%(name)s (ouvert le %(date)s)") % {"name": cycle.name, "date": opens}


class ShippingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, method):
        return f"{method.get_kind_display()} — {method.name}"


def _fields(enterprise: Enterprise, report: Report) -> dict:
    """Every filter's field, by its query-string name (`base.FILTERS`), the choices among those of
    the orders the report may read (`Report.scope`)."""
    sold = report.scope(enterprise)
    cycles = OrderCycle.objects.filter(pk__in=sold.values("cycle_id")).order_by("-opens_at", "pk")
    producers = Enterprise.objects.filter(
        pk__in=Line.objects.filter(order__in=sold).values("producer_id")
    ).order_by("name", "pk")
    methods = ShippingMethod.objects.filter(pk__in=sold.values("shipping_method_id")).order_by(
        "kind", "position", "name", "pk"
    )
    optional = {"required": False}
    return {
        "from": forms.DateField(label=PERIODS[report.period].label, widget=DateInput, **optional),
        "to": forms.DateField(label=_("au (inclus)"), widget=DateInput, **optional),
        "cycle": CycleChoiceField(
            cycles, label=_("Cycle de vente"), to_field_name="uuid", empty_label=_("Tous"), **optional
        ),
        "distribution_date": forms.DateField(
            label=_("Date de retrait ou de livraison"), widget=DateInput, **optional
        ),
        "producer": forms.ModelChoiceField(
            producers, label=_("Producteur"), to_field_name="slug", empty_label=_("Tous"), **optional
        ),
        "shipping_method": ShippingChoiceField(
            methods, label=_("Retrait ou livraison"), to_field_name="uuid", empty_label=_("Tous"), **optional
        ),
    }


class ReportFiltersForm(forms.Form):
    """Bound to the query string; `filters()` once valid."""

    def __init__(self, data, *, enterprise: Enterprise, report: Report):
        super().__init__(data)
        self.enterprise = enterprise
        available = _fields(enterprise, report)
        for name in available:
            if name in report.filters:
                self.fields[name] = available[name]

    def clean(self):
        data = super().clean()
        start, end = data.get("from"), data.get("to")
        if start and end:
            if start > end:
                self.add_error("to", _("La date de fin doit suivre la date de début."))
            elif (end - start).days > MAX_DAYS:
                self.add_error("to", _("Choisissez une période de dix ans au plus."))
        return data

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            enterprise=self.enterprise,
            date_from=data.get("from"),
            date_to=data.get("to"),
            cycle=data.get("cycle"),
            distribution_date=data.get("distribution_date"),
            producer=data.get("producer"),
            shipping_method=data.get("shipping_method"),
        )


class TablePaymentForm(PaymentRecordForm):
    """Cash or a cheque taken at the distribution table: the manager's payment form without its date
    (today) and note, the kind chosen among cash and cheque only."""

    kind = forms.ChoiceField(
        label=_("Moyen"),
        choices=[(PaymentMethod.Kind.CASH, _("Espèces")), (PaymentMethod.Kind.CHEQUE, _("Chèque"))],
        initial=PaymentMethod.Kind.CASH,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("À la table, choisissez Espèces ou Chèque.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["received_on"], self.fields["note"]
        amount = self.fields["amount"]
        amount.widget.attrs.update(inputmode="decimal", autocomplete="off")
        amount.error_messages.update(
            min_value=_("Indiquez un montant positif."),
            invalid=_("Montant invalide : indiquez un nombre, par exemple 12,50."),
            required=_("Indiquez le montant reçu."),
        )
        self.fields["kind"].error_messages["required"] = _("Choisissez Espèces ou Chèque.")

    def error_text(self) -> str:
        """Every error of the bound, invalid form, in one sentence for a message."""
        return " ".join(str(error) for errors in self.errors.values() for error in errors)
