from django.http import HttpRequest
from ninja import Router

from cabas.api.auth import session_auth, token_auth
from cabas.api.errors import errors
from cabas.api.schemas import MeOut
from cabas.enterprises.selectors import roles_of

router = Router(tags=["Profil"])


@router.get(
    "/me",
    response={200: MeOut, **errors(401)},
    auth=[token_auth, session_auth],
    summary="Mon profil",
    description=(
        "La personne authentifiée (jeton personnel, ou session d'un navigateur connecté) et les "
        "structures dont elle fait partie, avec son rôle."
    ),
)
def me(request: HttpRequest):
    user = request.auth
    roles = roles_of(user)
    return {
        "email": user.email,
        "full_name": user.full_name,
        "language": user.language,
        "enterprises": [
            {
                "slug": role.enterprise.slug,
                "name": role.enterprise.name,
                "role": role.role,
                "role_label": str(role.get_role_display()),
            }
            for role in roles
        ],
    }
