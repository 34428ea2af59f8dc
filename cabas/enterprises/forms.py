"""Back-office forms: the registration wizard, the enterprise settings, team, relationships, networks."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import vat as eu_vat
from stdnum.fr import siret as fr_siret

from cabas.enterprises import services, services_networks
from cabas.enterprises.models import (
    PRESET_DEFAULTS,
    Enterprise,
    LegalForm,
    ModelPreset,
    Network,
    Permission,
    Role,
    Sells,
    VatRegime,
)

# One line per preset, shown on the wizard's first step.
PRESET_HELP = {
    ModelPreset.AMAP: _(
        "Des familles s'engagent pour une saison auprès de producteurs ; paniers à la distribution."
    ),
    ModelPreset.PRODUCER_STORE: _(
        "Plusieurs producteurs tiennent ensemble une boutique et y vendent leurs produits."
    ),
    ModelPreset.HUB: _("Une épicerie ou une plateforme achète ou dépose les produits de plusieurs fermes."),
    ModelPreset.BUYING_GROUP: _("Des voisins commandent ensemble directement aux producteurs."),
    ModelPreset.FARM_SALE: _("Une ferme vend ses propres produits : à la ferme, au marché ou en commande."),
    ModelPreset.DRIVE: _("Les clients commandent en ligne et retirent leurs produits à un point de retrait."),
    ModelPreset.PRODUCER: _("Une ferme ou un atelier qui fournit des AMAP, magasins et épiceries."),
}
# The order in which the wizard shows the presets (collective structures first).
PRESET_ORDER = [
    ModelPreset.AMAP,
    ModelPreset.PRODUCER_STORE,
    ModelPreset.HUB,
    ModelPreset.BUYING_GROUP,
    ModelPreset.FARM_SALE,
    ModelPreset.DRIVE,
    ModelPreset.PRODUCER,
]

SELLS_CHOICES = [
    (Sells.NONE, _("Je ne vends pas moi-même aux particuliers (je fournis d'autres structures)")),
    (Sells.OWN, _("Je vends aussi en direct mes propres produits")),
    (Sells.ANY, _("Je vends les produits de plusieurs producteurs")),
]

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
POSTCODE_RE = re.compile(r"^\d{5}$")


def clean_siret_value(value: str) -> str:
    """Validate a SIRET (spaces and dots allowed) and return its 14 digits, or raise a French error."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        return fr_siret.validate(value)
    except stdnum_errors.InvalidLength:
        raise ValidationError(
            _("Un numéro SIRET compte 14 chiffres (9 pour le SIREN + 5 pour l'établissement).")
        )
    except stdnum_errors.InvalidFormat:
        raise ValidationError(_("Un numéro SIRET ne contient que des chiffres."))
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _(
                "Ce numéro SIRET n'existe pas (un chiffre est faux ?). "
                "Vérifiez-le sur votre avis de situation INSEE."
            )
        )


def clean_vat_value(value: str, siret: str = "") -> str:
    """Validate an EU VAT number; a French one must match the SIREN of the SIRET when both are given."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = eu_vat.validate(value)
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("Ce numéro de TVA intracommunautaire n'est pas valide (exemple : FR40 303 265 045).")
        )
    if siret and number.startswith("FR") and number[4:] != siret[:9]:
        raise ValidationError(_("Ce numéro de TVA ne correspond pas au SIRET indiqué."))
    return number


def clean_postcode_value(value: str) -> str:
    value = (value or "").replace(" ", "")
    if value and not POSTCODE_RE.match(value):
        raise ValidationError(_("Un code postal compte 5 chiffres (ex. : 69510)."))
    return value


class LegalAndAddressMixin:
    """Checks shared by the wizard and the settings page."""

    def clean_siret(self):
        return clean_siret_value(self.cleaned_data.get("siret"))

    def clean_postcode(self):
        return clean_postcode_value(self.cleaned_data.get("postcode"))

    def clean(self):
        cleaned = super().clean()
        if "vat_number" in cleaned:
            try:
                cleaned["vat_number"] = clean_vat_value(cleaned["vat_number"], cleaned.get("siret") or "")
            except ValidationError as error:
                self.add_error("vat_number", error)
        lat, lon = cleaned.get("lat"), cleaned.get("lon")
        if (lat is None) != (lon is None) and not self.has_error("lat") and not self.has_error("lon"):
            self.add_error(
                "lon" if lon is None else "lat", _("Indiquez la latitude et la longitude, ou aucune.")
            )
        return cleaned


def _lat_field():
    return forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Facultatif, ex. : 45.7081"),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


def _lon_field():
    return forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Facultatif, ex. : 4.5903"),
        widget=forms.NumberInput(attrs={"step": "any"}),
    )


# --- Registration wizard --------------------------------------------------------------------


class PresetForm(forms.Form):
    model = forms.ChoiceField(
        label=_("Comment fonctionne votre structure ?"),
        choices=[(p.value, p.label) for p in PRESET_ORDER],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez le fonctionnement qui ressemble le plus au vôtre.")},
    )

    def presets(self):
        """(value, label, help, checked) for the radio cards."""
        current = self["model"].value()
        return [(p.value, p.label, PRESET_HELP[p], p.value == current) for p in PRESET_ORDER]


class IdentityForm(forms.Form):
    name = forms.CharField(label=_("Nom de la structure"), max_length=120)
    slug = forms.CharField(
        label=_("Adresse de la page"),
        max_length=80,
        required=False,
        help_text=_("Lettres minuscules, chiffres et tirets. Laissez vide pour la déduire du nom."),
    )
    trade = forms.CharField(
        label=_("Métier"), max_length=80, required=False, help_text=_("ex. : maraîchage bio, fromagerie")
    )
    short_description = forms.CharField(
        label=_("Accroche"),
        max_length=200,
        required=False,
        help_text=_("Une phrase qui dit ce que vous proposez (200 caractères au plus)."),
    )
    is_producer = forms.BooleanField(label=_("Nous produisons nous-mêmes (ferme, atelier)"), required=False)
    sells = forms.ChoiceField(label=_("Vente"), choices=SELLS_CHOICES, widget=forms.RadioSelect)

    def clean_slug(self):
        slug = self.cleaned_data.get("slug", "").strip().lower()
        if not slug:
            return ""
        try:
            validate_slug(slug)
        except ValidationError:
            raise ValidationError(
                _("Utilisez seulement des lettres sans accent, des chiffres et des tirets.")
            )
        if services.slug_is_reserved(slug):
            raise ValidationError(
                _("L'adresse « %(slug)s » est réservée, choisissez-en une autre.") % {"slug": slug}
            )
        if Enterprise.objects.filter(slug=slug).exists():
            raise ValidationError(
                _("L'adresse « %(slug)s » est déjà prise, choisissez-en une autre.") % {"slug": slug}
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name") and not self.has_error("slug"):
            cleaned["slug"] = services.enterprise_unique_slug(name=cleaned["name"])
        return cleaned

    @staticmethod
    def initial_for(preset: str) -> dict:
        is_producer, sells = PRESET_DEFAULTS[ModelPreset(preset)]
        return {"is_producer": is_producer, "sells": sells}


class AddressLegalForm(LegalAndAddressMixin, forms.Form):
    address = forms.CharField(
        label=_("Adresse"), max_length=200, required=False, help_text=_("Numéro et rue")
    )
    postcode = forms.CharField(label=_("Code postal"), max_length=10)
    city = forms.CharField(label=_("Commune"), max_length=100)
    lat = _lat_field()
    lon = _lon_field()
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        help_text=_("14 chiffres, espaces permis. Facultatif."),
    )
    legal_form = forms.ChoiceField(
        label=_("Forme juridique"), choices=[("", "—"), *LegalForm.choices], required=False
    )
    vat_regime = forms.ChoiceField(
        label=_("Régime de TVA"), choices=VatRegime.choices, initial=VatRegime.FRANCHISE
    )
    vat_number = forms.CharField(label=_("N° de TVA intracommunautaire"), max_length=20, required=False)


# --- Settings -------------------------------------------------------------------------------


class EnterpriseSettingsForm(LegalAndAddressMixin, forms.ModelForm):
    sells = forms.ChoiceField(label=_("Vente"), choices=SELLS_CHOICES, widget=forms.RadioSelect)
    lat = _lat_field()
    lon = _lon_field()
    siret = forms.CharField(
        label=_("SIRET"), max_length=20, required=False, help_text=_("14 chiffres, espaces permis.")
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Enterprise
        fields = [
            "name",
            "trade",
            "short_description",
            "description",
            "is_producer",
            "sells",
            "website",
            "email",
            "public_email",
            "phone",
            "logo",
            "labels",
            "siret",
            "legal_form",
            "vat_regime",
            "vat_number",
            "address",
            "postcode",
            "city",
            "lat",
            "lon",
            "visibility",
            "shop_private",
            "guest_checkout",
            "orders_editable",
            "share_customer_names_with_producers",
        ]
        labels = {"is_producer": _("Nous produisons nous-mêmes (ferme, atelier)"), "labels": _("Labels")}
        widgets = {
            "visibility": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 6}),
            "labels": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "visibility": _("Une structure masquée n'apparaît ni dans l'annuaire, ni sur la carte."),
            "logo": _("Image JPEG, PNG ou WebP, 2 Mo au plus."),
            "email": _("Reçoit les réponses des clients aux e-mails envoyés ; jamais affiché publiquement."),
        }

    SHOP_FIELDS = ("shop_private", "guest_checkout", "orders_editable", "share_customer_names_with_producers")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model field's own choices (its related model, named by a string on Enterprise), by name.
        labels = self.fields["labels"]
        labels.queryset = labels.queryset.order_by("name")
        if self.instance.sells == "none":
            # No shop: its settings are neither shown nor reset by an unticked, absent checkbox.
            for name in self.SHOP_FIELDS:
                del self.fields[name]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):
            return logo  # unchanged, or cleared
        if logo.size > LOGO_MAX_BYTES:
            raise ValidationError(
                _("Ce fichier est trop lourd (2 Mo au plus). Réduisez l'image et réessayez.")
            )
        image = getattr(logo, "image", None)
        if image is None or image.format not in LOGO_FORMATS:
            raise ValidationError(_("Format d'image non accepté : utilisez JPEG, PNG ou WebP."))
        return logo

    def clean_postcode(self):
        postcode = clean_postcode_value(self.cleaned_data.get("postcode"))
        if not postcode:
            raise ValidationError(_("Le code postal est nécessaire pour vous placer sur la carte."))
        return postcode

    def _post_clean(self):
        # The service applies the changes; the form only validates (the instance is left untouched).
        pass


# --- Team -----------------------------------------------------------------------------------


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail"))
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.Level.choices, initial=Role.Level.VOLUNTEER)

    def __init__(self, *args, actor: Role, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role != Role.Level.OWNER:
            self.fields["role"].choices = [(Role.Level.VOLUNTEER, Role.Level.VOLUNTEER.label)]


class MemberForm(forms.Form):
    email = forms.EmailField(widget=forms.HiddenInput)


class RoleChangeForm(MemberForm):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.Level.choices)


class ReferentForm(MemberForm):
    referent = forms.BooleanField(required=False)


# --- Relationships --------------------------------------------------------------------------


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Nom"), max_length=100, required=False)


class RelationshipRequestForm(forms.Form):
    producer = forms.SlugField(widget=forms.HiddenInput)
    permissions = forms.MultipleChoiceField(
        label=_("Droits demandés"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Permission.ADD_TO_CYCLES],
        error_messages={"required": _("Cochez au moins une permission.")},
    )
    message = forms.CharField(
        label=_("Message (facultatif)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RelationshipAnswerForm(forms.Form):
    other = forms.SlugField(widget=forms.HiddenInput)
    permissions = forms.MultipleChoiceField(
        label=_("Droits accordés"),
        choices=Permission.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class RelationshipRevokeForm(forms.Form):
    other = forms.SlugField(widget=forms.HiddenInput)
    side = forms.ChoiceField(
        choices=[("granted", "granted"), ("received", "received")], widget=forms.HiddenInput
    )


# --- Networks -------------------------------------------------------------------------------


class NetworkForm(forms.ModelForm):
    slug = forms.SlugField(
        label=_("Adresse de la page"),
        max_length=80,
        required=False,
        help_text=_("Lettres minuscules, chiffres et tirets. Laissez vide pour la déduire du nom."),
    )
    website = forms.URLField(label=_("Site web"), required=False, assume_scheme="https")

    class Meta:
        model = Network
        fields = ["name", "slug", "description", "website"]

    def clean_slug(self):
        slug = (self.cleaned_data.get("slug") or "").lower()
        if slug in services_networks.RESERVED_NETWORK_SLUGS:
            raise ValidationError(
                _("L'adresse « %(slug)s » est réservée, choisissez-en une autre.") % {"slug": slug}
            )
        if slug and Network.objects.filter(slug=slug).exists():
            raise ValidationError(_("L'adresse « %(slug)s » est déjà prise.") % {"slug": slug})
        return slug

    def _post_clean(self):
        pass


class NetworkEditForm(NetworkForm):
    slug = None

    class Meta(NetworkForm.Meta):
        fields = ["name", "description", "website"]


class NetworkMemberForm(forms.Form):
    member = forms.SlugField(widget=forms.HiddenInput)
