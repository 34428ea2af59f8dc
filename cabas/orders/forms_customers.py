"""Forms of the customers back-office: search, add/edit, import, visibility rules."""

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.models import Product
from cabas.cycles.models import OrderCycle, ShippingMethod
from cabas.enterprises.models import Relationship
from cabas.orders.models import Customer, VisibilityRule
from cabas.orders.visibility import TAG_MAX_LENGTH, tags_parse

MAX_IMPORT_MB = 5


class CustomerFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("nom, e-mail ou code")}),
    )
    tag = forms.ChoiceField(label=_("Étiquette"), required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("Toutes"))] + [(t, t) for t in tags]


class CustomerForm(forms.ModelForm):
    tags = forms.CharField(
        label=_("Étiquettes"),
        required=False,
        max_length=400,
        help_text=_(
            "séparées par des virgules, ex. : adherent, pro. Elles servent aux règles de visibilité."
        ),
    )

    class Meta:
        model = Customer
        fields = ["email", "first_name", "last_name", "phone", "code", "tags", "address", "postcode", "city"]
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["tags"] = ", ".join(self.instance.tags or [])

    def clean_tags(self):
        tags = tags_parse(self.cleaned_data["tags"])
        if any(len(tag) >= TAG_MAX_LENGTH for tag in tags):
            raise forms.ValidationError(
                _("Une étiquette compte %(n)s caractères au plus.") % {"n": TAG_MAX_LENGTH - 1}
            )
        return tags

    def validate_unique(self):
        """Uniqueness is the service's job (it answers with a French message on the field)."""


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier CSV"),
        help_text=_("colonnes : email, prénom, nom, téléphone, code, étiquettes (5 Mo au plus)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("Le fichier dépasse %(size)s Mo : découpez-le en plusieurs fichiers.")
                % {"size": MAX_IMPORT_MB}
            )
        return upload


# --- Visibility rules -------------------------------------------------------------------------


def _payment_methods(enterprise):
    """The payment methods of `enterprise`, reached through the rules' relation (orders does not
    import payments)."""
    model = VisibilityRule._meta.get_field("payment_methods").related_model
    return model.objects.filter(enterprise=enterprise)


def rule_choices(enterprise, rule: VisibilityRule | None = None) -> dict[str, list[tuple[str, str]]]:
    """What a rule of `enterprise` may name, by subject, as (uuid, label) pairs (four queries):
    the products it may sell (its own, those of producers letting it add them to cycles), its
    shipping and payment methods, its cycles not closed yet — and whatever `rule` names already."""
    kept = {subject: [] for subject in VisibilityRule.Subject.values}
    if rule is not None:
        kept[rule.subject] = list(getattr(rule, rule.subject).values_list("pk", flat=True))
    suppliers = Relationship.objects.filter(
        grantee=enterprise, status=Relationship.Status.ACCEPTED, add_to_cycles=True
    ).values("grantor")
    products = (
        Product.objects.filter(
            Q(archived_at__isnull=True, producer__in=suppliers)
            | Q(archived_at__isnull=True, producer=enterprise)
            | Q(pk__in=kept["products"])
        )
        .select_related("producer")
        .only("uuid", "name", "producer__name")
        .order_by("producer__name", "name")
    )
    cycles = (
        OrderCycle.objects.filter(
            Q(closes_at__gt=timezone.now(), coordinator=enterprise)
            | Q(closes_at__gt=timezone.now(), distributors__distributor=enterprise)
            | Q(pk__in=kept["cycles"])
        )
        .distinct()
        .order_by("opens_at")
    )
    return {
        VisibilityRule.Subject.PRODUCTS: [(str(p.uuid), f"{p.name} — {p.producer.name}") for p in products],
        VisibilityRule.Subject.SHIPPING_METHODS: [
            (str(m.uuid), m.name) for m in ShippingMethod.objects.filter(enterprise=enterprise)
        ],
        VisibilityRule.Subject.PAYMENT_METHODS: [(str(m.uuid), m.name) for m in _payment_methods(enterprise)],
        VisibilityRule.Subject.CYCLES: [(str(c.uuid), c.name) for c in cycles],
    }


class VisibilityRuleForm(forms.Form):
    """One rule; the items are chosen in the list of the chosen subject (one list per subject, so
    the form works without JavaScript: only the list of the chosen subject is read)."""

    customer_tag = forms.CharField(
        label=_("Clients concernés (étiquette)"),
        required=False,
        max_length=TAG_MAX_LENGTH - 1,
        help_text=_("laissez vide pour la règle par défaut : clients sans étiquette concernée et visiteurs"),
    )
    action = forms.ChoiceField(
        label=_("Action"), choices=VisibilityRule.Action.choices, widget=forms.RadioSelect
    )
    subject = forms.ChoiceField(
        label=_("S'applique à"), choices=VisibilityRule.Subject.choices, widget=forms.RadioSelect
    )
    products = forms.MultipleChoiceField(label=_("Produits"), required=False)
    shipping_methods = forms.MultipleChoiceField(label=_("Modes de retrait et de livraison"), required=False)
    payment_methods = forms.MultipleChoiceField(label=_("Moyens de paiement"), required=False)
    cycles = forms.MultipleChoiceField(label=_("Cycles de vente"), required=False)

    def __init__(self, *args, choices: dict, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        for subject, options in choices.items():
            field = self.fields[subject]
            field.choices = options
            field.widget.attrs["size"] = min(max(len(options), 3), 12)
        self.fields["customer_tag"].widget.attrs["list"] = "known-tags"
        self.tags = tags

    def clean(self):
        cleaned = super().clean()
        subject = cleaned.get("subject")
        if subject and not cleaned.get(subject):
            self.add_error(subject, _("Choisissez au moins un élément."))
        return cleaned

    @property
    def item_uuids(self) -> list[str]:
        return self.cleaned_data.get(self.cleaned_data["subject"], [])

    @staticmethod
    def initial_for(rule: VisibilityRule) -> dict:
        relation = getattr(rule, rule.subject)
        return {
            "customer_tag": rule.customer_tag,
            "action": rule.action,
            "subject": rule.subject,
            rule.subject: [str(u) for u in relation.values_list("uuid", flat=True)],
        }
