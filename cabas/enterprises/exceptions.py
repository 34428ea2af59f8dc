"""Domain errors of the enterprises app, each with a French message for the user."""

from django.utils.translation import gettext as _

from cabas.errors import DomainError


class EnterpriseError(DomainError):
    pass


class InvalidTransition(EnterpriseError):
    def __init__(self, current: str, wanted: str):
        super().__init__(_("Cette action n'est plus possible (état actuel : %(s)s).") % {"s": current})


class LastOwner(EnterpriseError):
    def __init__(self):
        super().__init__(_("Une structure doit garder au moins un responsable."))


class SlugUnavailable(EnterpriseError):
    def __init__(self, slug: str):
        super().__init__(_("L'adresse « %(slug)s » est déjà prise ou réservée.") % {"slug": slug})


class AlreadyMember(EnterpriseError):
    def __init__(self, email: str):
        super().__init__(_("%(email)s fait déjà partie de l'équipe.") % {"email": email})


class AlreadyInvited(EnterpriseError):
    def __init__(self, email: str):
        super().__init__(_("Une invitation est déjà en attente pour %(email)s.") % {"email": email})


class RoleNotAllowed(EnterpriseError):
    def __init__(self):
        super().__init__(_("Votre rôle ne vous permet pas d'attribuer ce rôle."))


class NotAMember(EnterpriseError):
    def __init__(self):
        super().__init__(_("Cette personne ne fait pas partie de l'équipe."))


class InvitationEmailMismatch(EnterpriseError):
    def __init__(self):
        super().__init__(_("Cette invitation a été envoyée à une autre adresse e-mail."))


class RelationshipError(EnterpriseError):
    """A relationship request or answer that the rules forbid (message says why)."""


class NetworkError(EnterpriseError):
    """A network change that the rules forbid (message says why)."""
