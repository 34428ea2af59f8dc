"""Domain errors of the enterprises app, each with a French message for the user."""

from django.utils.translation import gettext as _


class EnterpriseError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidTransition(EnterpriseError):
    def __init__(self, current: str, wanted: str):
        super().__init__(_("Cette action n'est plus possible (état actuel : %(s)s).") % {"s": current})


class LastOwner(EnterpriseError):
    def __init__(self):
        super().__init__(_("Une structure doit garder au moins un responsable."))
