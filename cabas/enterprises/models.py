import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.enterprises.exceptions import InvalidTransition


class Sells(models.TextChoices):
    NONE = "none", _("ne vend pas directement")
    OWN = "own", _("vend ses propres produits")
    ANY = "any", _("vend les produits d'autres structures")


class Kind(models.TextChoices):
    """What the public sees, derived from is_producer + sells (the Open Food Network categories)."""

    PRODUCER = "producer", _("Producteur")
    PRODUCER_SHOP = "producer_shop", _("Producteur en vente directe")
    HUB = "hub", _("Point de vente collectif")
    PROFILE = "profile", _("Profil")


class ModelPreset(models.TextChoices):
    """How the structure works; only chooses defaults (flags, menus)."""

    PRODUCER = "producer", _("Producteur")
    FARM_SALE = "farm_sale", _("Vente à la ferme")
    AMAP = "amap", _("AMAP")
    PRODUCER_STORE = "producer_store", _("Magasin de producteurs")
    HUB = "hub", _("Épicerie / plateforme de distribution")
    BUYING_GROUP = "buying_group", _("Groupement d'achats")
    DRIVE = "drive", _("Drive fermier")


# (is_producer, sells) for each preset.
PRESET_DEFAULTS = {
    ModelPreset.PRODUCER: (True, Sells.NONE),
    ModelPreset.FARM_SALE: (True, Sells.OWN),
    ModelPreset.AMAP: (False, Sells.ANY),
    ModelPreset.PRODUCER_STORE: (False, Sells.ANY),
    ModelPreset.HUB: (False, Sells.ANY),
    ModelPreset.BUYING_GROUP: (False, Sells.ANY),
    ModelPreset.DRIVE: (False, Sells.ANY),
}

# Whose agreement a new enterprise's cycle prices need, by preset: an AMAP decides its prices with
# its producers and its members' referents, a producer store with its producers. Others choose.
PRESET_PRICE_APPROVAL = {
    ModelPreset.AMAP: "producers_and_referents",
    ModelPreset.PRODUCER_STORE: "producers",
}

# The models that say what a shop is better than its kind does: an AMAP is shown as « AMAP », not
# as a « Point de vente collectif ».
NAMED_MODELS = {ModelPreset.AMAP, ModelPreset.PRODUCER_STORE, ModelPreset.BUYING_GROUP, ModelPreset.DRIVE}


def kind_label(kind: str, model: str) -> str:
    """What the public sees an enterprise as: its model when it is a shop of a named model (« AMAP »,
    « Magasin de producteurs », « Groupement d'achats », « Drive fermier »), else its kind."""
    if kind == Kind.HUB and model in NAMED_MODELS:
        return ModelPreset(model).label
    return Kind(kind).label


class LegalForm(models.TextChoices):
    EI = "ei", _("Entreprise individuelle (EI, micro-entreprise)")
    EARL = "earl", _("EARL")
    GAEC = "gaec", _("GAEC")
    SCEA = "scea", _("SCEA")
    SARL = "sarl", _("SARL / EURL")
    SAS = "sas", _("SAS / SASU")
    SCOP = "scop", _("SCOP")
    SCIC = "scic", _("SCIC")
    COOP_AGRI = "coop_agri", _("Coopérative agricole")
    ASSOCIATION = "association", _("Association loi 1901")
    OTHER = "other", _("Autre")


class VatRegime(models.TextChoices):
    STANDARD = "standard", _("Assujetti à la TVA")
    FRANCHISE = "franchise", _("Franchise en base (art. 293 B du CGI)")
    FLAT_RATE_FARM = "flat_rate_farm", _("Remboursement forfaitaire agricole")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Publique")
    HIDDEN = "hidden", _("Masquée")


class PriceApproval(models.TextChoices):
    """Whose approval a cycle's price list needs before the cycle can open (co-decided prices)."""

    NONE = "none", _("Personne : le prix du catalogue et les frais s'appliquent")
    PRODUCERS = "producers", _("Les producteurs du cycle")
    PRODUCERS_AND_REFERENTS = "producers_and_referents", _("Les producteurs et les référents consommateurs")


class GeocodeStatus(models.TextChoices):
    PENDING = "pending", _("À localiser")
    OK = "ok", _("Localisée")
    MANUAL = "manual", _("Position saisie à la main")
    FAILED = "failed", _("Adresse introuvable")


class EnterpriseQuerySet(models.QuerySet):
    def public(self):
        return self.filter(visibility=Visibility.PUBLIC)

    def of_kind(self, kind: str):
        return self.filter(Enterprise.kind_q(kind))

    def producers(self):
        return self.filter(is_producer=True)

    def shops(self):
        return self.exclude(sells=Sells.NONE)


class Enterprise(models.Model):
    """Every actor of a short supply chain: producer, AMAP, shop, hub, buying group."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    model = models.CharField(_("fonctionnement"), max_length=20, choices=ModelPreset.choices)
    is_producer = models.BooleanField(_("produit ce qu'elle vend"), default=False)
    sells = models.CharField(_("vente"), max_length=4, choices=Sells.choices, default=Sells.NONE)
    visibility = models.CharField(
        _("visibilité"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )

    short_description = models.CharField(_("accroche"), max_length=200, blank=True)
    description = models.TextField(_("présentation"), blank=True)
    trade = models.CharField(_("métier"), max_length=80, blank=True, help_text=_("ex. : maraîchage bio"))
    logo = models.ImageField(_("logo"), upload_to="logos/%Y/", blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail de contact"), blank=True)
    public_email = models.EmailField(
        _("e-mail affiché publiquement"),
        blank=True,
        help_text=_("Affiché sur la page publique. Laissez vide pour n'afficher aucune adresse."),
    )
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    labels = models.ManyToManyField("catalogue.Label", blank=True, related_name="enterprises")

    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices, blank=True)
    vat_regime = models.CharField(
        _("régime de TVA"), max_length=20, choices=VatRegime.choices, default=VatRegime.FRANCHISE
    )
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)

    address = models.CharField(_("adresse"), max_length=200, blank=True)
    postcode = models.CharField(_("code postal"), max_length=10, blank=True)
    city = models.CharField(_("commune"), max_length=100, blank=True)
    country = models.CharField(_("pays"), max_length=2, default="FR")
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    geocode_status = models.CharField(
        max_length=8, choices=GeocodeStatus.choices, default=GeocodeStatus.PENDING
    )

    # Shop settings
    shop_private = models.BooleanField(
        _("boutique réservée à mes clients"),
        default=False,
        help_text=_("Seuls les clients enregistrés par la structure peuvent commander."),
    )
    guest_checkout = models.BooleanField(_("commande sans compte possible"), default=True)
    orders_editable = models.BooleanField(
        _("les clients peuvent modifier ou annuler leur commande tant que le cycle est ouvert"), default=True
    )
    price_approval = models.CharField(
        _("approbation des prix avant l'ouverture d'un cycle"),
        max_length=24,
        choices=PriceApproval.choices,
        default=PriceApproval.NONE,
    )
    # What the producers of its cycles see of its orders ("Ce que j'apporte"): names or numbers.
    share_customer_names_with_producers = models.BooleanField(
        _("montrer le nom des clients aux producteurs"),
        default=False,
        help_text=_("Sinon, les producteurs ne voient que le numéro des commandes."),
    )

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        indexes = [
            models.Index(fields=["visibility", "lat", "lon"], name="enterprise_geo_idx"),
            models.Index(fields=["postcode"], name="enterprise_postcode_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:enterprise", args=[self.slug])

    @property
    def kind(self) -> str:
        if self.sells == Sells.ANY:
            return Kind.HUB
        if self.is_producer:
            return Kind.PRODUCER_SHOP if self.sells == Sells.OWN else Kind.PRODUCER
        return Kind.PROFILE

    def get_kind_display(self) -> str:
        return kind_label(self.kind, self.model)

    @staticmethod
    def kind_q(kind: str) -> Q:
        """The filter matching `kind` (same rule as the `kind` property, in SQL)."""
        return {
            Kind.HUB: Q(sells=Sells.ANY),
            Kind.PRODUCER_SHOP: Q(is_producer=True, sells=Sells.OWN),
            Kind.PRODUCER: Q(is_producer=True, sells=Sells.NONE),
            Kind.PROFILE: Q(is_producer=False) & ~Q(sells=Sells.ANY),
        }[Kind(kind)]

    @property
    def has_position(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def full_address(self) -> str:
        return ", ".join(p for p in [self.address, f"{self.postcode} {self.city}".strip()] if p)


class Role(models.Model):
    """A person's place in an enterprise's team."""

    class Level(models.TextChoices):
        OWNER = "owner", _("Responsable")
        MANAGER = "manager", _("Gestionnaire")
        VOLUNTEER = "volunteer", _("Bénévole")

    RANK = {Level.VOLUNTEER: 1, Level.MANAGER: 2, Level.OWNER: 3}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="roles")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("rôle"), max_length=10, choices=Level.choices)
    consumer_referent = models.BooleanField(
        _("référent consommateurs"),
        default=False,
        help_text=_("Représente les mangeurs dans l'approbation des prix."),
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="one_role_per_enterprise")]
        ordering = ["enterprise__name"]

    def __str__(self):
        return f"{self.user} — {self.enterprise} ({self.get_role_display()})"

    def at_least(self, level: str) -> bool:
        return self.RANK[self.role] >= self.RANK[level]


class Invitation(models.Model):
    """An invitation to join a team, sent by email to someone who has no account yet."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=Role.Level.choices)
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "email"],
                condition=Q(accepted_at__isnull=True),
                name="one_pending_invitation_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.enterprise}"


class Permission(models.TextChoices):
    """What a producer may let a hub do. Worded so that both sides read it the same way."""

    ADD_TO_CYCLES = "add_to_cycles", _("Vendre les produits du producteur")
    MANAGE_PRODUCTS = "manage_products", _("Gérer les produits du producteur")
    EDIT_PROFILE = "edit_profile", _("Modifier la fiche du producteur")


class Relationship(models.Model):
    """`grantor` (usually a producer) lets `grantee` (usually a hub) act on its behalf.

    Asked for by the grantee, accepted (or refused) by the grantor, revocable by either side.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Demandée")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")
        REVOKED = "revoked", _("Révoquée")

    TRANSITIONS = {
        Status.REQUESTED: {Status.ACCEPTED, Status.REFUSED, Status.REVOKED},
        Status.ACCEPTED: {Status.REVOKED},
        Status.REFUSED: {Status.REQUESTED},
        Status.REVOKED: {Status.REQUESTED},
    }

    grantor = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="granted_relationships")
    grantee = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="received_relationships")
    add_to_cycles = models.BooleanField(Permission.ADD_TO_CYCLES.label, default=True)
    manage_products = models.BooleanField(Permission.MANAGE_PRODUCTS.label, default=False)
    edit_profile = models.BooleanField(Permission.EDIT_PROFILE.label, default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    message = models.CharField(_("message"), max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grantor", "grantee"], name="one_relationship_per_pair"),
            models.CheckConstraint(condition=~Q(grantor=models.F("grantee")), name="no_self_relationship"),
        ]

    def __str__(self):
        return f"{self.grantor} → {self.grantee} ({self.get_status_display()})"

    def permissions(self) -> list[str]:
        return [p.value for p in Permission if getattr(self, p.value)]

    def grants(self, permission: str) -> bool:
        return self.status == self.Status.ACCEPTED and getattr(self, Permission(permission).value)

    def set_status(self, status: str) -> None:
        if status not in self.TRANSITIONS[self.Status(self.status)]:
            raise InvalidTransition(self.status, status)
        self.status = status


class Network(models.Model):
    """A public group of enterprises (a regional AMAP network, a cooperative)."""

    slug = models.SlugField(_("adresse de la page"), max_length=80, unique=True)
    name = models.CharField(_("nom"), max_length=120)
    description = models.TextField(_("présentation"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    logo = models.ImageField(_("logo"), upload_to="networks/%Y/", blank=True)
    coordinator = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="coordinated_networks",
        verbose_name=_("structure qui anime le réseau"),
    )
    members = models.ManyToManyField(Enterprise, blank=True, related_name="networks")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("public:network", args=[self.slug])
