"""The filters form of a report page: only the filters the report declares, each choice among the
enterprise's own cycles, producers and shipping methods (anything else is refused with a French
error, and the report is not run); and the bag labels' form (`LabelsForm`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Enterprise
from cabas.fulfilment import labels
from cabas.fulfilment.reports.base import PERIODS, Filters, Report
from cabas.lib.days import DateInput
from cabas.orders.manage_list import ShippingChoiceField
from cabas.orders.models import Line
from cabas.payments.models import PaymentMethod
from cabas.payments.records.forms import PaymentRecordForm

# A range longer than this is almost certainly a typo (year 2206 for 2026).
MAX_DAYS = 3660


class CycleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, cycle):
        opens = timezone.localtime(cycle.opens_at).strftime("%d/%m/%Y")
        return _("%(name)s (ouvert le %(date)s)") % {"name": cycle.name, "date": opens}


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


def _bags_field(label, **kwargs) -> forms.IntegerField:
    bounds = {"min": labels.MIN_BAGS, "max": labels.MAX_BAGS}
    message = _("Indiquez un nombre de sacs entre %(min)s et %(max)s.") % bounds
    return forms.IntegerField(
        label=label,
        min_value=labels.MIN_BAGS,
        max_value=labels.MAX_BAGS,
        error_messages={"min_value": message, "max_value": message, "invalid": message},
        **kwargs,
    )


class LabelsForm(forms.Form):
    """The bag labels asked for: the sheet's format, the bags per order (`bags`, and `bags-<uuid>`
    for an order that has another count) and the first free label of the sheet."""

    sheet = forms.ChoiceField(
        label=_("Planche d'étiquettes"),
        choices=[(key, f.description) for key, f in labels.FORMATS.items()],
        error_messages={"invalid_choice": _("Choisissez un des formats de planche proposés.")},
    )
    bags = _bags_field(_("Sacs par commande"))
    start = forms.IntegerField(
        label=_("Première étiquette libre de la planche"),
        help_text=_(
            "1 pour une planche neuve ; sinon le numéro de la première étiquette restante, ligne par ligne."
        ),
        min_value=1,
        error_messages={
            "min_value": _("Le numéro d'étiquette commence à 1."),
            "invalid": _("Indiquez un numéro."),
        },
    )

    INITIAL = {"sheet": labels.DEFAULT_FORMAT, "bags": 1, "start": 1}

    def __init__(self, data, *, orders):
        super().__init__(data, initial=self.INITIAL)
        self.orders = orders
        for order in orders:
            label = f"{order.full_name or order.email} — {order.number}"
            self.fields[f"bags-{order.uuid}"] = _bags_field(label, required=False)

    def clean(self):
        data = super().clean()
        chosen, start = labels.FORMATS.get(data.get("sheet", "")), data.get("start")
        if chosen and start and start > chosen.per_sheet:
            message = _(
                "Cette planche n'a que %(count)s étiquettes : indiquez un numéro entre 1 et %(count)s."
            )
            self.add_error("start", message % {"count": chosen.per_sheet})
        return data

    def choices(self) -> dict | None:
        """{"format": LabelFormat, "bags", "per_order", "start"}: the defaults when nothing was
        asked yet, None when what was asked is wrong (the errors are on the form)."""
        if not self.is_bound:
            data, per_order = self.INITIAL, {}
        elif self.is_valid():
            data, per_order = self.cleaned_data, self.per_order()
        else:
            return None
        chosen = labels.FORMATS[data["sheet"]]
        return {"format": chosen, "bags": data["bags"], "per_order": per_order, "start": data["start"]}

    def per_order(self) -> dict:
        """{order uuid: bags} for the orders given their own count."""
        return {
            str(order.uuid): self.cleaned_data[f"bags-{order.uuid}"]
            for order in self.orders
            if self.cleaned_data.get(f"bags-{order.uuid}")
        }

    def bag_fields(self):
        return [self[f"bags-{order.uuid}"] for order in self.orders]

    def bag_fields_used(self) -> bool:
        """Whether an order was given its own count (or a wrong one): its fields are shown open."""
        return any(field.errors or field.value() for field in self.bag_fields())
