"""Back-office form of a payment method (one form per kind: only the fields that kind uses)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.cycles.models import Fee
from cabas.payments.bank_details import iban_display
from cabas.payments.methods import services
from cabas.payments.models import PaymentMethod

Kind = PaymentMethod.Kind

# What the kind chooser says of each kind.
KIND_HELP = {
    Kind.CASH: _("Le client paie en espèces au retrait de sa commande."),
    Kind.CHEQUE: _("Le client remet un chèque à votre ordre ; vous notez sa réception."),
    Kind.TRANSFER: _(
        "Le client vire le montant sur votre compte, avec une référence unique par commande et un QR code "
        "à scanner avec son appli bancaire."
    ),
    Kind.CARD: _("Le client paie en ligne par carte ; l'argent arrive sur votre propre compte Stripe."),
    Kind.SEPA: _(
        "Vous prélevez vos clients qui ont signé un mandat SEPA (fichier pain.008 pour votre banque)."
    ),
    Kind.CREDIT: _("Le client paie avec le solde de son compte chez vous, qu'il approvisionne à l'avance."),
    Kind.ALLOWANCE: _("Le client paie avec l'allocation d'une caisse de solidarité qui vous a agréé."),
}


class PaymentMethodForm(forms.Form):
    """A payment method of one `kind` (fixed: a method's kind never changes)."""

    kind = forms.ChoiceField(choices=Kind.choices, widget=forms.HiddenInput)
    name = forms.CharField(
        label=_("Nom affiché"),
        max_length=80,
        required=False,
        help_text=_("vide : le nom du type, ex. « Chèque »"),
    )
    payee = forms.CharField(
        label=_("Ordre des chèques"),
        max_length=120,
        help_text=_("le nom à écrire sur le chèque, ex. « EARL Ferme des Collines »"),
    )
    account_holder = forms.CharField(
        label=_("Titulaire du compte"), max_length=70, help_text=_("tel qu'il figure sur votre RIB")
    )
    iban = forms.CharField(
        label=_("IBAN"), max_length=50, help_text=_("ex. FR76 3000 6000 0112 3456 7890 189")
    )
    bic = forms.CharField(
        label=_("BIC"),
        max_length=15,
        required=False,
        help_text=_("vide : retrouvé à partir de l'IBAN quand c'est possible"),
    )
    creditor_identifier = forms.CharField(
        label=_("Identifiant créancier SEPA (ICS)"),
        max_length=40,
        help_text=_("donné par votre banque, ex. FR72ZZZ123456"),
    )
    reservation_minutes = forms.IntegerField(
        label=_("Réservation du stock pendant le paiement (minutes)"),
        min_value=services.RESERVATION_MINUTES[0],
        max_value=services.RESERVATION_MINUTES[1],
        initial=30,
        help_text=_("au-delà, une commande non payée est annulée et ses produits remis en vente"),
    )
    min_balance = forms.DecimalField(
        label=_("Solde minimum"),
        required=False,
        max_digits=9,
        decimal_places=2,
        localize=True,
        help_text=_("vide : pas de minimum ; 0 : pas de découvert ; -20 : jusqu'à 20 € de découvert"),
    )
    low_balance_threshold = forms.DecimalField(
        label=_("Seuil de rappel"),
        required=False,
        max_digits=9,
        decimal_places=2,
        localize=True,
        help_text=_("un e-mail rappelle au client d'approvisionner son compte sous ce solde ; vide : aucun"),
    )
    fee = forms.ModelChoiceField(
        label=_("Frais de ce moyen de paiement"),
        queryset=Fee.objects.none(),
        required=False,
        empty_label=_("Aucun frais"),
        help_text=_("un de vos frais, ajouté aux commandes payées ainsi (créez-le d'abord dans « Frais »)"),
    )
    instructions = forms.CharField(
        label=_("Instructions pour le client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("montrées à la commande et dans l'e-mail de confirmation"),
    )

    def __init__(self, *args, enterprise, kind: str, method: PaymentMethod | None = None, **kwargs):
        if method is not None:
            kind = method.kind
            if "initial" not in kwargs:
                kwargs["initial"] = {name: getattr(method, name) for name in services.FIELDS}
        kwargs.setdefault("initial", {})
        kwargs["initial"]["kind"] = kind
        if kind == Kind.CHEQUE and method is None:
            kwargs["initial"].setdefault("payee", enterprise.name)
        if kind in (Kind.TRANSFER, Kind.SEPA) and method is None:
            kwargs["initial"].setdefault("account_holder", enterprise.name[:70])
        super().__init__(*args, **kwargs)
        self.kind = kind
        used = services.KIND_FIELDS.get(kind, ())
        for name in (*services.KIND_SPECIFIC, "reservation_minutes"):
            if name not in used:
                del self.fields[name]
        if method is not None and method.iban and "iban" in self.fields and not self.is_bound:
            self.initial["iban"] = iban_display(method.iban)
        self.fields["fee"].queryset = services.fees_for_methods(enterprise, method.fee if method else None)

    def clean_iban(self):
        return _field(services.iban_clean, self.cleaned_data["iban"])

    def clean_bic(self):
        return _field(services.bic_clean, self.cleaned_data["bic"])

    def clean_creditor_identifier(self):
        return _field(services.creditor_identifier_clean, self.cleaned_data["creditor_identifier"])

    def clean(self):
        data = super().clean()
        data["kind"] = self.kind
        return data


def _field(cleaner, value):
    try:
        return cleaner(value)
    except services.InvalidPaymentMethod as error:
        raise forms.ValidationError(error.message)
