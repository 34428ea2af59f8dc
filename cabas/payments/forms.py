"""The back-office form of a payment method."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cabas.payments.models import PaymentMethod


class PaymentMethodForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=PaymentMethod.Kind.choices, widget=forms.RadioSelect)
    name = forms.CharField(
        label=_("Nom affiché"),
        max_length=80,
        required=False,
        help_text=_("vide : le nom du type, ex. « Chèque »"),
    )
    instructions = forms.CharField(
        label=_("Instructions pour le client"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "ex. : chèque à l'ordre de la Ferme des Collines ; pour un virement : l'IBAN, le titulaire du "
            "compte et le libellé à indiquer (ex. le numéro de commande)."
        ),
    )

    def __init__(self, *args, method: PaymentMethod | None = None, **kwargs):
        if method is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "kind": method.kind,
                "name": method.name,
                "instructions": method.instructions,
            }
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if data.get("kind") == PaymentMethod.Kind.TRANSFER and not data.get("instructions", "").strip():
            self.add_error("instructions", _("Pour un virement, indiquez l'IBAN et le libellé à mentionner."))
        return data
