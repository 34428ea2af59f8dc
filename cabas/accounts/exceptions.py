"""Domain errors of the accounts app, each with a French message for the user."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cabas.errors import DomainError


class AccountError(DomainError):
    pass


class InvalidConfirmationLink(AccountError):
    def __init__(self, expired: bool = False):
        self.expired = expired
        super().__init__(
            _("Ce lien de confirmation a expiré.")
            if expired
            else _("Ce lien de confirmation n'est pas valide.")
        )


class LastOwnerOfEnterprises(AccountError):
    """The user is the only owner of some enterprises: they must hand them over before leaving."""

    def __init__(self, enterprises):
        self.enterprises = list(enterprises)
        names = ", ".join(e.name for e in self.enterprises)
        super().__init__(
            ngettext(
                "Vous êtes le seul responsable de la structure %(names)s. Nommez un autre responsable "
                "dans son équipe avant de supprimer votre compte.",
                "Vous êtes le seul responsable des structures %(names)s. Nommez un autre responsable "
                "dans chacune de leurs équipes avant de supprimer votre compte.",
                len(self.enterprises),
            )
            % {"names": names}
        )


class TooManyTokens(AccountError):
    def __init__(self, limit: int):
        super().__init__(
            _("Vous avez déjà %(n)s jetons actifs : révoquez-en un avant d'en créer un nouveau.")
            % {"n": limit}
        )
