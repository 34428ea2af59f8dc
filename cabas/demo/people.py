"""The people of the demo territory: the demo logins listed in the README, the other members of
the territory's teams and members of the AMAP de la Guillotière. All share DEMO_PASSWORD."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.utils import timezone

DEMO_PASSWORD = "cabas-demo-2026"

# --- People -------------------------------------------------------------------------------------
# The first seven are the demo logins listed in the README.
USERS: list[dict] = [
    {"email": "admin@cabas.localhost", "full_name": "Équipe Cabas", "superuser": True},
    {"email": "claire@ferme-des-collines.fr", "full_name": "Claire Perrin"},
    {"email": "marc@epicerie-croix-rousse.fr", "full_name": "Marc Giraud"},
    {"email": "sophie@amap-guillotiere.fr", "full_name": "Sophie Marchand"},
    {"email": "lucie.benevole@exemple.fr", "full_name": "Lucie Bonnet"},
    {"email": "mangeur@exemple.fr", "full_name": "Karim Haddad"},
    {"email": "camille.amapienne@exemple.fr", "full_name": "Camille Roux"},
    {"email": "nicolas.garcia@exemple.fr", "full_name": "Nicolas Garcia"},
    # The other members of the territory's teams.
    {"email": "bruno.chatelard@exemple.fr", "full_name": "Bruno Chatelard"},
    {"email": "helene.rivoire@exemple.fr", "full_name": "Hélène Rivoire"},
    {"email": "thomas.fayolle@exemple.fr", "full_name": "Thomas Fayolle"},
    {"email": "anne.guinand@exemple.fr", "full_name": "Anne Guinand"},
    {"email": "julien.poncet@exemple.fr", "full_name": "Julien Poncet"},
    {"email": "isabelle.thollet@exemple.fr", "full_name": "Isabelle Thollet"},
    {"email": "remi.grange@exemple.fr", "full_name": "Rémi Grange"},
    {"email": "nadia.berthaud@exemple.fr", "full_name": "Nadia Berthaud"},
    {"email": "olivier.villard@exemple.fr", "full_name": "Olivier Villard"},
    {"email": "camille.joanin@exemple.fr", "full_name": "Camille Joanin"},
    {"email": "pierre.moulin@exemple.fr", "full_name": "Pierre Moulin"},
    {"email": "elodie.vial@exemple.fr", "full_name": "Élodie Vial"},
    {"email": "ines.ferrand@exemple.fr", "full_name": "Inès Ferrand"},
    {"email": "yann.mercier@exemple.fr", "full_name": "Yann Mercier"},
    {"email": "martine.crozier@exemple.fr", "full_name": "Martine Crozier"},
    {"email": "louis.brun@exemple.fr", "full_name": "Louis Brun"},
    {"email": "aurelie.blanc@exemple.fr", "full_name": "Aurélie Blanc"},
    # Members of the AMAP de la Guillotière with an account (cabas/demo/amap.py).
    {"email": "julie.morel@exemple.fr", "full_name": "Julie Morel"},
    {"email": "antoine.lefebvre@exemple.fr", "full_name": "Antoine Lefebvre"},
    {"email": "fatou.diallo@exemple.fr", "full_name": "Fatou Diallo"},
    {"email": "paul.girard@exemple.fr", "full_name": "Paul Girard"},
    {"email": "lea.fontaine@exemple.fr", "full_name": "Léa Fontaine"},
    {"email": "hugo.perret@exemple.fr", "full_name": "Hugo Perret"},
    {"email": "sarah.cohen@exemple.fr", "full_name": "Sarah Cohen"},
]


@cache
def demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once for all the demo logins (hashing is slow on purpose)."""
    return make_password(DEMO_PASSWORD)


def user_upsert(row: dict):
    User = get_user_model()
    superuser = row.get("superuser", False)
    user, _created = User.objects.update_or_create(
        email=row["email"],
        defaults={
            "full_name": row["full_name"],
            "is_active": True,
            "is_staff": superuser,
            "is_superuser": superuser,
            "deleted_at": None,
        },
    )
    if user.email_confirmed_at is None:
        user.email_confirmed_at = timezone.now()
    user.password = demo_password_hash()
    user.save()
    return user
