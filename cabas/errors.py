"""The base of every domain error: a failure the user can understand, with a French message.

Views catch `DomainError` around a service call, show `message` and change nothing (services are
atomic). Each app subclasses it (`EnterpriseError`, `AccountError`, later `InsufficientStock`...).
"""

from django.contrib import messages


class DomainError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def run_action(request, action, success: str) -> bool:
    """Call `action()`; flash `success`, or the domain error's message. Returns whether it worked."""
    try:
        action()
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True
