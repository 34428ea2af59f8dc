"""The form of the members import (see cabas/amap/member_import.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.orders.forms_customers import MAX_IMPORT_MB


class MemberImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV ou XLSX"),
        help_text=_("colonnes : nom, prénom, email, téléphone, foyer, adhésion payée (5 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    year = forms.IntegerField(
        label=_("Adhésions de l'année"),
        min_value=2000,
        max_value=2100,
        help_text=_("l'année de la saison : celle des adhésions créées ou mises à jour"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
                % {"size": MAX_IMPORT_MB}
            )
        return upload
