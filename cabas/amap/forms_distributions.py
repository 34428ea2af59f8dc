"""Forms of the AMAP's distributions: generate from a rhythm, cancel, move, postpone a delivery."""

from __future__ import annotations

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from cabas.amap.models import Distribution
from cabas.cycles.models import ShippingMethod
from cabas.lib.days import DateInput
from cabas.lib.rhythm import Rhythm

NTH_CHOICES = [
    ("", _("—")),
    ("1", _("1er")),
    ("2", _("2e")),
    ("3", _("3e")),
    ("4", _("4e")),
    ("-1", _("dernier")),
]
WEEKDAY_CHOICES = [("", _("—")), *((str(day), name) for day, name in WEEKDAYS.items())]


def rhythm_choices() -> list[tuple[str, str]]:
    return [(r.value, r.label) for r in Rhythm]


def time_field(label) -> forms.TimeField:
    return forms.TimeField(label=label, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))


def amap_places(amap):
    return ShippingMethod.objects.filter(enterprise=amap, kind=ShippingMethod.Kind.PICKUP).order_by("name")


class PlaceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.city})" if obj.city else obj.name


class RhythmFieldsMixin:
    """The fields that say when and where the distributions of a rhythm take place."""

    def add_rhythm_fields(self, amap, *, required: bool = True):
        self.fields["place"] = PlaceField(
            label=_("Lieu de distribution"),
            queryset=amap_places(amap),
            required=required,
            empty_label=None,
            error_messages={"required": _("Choisissez un lieu de retrait de l'AMAP.")},
        )
        self.fields["rhythm"] = forms.ChoiceField(
            label=_("Rythme"), choices=rhythm_choices(), initial=Rhythm.WEEKLY, required=required
        )
        self.fields["first"] = forms.DateField(
            label=_("Première distribution"), widget=DateInput(), required=required
        )
        self.fields["last"] = forms.DateField(
            label=_("Dernière distribution"), widget=DateInput(), required=required
        )
        self.fields["nth"] = forms.TypedChoiceField(
            label=_("Le… (rythme mensuel par jour de la semaine)"),
            choices=NTH_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["weekday"] = forms.TypedChoiceField(
            label=_("Jour de la semaine"),
            choices=WEEKDAY_CHOICES,
            coerce=int,
            empty_value=None,
            required=False,
        )
        self.fields["starts_at"] = time_field(_("De"))
        self.fields["ends_at"] = time_field(_("À"))
        self.fields["starts_at"].required = self.fields["ends_at"].required = required

    def rhythm_data(self) -> dict:
        keys = ("place", "rhythm", "first", "last", "nth", "weekday", "starts_at", "ends_at")
        return {key: self.cleaned_data[key] for key in keys}


class GenerateForm(RhythmFieldsMixin, forms.Form):
    def __init__(self, *args, amap, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_rhythm_fields(amap)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Raison de l'annulation (envoyée aux adhérents)"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MoveForm(forms.Form):
    date = forms.DateField(label=_("Nouvelle date"), widget=DateInput())
    starts_at = time_field(_("De"))
    ends_at = time_field(_("À"))
    note = forms.CharField(label=_("Message aux adhérents"), max_length=300, required=False)

    def __init__(self, *args, amap, distribution: Distribution, **kwargs):
        initial = {
            "date": distribution.date,
            "place": distribution.place_id,
            "starts_at": distribution.starts_at,
            "ends_at": distribution.ends_at,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["place"] = PlaceField(label=_("Lieu"), queryset=amap_places(amap), empty_label=None)
        self.order_fields(["date", "place", "starts_at", "ends_at", "note"])


class DistributionChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class PostponeForm(forms.Form):
    def __init__(self, *args, deliveries, targets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["delivery"] = forms.TypedChoiceField(
            label=_("Livraison à reporter"),
            choices=[(d.pk, f"{d.contract.name} — {d.contract.producer.name}") for d in deliveries],
            coerce=int,
            error_messages={"invalid_choice": _("Choisissez une livraison de cette distribution.")},
        )
        self.fields["to"] = DistributionChoice(
            label=_("Reporter à la distribution du"),
            queryset=targets,
            to_field_name="uuid",
            empty_label=None,
            error_messages={"invalid_choice": _("Choisissez une autre distribution de l'AMAP.")},
        )
