"""French error bodies for the API: `{"detail": "..."}`, plus `errors` (field + message) for
invalid parameters. Every answer is JSON, an unexpected exception (500) included; `errors()` gives
the statuses an operation documents in the OpenAPI document."""

import logging

from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Status
from ninja.errors import AuthenticationError, HttpError, ValidationError

from cabas.api.schemas import ErrorOut, ValidationErrorOut

# Django's own logger for failed requests: its handlers (console, e-mail to ADMINS) see the API's
# unexpected errors as they see the site's.
request_logger = logging.getLogger("django.request")

# ninja's message for a body that json.loads refuses (its BodyModel raises HttpError(400, ...)).
UNPARSABLE_BODY = "Cannot parse request body"


def errors(*statuses: int) -> dict[int, type]:
    """The error answers an operation documents: `statuses` (422 with the invalid fields, the others
    with a `detail`) and 500, which any operation may answer."""
    return {status: ValidationErrorOut if status == 422 else ErrorOut for status in (*sorted(statuses), 500)}


def invalid(field: str, message: str) -> Status:
    """A 422 answer for one invalid value found by the operation itself (`field` empty: the request
    as a whole), shaped like the answer to a parameter the schema refuses."""
    detail = _("Paramètres invalides : %(fields)s.") % {"fields": field} if field else message
    return Status(
        422, {"detail": detail, "errors": [{"field": field, "message": message, "type": "invalid"}]}
    )


# Locations ninja puts before the field name in a pydantic error's `loc`.
LOCATIONS = {"query", "path", "body", "header", "cookie", "form", "file"}


def _field_name(loc) -> str:
    loc = tuple(loc)
    if len(loc) > 2 and loc[0] == "body":
        loc = loc[2:]  # ("body", "<parameter name>", field...): the field names the body's keys
    parts = [str(p) for p in loc if str(p) not in LOCATIONS]
    return ".".join(parts)


def _expected(ctx: dict) -> str:
    return str(ctx.get("expected", "")).replace(" or ", ", ").replace("'", "")


def error_message(error: dict) -> str:
    """A French sentence for one pydantic error."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("Ce champ est obligatoire.")
    if kind == "control_character":
        return _(
            "Les caractères de contrôle (retour à la ligne, tabulation, U+0000…) ne sont pas acceptés ici."
        )
    if kind == "control_character_multiline":
        return _(
            "Les caractères de contrôle (U+0000…) ne sont pas acceptés ; retours à la ligne et "
            "tabulations le sont."
        )
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return _("Un nombre entier est attendu.")
    if kind in {"float_parsing", "float_type", "finite_number"}:
        return _("Un nombre est attendu.")
    if kind in {"bool_parsing", "bool_type"}:
        return _("Une valeur « true » ou « false » est attendue.")
    if kind in {"enum", "literal_error"}:
        return _("Valeur inconnue. Valeurs possibles : %(values)s.") % {"values": _expected(ctx)}
    if kind == "greater_than_equal":
        return _("La valeur doit être supérieure ou égale à %(n)s.") % {"n": ctx.get("ge")}
    if kind == "greater_than":
        return _("La valeur doit être strictement supérieure à %(n)s.") % {"n": ctx.get("gt")}
    if kind == "less_than_equal":
        return _("La valeur doit être inférieure ou égale à %(n)s.") % {"n": ctx.get("le")}
    if kind == "less_than":
        return _("La valeur doit être strictement inférieure à %(n)s.") % {"n": ctx.get("lt")}
    if kind == "string_too_long":
        return _("%(n)s caractères au maximum.") % {"n": ctx.get("max_length")}
    if kind == "string_too_short" and ctx.get("min_length") == 1:
        return _("Ce champ ne peut pas être vide.")
    if kind == "string_too_short":
        return _("%(n)s caractères au minimum.") % {"n": ctx.get("min_length")}
    if kind in {"decimal_parsing", "decimal_type"}:
        return _("Un nombre décimal est attendu, en texte (ex. « 3.20 »).")
    if kind == "decimal_max_places":
        return _("%(n)s chiffres après la virgule au maximum.") % {"n": ctx.get("decimal_places")}
    if kind in {"decimal_max_digits", "decimal_whole_digits", "number_too_large"}:
        return _("Nombre trop grand.")
    if kind == "number_as_text":
        return _(
            "Envoyez les montants et quantités en texte (ex. « 3.20 ») : un nombre à virgule flottante "
            "n'est pas exact au centime."
        )
    if kind in {"date_parsing", "date_type", "date_from_datetime_parsing", "date_from_datetime_inexact"}:
        return _("Une date est attendue, au format AAAA-MM-JJ (ex. 2026-01-15).")
    if kind == "latlon":
        return _("Paramètre near invalide : attendu « latitude,longitude », par exemple 45.76,4.83.")
    if kind in {"uuid_parsing", "uuid_type"}:
        return _("Identifiant (UUID) invalide.")
    if kind in {"string_type"}:
        return _("Un texte est attendu.")
    if kind in {"list_type"}:
        return _("Une liste est attendue.")
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return _("Un objet JSON est attendu.")
    if kind == "too_short":
        n = ctx.get("min_length") or 0
        message = ngettext("Au moins %(n)s élément est attendu.", "Au moins %(n)s éléments sont attendus.", n)
        return message % {"n": n}
    if kind == "json_invalid":
        return _("Le corps de la requête n'est pas un JSON valide.")
    return _("Valeur invalide.")


def register(api) -> None:
    """Install the French exception handlers on `api`."""

    @api.exception_handler(ValidationError)
    def validation_error(request, exc):
        errors = [
            {
                "field": _field_name(e.get("loc", ())),
                "message": error_message(e),
                "type": e.get("type", ""),
            }
            for e in exc.errors
        ]
        fields = ", ".join(sorted({e["field"] for e in errors if e["field"]}))
        detail = (
            _("Paramètres invalides : %(fields)s.") % {"fields": fields} if fields else _("Requête invalide.")
        )
        return api.create_response(request, {"detail": detail, "errors": errors}, status=422)

    @api.exception_handler(AuthenticationError)
    def authentication_error(request, exc):
        message = (
            exc.message
            if isinstance(exc.message, str) and exc.message != "Unauthorized"
            else _(
                "Authentification requise : envoyez un jeton personnel dans l'en-tête "
                "« Authorization: Bearer <jeton> »."
            )
        )
        response = api.create_response(request, {"detail": message}, status=401)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Ressource introuvable.")}, status=404)

    @api.exception_handler(HttpError)
    def http_error(request, exc):
        detail = str(exc)
        if exc.status_code == 400 and detail.startswith(UNPARSABLE_BODY):
            detail = _("Le corps de la requête n'est pas un JSON valide.")
        return api.create_response(request, {"detail": detail}, status=exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request, exc):
        # Logged like Django logs an uncaught exception (with its traceback, for the operators), but
        # answered in JSON, with nothing of the exception in it, whatever DEBUG says.
        request_logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        response = api.create_response(
            request,
            {"detail": _("Erreur interne du serveur : l'incident est enregistré ; réessayez plus tard.")},
            status=500,
        )
        response._has_been_logged = True  # Django's handler would log it a second time, without the traceback
        return response
