"""Domain errors of carts and orders, each with a French message for the customer or the seller."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.errors import DomainError


class OrderError(DomainError):
    pass


class ShopClosed(OrderError):
    """The cycle is not open at this shop (not yet, no longer, or not sold here)."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Les commandes sont fermées pour ce cycle dans cette boutique."))


class ShopPrivate(OrderError):
    def __init__(self):
        super().__init__(
            _(
                "Cette boutique est réservée à ses clients : connectez-vous avec le compte qu'elle "
                "connaît, ou demandez-lui de vous inscrire."
            )
        )


class NotOffered(OrderError):
    def __init__(self, name: str = ""):
        super().__init__(
            _("« %(name)s » n'est pas proposé dans ce cycle.") % {"name": name}
            if name
            else _("Ce produit n'est pas proposé dans ce cycle.")
        )


class InvalidQuantity(OrderError):
    pass


class CartEmpty(OrderError):
    def __init__(self):
        super().__init__(_("Votre panier est vide."))


class CheckoutInvalid(OrderError):
    """A checkout choice that cannot be used; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class StockChange:
    """One cart line that cannot be served as asked: `available` units are left (0: sold out)."""

    variant_uuid: str
    name: str
    requested: int
    available: int

    @property
    def message(self) -> str:
        if self.available <= 0:
            return _("%(name)s : plus de stock.") % {"name": self.name}
        return ngettext(
            "%(name)s : plus que %(n)s disponible.",
            "%(name)s : plus que %(n)s disponibles.",
            self.available,
        ) % {"name": self.name, "n": self.available}


class InsufficientStock(OrderError):
    """Some lines ask for more than is left; nothing was placed. `changes` says which, and how many."""

    def __init__(self, changes: list[StockChange]):
        self.changes = changes
        super().__init__(
            _("Plus de stock pour une partie de votre commande : ")
            + " ".join(change.message for change in changes)
        )


class OrderNotEditable(OrderError):
    def __init__(self, message: str | None = None):
        super().__init__(message or _("Cette commande ne peut plus être modifiée."))


class OrderNotCollectable(OrderError):
    """An order that cannot be handed over (or taken back) at the distribution: not placed yet,
    still awaiting its payment, or cancelled."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _("Seule une commande passée peut être remise (ou sa remise annulée)."))


class OrderNotCancellable(OrderError):
    """An order the seller cannot cancel: already handed over or cancelled, or no reason given."""

    def __init__(self, message: str | None = None):
        super().__init__(
            message or _("Seule une commande passée ou en attente de paiement peut être annulée.")
        )


class CustomerError(OrderError):
    """A change to a shop's customers that cannot be made (the message says why)."""


class CustomerEmailTaken(CustomerError):
    def __init__(self, email: str):
        super().__init__(_("Un client avec l'adresse %(email)s existe déjà.") % {"email": email})


class CustomerCodeTaken(CustomerError):
    def __init__(self, code: str, other: str):
        super().__init__(_("Le code %(code)s est déjà celui de %(other)s.") % {"code": code, "other": other})


class CustomerImportRejected(CustomerError):
    """A customers file that cannot be imported; `problems` lists every reason, line by line."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            ngettext(
                "Le fichier contient %(count)s problème : rien n'a été importé.",
                "Le fichier contient %(count)s problèmes : rien n'a été importé.",
                len(self.problems),
            )
            % {"count": len(self.problems)}
        )


class InvalidVisibilityRule(CustomerError):
    """A visibility rule that cannot be saved; `field` names the form field it concerns."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
