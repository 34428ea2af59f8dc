"""Domain errors of the catalogue, each with a French message for the user."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.errors import DomainError


class CatalogueError(DomainError):
    pass


class InventoryError(CatalogueError):
    """A hub's inventory override that cannot be saved (bad price or stock, no permission)."""


class NotAHub(InventoryError):
    def __init__(self):
        super().__init__(
            _("Seules les structures qui vendent les produits d'autres structures ont un inventaire.")
        )


class NotGranted(InventoryError):
    def __init__(self, producer: str):
        super().__init__(
            _("%(producer)s ne vous autorise pas (ou plus) à vendre ses produits.") % {"producer": producer}
        )


class InvalidOverride(InventoryError):
    """A hub price or stock that cannot be used; `field` names the input ("price" or "on_hand")."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


class ProductError(CatalogueError):
    """A product or variant change that the rules forbid (the message says why)."""


class InvalidBulkUnitSize(ProductError):
    def __init__(self):
        super().__init__(_("La taille du colis doit être un nombre positif, ex. 25 ou 2,5"))


class InvalidPrice(ProductError):
    def __init__(self):
        super().__init__(_("Le prix doit être un nombre positif, ex. 3,50"))


class InvalidStock(ProductError):
    def __init__(self):
        super().__init__(_("Le stock doit être un nombre entier positif ou nul, ex. 12"))


class InvalidVariant(ProductError):
    """A variant whose size, unit or price does not make sense (the message says which)."""


class BulkActionError(ProductError):
    """A bulk action that cannot run (nothing selected, unknown action, bad value)."""


class InvalidPhoto(ProductError):
    """An upload that is not an accepted image (the message says why)."""


class ImportRejected(CatalogueError):
    """A product-list file that cannot be imported; `problems` lists every reason, row by row."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(
            ngettext("Le fichier contient %(count)s problème.", "Le fichier contient %(count)s problèmes.",
                     len(self.problems)) % {"count": len(self.problems)}
        )


class ImportJobNotReady(CatalogueError):
    def __init__(self):
        super().__init__(
            _("Cet import ne peut pas être confirmé : il est déjà lancé, ou le fichier contient des erreurs.")
        )
