"""How the demo enterprises work together: the relationships between producers and the shops they
supply (one still waiting for an answer) and the networks of the territory."""

# (grantor producer, grantee shop, extra permissions). All accepted, except PENDING below.
RELATIONSHIPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("ferme-des-collines", "epicerie-croix-rousse", ()),
    ("chevrerie-des-trois-sapins", "epicerie-croix-rousse", ()),
    ("fournil-de-la-combe", "epicerie-croix-rousse", ()),
    ("vergers-du-garon", "epicerie-croix-rousse", ("manage_products",)),
    ("rucher-des-cretes", "epicerie-croix-rousse", ()),
    ("domaine-des-grands-coteaux", "epicerie-croix-rousse", ()),
    ("champignonniere-de-duerne", "epicerie-croix-rousse", ("manage_products",)),
    ("brasserie-des-monts", "epicerie-croix-rousse", ()),
    ("vergers-du-garon", "panier-gratte-ciel", ()),
    ("volailles-de-la-coise", "panier-gratte-ciel", ()),
    ("ferme-du-bois-joli", "panier-gratte-ciel", ()),
    ("les-herbes-folles", "panier-gratte-ciel", ()),
    ("jardins-de-craponne", "panier-gratte-ciel", ()),
    ("ferme-des-collines", "amap-de-la-guillotiere", ()),
    ("chevrerie-des-trois-sapins", "amap-de-la-guillotiere", ()),
    ("fournil-de-la-combe", "amap-de-la-guillotiere", ()),
    ("vergers-du-garon", "amap-de-la-guillotiere", ()),
    ("ferme-du-bois-joli", "amap-de-la-guillotiere", ()),
    ("volailles-de-la-coise", "amap-de-la-guillotiere", ()),
    ("gaec-de-la-croix-blanche", "amap-de-la-guillotiere", ()),
    ("jardins-de-craponne", "amap-tassin-demi-lune", ("manage_products",)),
    ("rucher-des-cretes", "amap-tassin-demi-lune", ()),
    ("ferme-du-bois-joli", "amap-tassin-demi-lune", ()),
    ("gaec-de-la-croix-blanche", "amap-tassin-demi-lune", ()),
    ("gaec-de-la-croix-blanche", "comptoir-des-monts", ("manage_products", "edit_profile")),
    ("chevrerie-des-trois-sapins", "comptoir-des-monts", ("manage_products",)),
    ("vergers-du-garon", "comptoir-des-monts", ("manage_products",)),
    ("rucher-des-cretes", "comptoir-des-monts", ("manage_products", "edit_profile")),
    ("domaine-des-grands-coteaux", "comptoir-des-monts", ()),
    ("volailles-de-la-coise", "comptoir-des-monts", ()),
    ("ferme-de-la-source", "comptoir-des-monts", ("manage_products",)),
    ("les-herbes-folles", "comptoir-des-monts", ()),
    ("ferme-des-collines", "drive-fermier-ouest-lyonnais", ()),
    ("ferme-du-bois-joli", "drive-fermier-ouest-lyonnais", ("manage_products",)),
    ("ferme-de-la-source", "drive-fermier-ouest-lyonnais", ()),
    ("domaine-des-grands-coteaux", "drive-fermier-ouest-lyonnais", ()),
]
# A request waiting for Claire's answer, so the demo shows the acceptance step.
PENDING: list[tuple[str, str, str]] = [
    (
        "ferme-des-collines",
        "panier-gratte-ciel",
        "Bonjour Claire, nos adhérents aimeraient vos légumes le mercredi : seriez-vous d'accord ?",
    ),
]

NETWORKS: list[dict] = [
    {
        "slug": "cooperative-des-monts-du-lyonnais",
        "name": "Coopérative des Monts du Lyonnais",
        "coordinator": "comptoir-des-monts",
        "description": (
            "Les fermes des Monts et des Coteaux du Lyonnais qui vendent ensemble : un magasin de "
            "producteurs à Mornant, une logistique partagée vers Lyon et des prix fixés en commun."
        ),
        "members": [
            "comptoir-des-monts", "ferme-des-collines", "gaec-de-la-croix-blanche",
            "chevrerie-des-trois-sapins",
            "fournil-de-la-combe", "vergers-du-garon", "rucher-des-cretes", "domaine-des-grands-coteaux",
            "volailles-de-la-coise", "champignonniere-de-duerne", "les-herbes-folles", "ferme-de-la-source",
        ],
    },
    {
        "slug": "reseau-des-amap-du-rhone",
        "name": "Réseau des AMAP du Rhône",
        "coordinator": "amap-de-la-guillotiere",
        "description": (
            "Les AMAP du Rhône s'entraident : contrats types, formation des bénévoles, recherche de "
            "paysans pour les nouvelles AMAP et fonds de solidarité en cas de coup dur."
        ),
        "members": ["amap-de-la-guillotiere", "amap-tassin-demi-lune"],
    },
]
