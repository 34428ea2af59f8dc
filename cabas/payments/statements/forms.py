"""Back-office forms of bank statements: the upload (a format, or a custom column mapping) and the
search of what a credit pays."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.payments.statements import MAX_FILE_BYTES
from cabas.payments.statements.csv_formats import DATE_FORMATS, DELIMITERS, ENCODINGS, CsvMapping
from cabas.payments.statements.services import CUSTOM, format_choices

AMOUNT_MODES = [
    ("single", _("une colonne « montant » (les débits sont négatifs)")),
    ("split", _("deux colonnes : débit et crédit")),
]


class StatementImportForm(forms.Form):
    file = forms.FileField(
        label=_("Relevé bancaire"),
        help_text=_(
            "fichier CSV exporté depuis votre banque en ligne, ou relevé CAMT.053 (XML) ; 5 Mo au plus"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xml,text/csv,application/xml,text/xml"}),
    )
    file_format = forms.ChoiceField(label=_("Format"), widget=forms.RadioSelect)

    # A custom CSV layout (used with the format "Autre CSV").
    delimiter = forms.ChoiceField(
        label=_("Séparateur"), choices=list(DELIMITERS.items()), initial=";", required=False
    )
    encoding = forms.ChoiceField(
        label=_("Encodage"), choices=list(ENCODINGS.items()), initial="auto", required=False
    )
    skip_lines = forms.IntegerField(
        label=_("Lignes à sauter avant l'en-tête"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("vide : la ligne d'en-tête est trouvée d'après les noms des colonnes"),
    )
    has_header = forms.BooleanField(
        label=_("Le fichier a une ligne d'en-tête (noms des colonnes)"), required=False, initial=True
    )
    date_column = forms.CharField(
        label=_("Colonne de la date"),
        max_length=80,
        required=False,
        help_text=_("son nom dans l'en-tête, ex. « Date opération », ou son numéro (1 = la première)"),
    )
    date_format = forms.ChoiceField(
        label=_("Format de la date"), choices=list(DATE_FORMATS.items()), initial="%d/%m/%Y", required=False
    )
    amount_mode = forms.ChoiceField(
        label=_("Montant"), choices=AMOUNT_MODES, initial="single", widget=forms.RadioSelect, required=False
    )
    amount_column = forms.CharField(label=_("Colonne du montant"), max_length=80, required=False)
    debit_column = forms.CharField(label=_("Colonne du débit"), max_length=80, required=False)
    credit_column = forms.CharField(label=_("Colonne du crédit"), max_length=80, required=False)
    label_columns = forms.CharField(
        label=_("Colonne(s) du libellé"),
        max_length=200,
        required=False,
        help_text=_(
            "plusieurs colonnes séparées par des virgules sont mises bout à bout, ex. « Libellé, Détail »"
        ),
    )
    counterparty_column = forms.CharField(label=_("Colonne de l'émetteur"), max_length=80, required=False)
    reference_column = forms.CharField(
        label=_("Colonne de la référence bancaire"), max_length=80, required=False
    )
    decimal_comma = forms.BooleanField(
        label=_("Virgule décimale (12,50) — décochez pour un point (12.50)"), required=False, initial=True
    )

    MAPPING_FIELDS = (
        "delimiter",
        "encoding",
        "skip_lines",
        "has_header",
        "date_column",
        "date_format",
        "amount_mode",
        "amount_column",
        "debit_column",
        "credit_column",
        "label_columns",
        "counterparty_column",
        "reference_column",
        "decimal_comma",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file_format"].choices = format_choices()

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 5 Mo : exportez une période plus courte."))
        return upload

    def clean(self):
        data = super().clean()
        data["mapping"] = None
        if data.get("file_format") != CUSTOM:
            return data
        defaults = {"delimiter": ";", "encoding": "auto", "date_format": "%d/%m/%Y", "amount_mode": "single"}
        for name, value in defaults.items():
            data[name] = data.get(name) or value
        required = ["date_column", "label_columns"]
        required += (
            ["amount_column"] if data.get("amount_mode") == "single" else ["debit_column", "credit_column"]
        )
        for name in required:
            if not (data.get(name) or "").strip():
                self.add_error(name, _("Indiquez cette colonne pour un CSV décrit à la main."))
        labels = tuple(part.strip() for part in (data.get("label_columns") or "").split(",") if part.strip())
        columns = [data.get("date_column"), *labels, data.get("amount_column"), data.get("debit_column")]
        if not data.get("has_header") and any(
            c and not c.strip().isdigit() for c in [*columns, data.get("credit_column")]
        ):
            self.add_error(
                "has_header",
                _("Sans ligne d'en-tête, indiquez chaque colonne par son numéro (1 = la première)."),
            )
        if self.errors:
            return data
        split = data["amount_mode"] == "split"
        data["mapping"] = CsvMapping(
            date_column=data["date_column"].strip(),
            label_columns=labels,
            amount_column="" if split else data["amount_column"].strip(),
            debit_column=data["debit_column"].strip() if split else "",
            credit_column=data["credit_column"].strip() if split else "",
            counterparty_column=(data.get("counterparty_column") or "").strip(),
            reference_column=(data.get("reference_column") or "").strip(),
            date_format=data["date_format"],
            delimiter=data["delimiter"],
            encoding=data["encoding"],
            decimal_comma=bool(data.get("decimal_comma")),
            skip_lines=data.get("skip_lines"),
            has_header=bool(data.get("has_header")),
        )
        return data


class LineSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Chercher une commande ou un client"),
        max_length=100,
        required=False,
        help_text=_("numéro de commande, nom, e-mail ou référence de virement"),
    )
