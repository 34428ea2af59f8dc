"""The form of a message to customers: the cycle, and optionally the distribution date and the
pickup point or delivery zone, each among those of the seller's orders; the subject and the text.
The service (`customer_messages.message_send`) checks everything again."""

import datetime

from django import forms
from django.db.models.functions import TruncDate
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.fulfilment.customer_messages import BODY_MAX, SUBJECT_MAX, seller_orders
from cabas.fulfilment.forms import CycleChoiceField, ShippingChoiceField

DAYS_OFFERED = 60  # the latest distribution dates offered


def _day(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def distribution_dates(seller) -> list[datetime.date]:
    """The latest local dates the seller's orders are collected or delivered, latest first. One query."""
    days = (
        seller_orders(seller)
        .filter(pickup_at__isnull=False)
        .annotate(day=TruncDate("pickup_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", flat=True)
        .distinct()
        .order_by("-day")
    )
    return list(days[:DAYS_OFFERED])


def cycles_on(seller, day: datetime.date) -> list[OrderCycle]:
    """The seller's cycles with orders collected or delivered on `day`."""
    tz = timezone.get_current_timezone()
    orders = seller_orders(seller).annotate(day=TruncDate("pickup_at", tzinfo=tz)).filter(day=day)
    return list(OrderCycle.objects.filter(pk__in=orders.values("cycle_id"))[:2])


class MessageForm(forms.Form):
    cycle = CycleChoiceField(
        OrderCycle.objects.none(),
        label=_("Cycle de vente"),
        to_field_name="uuid",
        empty_label=_("Choisissez un cycle"),
    )
    day = forms.TypedChoiceField(
        label=_("Date de distribution"),
        required=False,
        coerce=_day,
        empty_value=None,
        help_text=_("Seuls les clients qui retirent ou sont livrés ce jour-là recevront le message."),
    )
    shipping_method = ShippingChoiceField(
        ShippingMethod.objects.none(),
        label=_("Point de retrait ou livraison"),
        to_field_name="uuid",
        required=False,
        empty_label=_("Tous"),
    )
    subject = forms.CharField(label=_("Objet"), max_length=SUBJECT_MAX)
    body = forms.CharField(
        label=_("Message"),
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_(
            "Texte simple ; chaque client reçoit aussi le numéro et le lieu de retrait de sa commande."
        ),
    )

    def __init__(self, data=None, *, seller, initial=None):
        super().__init__(data, initial=initial)
        sold = seller_orders(seller)
        self.fields["cycle"].queryset = OrderCycle.objects.filter(pk__in=sold.values("cycle_id")).order_by(
            "-opens_at", "pk"
        )
        self.fields["day"].choices = [("", _("Toutes les dates"))] + [
            (day.isoformat(), formats.date_format(day, "l j F Y")) for day in distribution_dates(seller)
        ]
        self.fields["shipping_method"].queryset = ShippingMethod.objects.filter(
            pk__in=sold.values("shipping_method_id")
        ).order_by("kind", "position", "name", "pk")

    def target(self) -> dict:
        """The cycle, day and shipping method chosen (once valid)."""
        return {key: self.cleaned_data[key] for key in ("cycle", "day", "shipping_method")}
