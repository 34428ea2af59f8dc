"""The forms of an AMAP's members: joining (adhésion) and subscribing to a contract."""

from __future__ import annotations

import re

from django import forms
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cabas.amap.models import Contract, Instalment, Membership
from cabas.amap.plans import MAX_INSTALMENTS
from cabas.lib.money import format_eur
from cabas.orders.models import Customer

MAX_SHARERS = 5


class MembershipForm(forms.Form):
    amount = forms.DecimalField(
        label=gettext_lazy("Montant de l'adhésion (€)"), max_digits=7, decimal_places=2, min_value=0
    )
    method = forms.ChoiceField(
        label=gettext_lazy("Règlement"),
        choices=[(m.value, m.label) for m in (Membership.Method.CHEQUE, Membership.Method.TRANSFER)],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, settings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].initial = max(settings.membership_suggested, settings.membership_minimum)
        self.fields["amount"].help_text = _("Prix libre, au moins %(min)s.") % {
            "min": format_eur(settings.membership_minimum)
        }
        self.fields["method"].initial = Membership.Method.CHEQUE


def _day_label(day) -> str:
    return formats.date_format(day, "l j F Y")


class SubscribeForm(forms.Form):
    """Quantities (`q_<product pk>`), start, plan, tier and donation, sharers and acceptance."""

    starts_on = forms.ChoiceField(label=gettext_lazy("Premier panier"))
    instalments = forms.TypedChoiceField(label=gettext_lazy("Nombre de versements"), coerce=int)
    method = forms.ChoiceField(label=gettext_lazy("Règlement"), widget=forms.RadioSelect)
    sharers = forms.CharField(
        label=gettext_lazy("Panier partagé avec"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Les adresses e-mail des adhérents de l'AMAP qui partagent ce panier, une par ligne. "
            "Vous récupérez le panier à tour de rôle."
        ),
    )
    accepted = forms.BooleanField(
        label=gettext_lazy("J'ai lu et j'accepte le contrat"),
        required=False,
    )

    def __init__(self, *args, contract: Contract, deliveries: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        products = list(contract.products.all())
        for product in products:
            name = product.variant.product.name
            if product.variant.name:
                name = f"{name} — {product.variant.name}"
            initial = product.quantity if contract.kind == Contract.Kind.VARIABLE or len(products) == 1 else 0
            self.fields[f"q_{product.pk}"] = forms.IntegerField(
                label=_("%(name)s (%(price)s par distribution)")
                % {"name": name, "price": format_eur(product.price)},
                min_value=0,
                max_value=product.max_quantity,
                initial=initial,
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            )
        self.quantity_fields = [self[f"q_{p.pk}"] for p in products]
        self.fields["starts_on"].choices = [
            (d.distribution.date.isoformat(), _day_label(d.distribution.date)) for d in deliveries
        ]
        count = min(contract.max_instalments, MAX_INSTALMENTS)
        self.fields["instalments"].choices = [(n, str(n)) for n in range(1, count + 1)]
        self.fields["instalments"].initial = 1
        methods = [Instalment.Method.CHEQUE, Instalment.Method.TRANSFER]
        if contract.sepa_offered:
            methods.append(Instalment.Method.SEPA)
        self.fields["method"].choices = [(m.value, m.label) for m in methods]
        self.fields["method"].initial = Instalment.Method.CHEQUE
        tiers = list(contract.tiers.all())
        if tiers:
            self.fields["tier"] = forms.ChoiceField(
                label=_("Tarif"),
                required=False,
                choices=[("", _("Plein tarif (100 %)"))] + [(str(t.pk), str(t)) for t in tiers],
            )
        if contract.solidarity_donation > 0:
            self.fields["donation"] = forms.DecimalField(
                label=_("Don solidaire par distribution (€)"),
                required=False,
                min_value=0,
                max_digits=7,
                decimal_places=2,
                initial=contract.solidarity_donation,
                help_text=_("Il finance les paniers à tarif réduit. Laissez 0 pour ne pas donner."),
            )

    def quantities(self) -> dict[int, int]:
        return {
            int(name[2:]): value or 0 for name, value in self.cleaned_data.items() if name.startswith("q_")
        }

    def clean_sharers(self) -> list[Customer]:
        emails = [e.lower() for e in re.split(r"[\s,;]+", self.cleaned_data["sharers"] or "") if e]
        if len(emails) > MAX_SHARERS:
            raise forms.ValidationError(
                _("Un panier se partage entre %(max)s adhérents au plus.") % {"max": MAX_SHARERS + 1}
            )
        for email in emails:
            try:
                validate_email(email)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("« %(email)s » n'est pas une adresse e-mail.") % {"email": email}
                ) from None
        members = Customer.objects.annotate(email_folded=Lower("email")).filter(
            enterprise_id=self.contract.amap_id, email_folded__in=emails
        )
        found = {c.email_folded: c for c in members}
        missing = [e for e in emails if e not in found]
        if missing:
            raise forms.ValidationError(
                _("%(emails)s : pas adhérent de l'AMAP. Un panier se partage entre adhérents.")
                % {"emails": ", ".join(missing)}
            )
        return [found[e] for e in dict.fromkeys(emails)]
