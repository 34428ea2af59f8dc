"""Search forms of the public directory (home, /producers/, /shops/, /map/)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.enterprises.geocoding import Place, geocode_place
from cabas.enterprises.models import Kind
from cabas.enterprises.search import Near

RADIUS_CHOICES = [(5, _("5 km")), (10, _("10 km")), (20, _("20 km")), (50, _("50 km"))]
DEFAULT_RADIUS_KM = 20


class DirectorySearchForm(forms.Form):
    """Name search, place + radius and (optionally) kind. Every field is optional.

    After `is_valid()`, `near` holds the circle to search in (or None) and `place` the geocoded
    place; a place that cannot be found is a field error with a French message.
    """

    q = forms.CharField(
        label=_("Nom, métier ou commune"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    place = forms.CharField(
        label=_("Ville ou code postal"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"autocomplete": "address-level2", "placeholder": _("ex. : Lyon ou 69510")}
        ),
    )
    km = forms.TypedChoiceField(
        label=_("Rayon"),
        choices=RADIUS_CHOICES,
        coerce=int,
        required=False,
        initial=DEFAULT_RADIUS_KM,
        empty_value=DEFAULT_RADIUS_KM,
    )
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=Kind.choices)

    def __init__(self, data=None, *, kinds=None, name_search=True, **kwargs):
        super().__init__(data, **kwargs)
        self.place_found: Place | None = None
        self.near: Near | None = None
        if not name_search:
            del self.fields["q"]
        if kinds is None:
            del self.fields["kind"]
        else:
            self.fields["kind"].choices = [("", _("Tous les types"))] + [(k.value, k.label) for k in kinds]

    def clean(self):
        cleaned = super().clean()
        place = (cleaned.get("place") or "").strip()
        if place:
            found = geocode_place(place)
            if found is None:
                self.add_error(
                    "place",
                    _("Nous ne trouvons pas « %(place)s ». Essayez un code postal.") % {"place": place},
                )
            else:
                self.place_found = found
                self.near = Near(found.lat, found.lon, float(cleaned.get("km") or DEFAULT_RADIUS_KM))
        return cleaned

    @property
    def searched(self) -> bool:
        """True when the visitor asked for something (used by the home page to show results)."""
        return self.is_bound and any((self.data.get(name) or "").strip() for name in ("q", "place", "kind"))

    def criteria(self) -> dict:
        """Keyword arguments for `enterprise_search`, from the valid part of the form only."""
        if not self.is_bound:
            return {}
        # Fields with an error are not in cleaned_data: the valid criteria still apply.
        data = getattr(self, "cleaned_data", {})
        return {"q": data.get("q", ""), "kind": data.get("kind", ""), "near": self.near}
