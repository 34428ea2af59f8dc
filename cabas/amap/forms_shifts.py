"""Back-office forms of shifts: a shift, the roles to add to many distributions, the rule per person."""

from __future__ import annotations

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from cabas.amap.models import Shift
from cabas.amap.shifts import MAX_PEOPLE, PER_MEMBER_MAX, ROLE_MAX_LENGTH, RoleSpec
from cabas.lib.days import DateInput

ROLE_ROWS = 3  # role lines on the « add to distributions » form


def _time_field(label, required=True, help_text=""):
    return forms.TimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={"invalid": _("Indiquez une heure, ex. 18:30")},
    )


def _people_field(label, initial, required=True):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=MAX_PEOPLE,
        initial=initial,
        error_messages={"invalid": _("Indiquez un nombre entier.")},
    )


class ShiftForm(forms.Form):
    role = forms.CharField(
        label=_("Rôle"), max_length=ROLE_MAX_LENGTH, help_text=_("ex. : accueil, pesée, caisse")
    )
    date = forms.DateField(
        label=_("Date"),
        widget=DateInput(),
        error_messages={"invalid": _("Indiquez une date, ex. 14/05/2027")},
    )
    starts_at = _time_field(_("De"))
    ends_at = _time_field(_("À"))
    min_people = _people_field(_("Personnes minimum"), 1)
    max_people = _people_field(_("Personnes maximum"), 2)

    def __init__(self, *args, shift: Shift | None = None, **kwargs):
        if shift is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "role": shift.role,
                "date": shift.date,
                "starts_at": shift.starts_at,
                "ends_at": shift.ends_at,
                "min_people": shift.min_people,
                "max_people": shift.max_people,
            }
        super().__init__(*args, **kwargs)


class ShiftDeleteForm(forms.Form):
    force = forms.BooleanField(label=_("Supprimer quand même et prévenir les inscrits"), required=False)
    notice = forms.CharField(
        label=_("Message aux inscrits"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def distribution_label(distribution) -> str:
    day = formats.date_format(distribution.date, "l j F Y")
    start = formats.time_format(distribution.starts_at, "TIME_FORMAT")
    end = formats.time_format(distribution.ends_at, "TIME_FORMAT")
    return f"{day} — {distribution.place.name}, {start}–{end}"


class GenerateForm(forms.Form):
    """Roles (up to three lines; empty lines are ignored) added to the distributions ticked."""

    distributions = forms.MultipleChoiceField(
        label=_("Distributions"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choisissez au moins une distribution.")},
    )

    def __init__(self, *args, distributions, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_uuid = {str(d.uuid): d for d in distributions}
        self.fields["distributions"].choices = [(str(d.uuid), distribution_label(d)) for d in distributions]
        self.fields["distributions"].initial = list(self.by_uuid)
        for i in range(ROLE_ROWS):
            first = i == 0
            self.fields[f"role_{i}"] = forms.CharField(
                label=_("Rôle"),
                max_length=ROLE_MAX_LENGTH,
                required=first,
                initial=_("Accueil") if first else "",
            )
            self.fields[f"min_{i}"] = _people_field(_("Minimum"), 2 if first else 1, required=first)
            self.fields[f"max_{i}"] = _people_field(_("Maximum"), 3 if first else 2, required=first)
            self.fields[f"start_{i}"] = _time_field(
                _("De"), required=False, help_text=_("vide : l'heure de début de la distribution")
            )
            self.fields[f"end_{i}"] = _time_field(
                _("À"), required=False, help_text=_("vide : l'heure de fin de la distribution")
            )

    def role_rows(self) -> list[list]:
        names = ("role", "min", "max", "start", "end")
        return [[self[f"{name}_{i}"] for name in names] for i in range(ROLE_ROWS)]

    def chosen(self) -> list:
        return [self.by_uuid[key] for key in self.cleaned_data["distributions"]]

    def roles(self) -> list[RoleSpec]:
        data = self.cleaned_data
        return [
            RoleSpec(
                data[f"role_{i}"],
                data[f"min_{i}"] if data[f"min_{i}"] is not None else 1,
                data[f"max_{i}"] if data[f"max_{i}"] is not None else 2,
                data[f"start_{i}"],
                data[f"end_{i}"],
            )
            for i in range(ROLE_ROWS)
            if data.get(f"role_{i}", "").strip()
        ]


class ShiftRuleForm(forms.Form):
    per_member = forms.IntegerField(
        label=_("Permanences attendues par personne et par saison"),
        min_value=0,
        max_value=PER_MEMBER_MAX,
        initial=2,
        error_messages={"invalid": _("Indiquez un nombre entier.")},
    )
    season_start = forms.DateField(
        label=_("Début de la saison"),
        widget=DateInput(),
        error_messages={"invalid": _("Indiquez une date, ex. 01/04/2027")},
    )
