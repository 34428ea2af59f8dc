"""The enterprises of the demo territory: producers, shops, AMAPs and a producer store of Lyon
and the Monts du Lyonnais. Names and farms are fictional; towns and streets are real places."""

from cabas.catalogue.models import Label
from cabas.enterprises.geocoding import geocode_address, geocode_place
from cabas.enterprises.models import (
    PRESET_DEFAULTS,
    Enterprise,
    GeocodeStatus,
    LegalForm,
    ModelPreset,
    Role,
    VatRegime,
    Visibility,
)

# --- Enterprises ----------------------------------------------------------------------------------
# `team` maps an email of USERS to a role; `model` chooses is_producer / sells (PRESET_DEFAULTS).
ENTERPRISES: list[dict] = [
    # Producers of the Monts du Lyonnais and the Coteaux du Lyonnais.
    {
        "slug": "ferme-des-collines",
        "name": "Ferme des Collines",
        "model": ModelPreset.FARM_SALE,
        "trade": "maraîchage bio",
        "legal_form": LegalForm.EI,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "420 chemin de la Chênaie",
        "postcode": "69510",
        "city": "Yzeron",
        "labels": ["ab"],
        "short_description": (
            "Légumes bio de saison cultivés à 700 m d'altitude, vente à la ferme "
            "le vendredi."
        ),
        "description": (
            "Installée en 2016 sur les pentes d'Yzeron, Claire cultive une quarantaine de légumes sur "
            "deux hectares de plein champ et 1 500 m² de serres froides, en agriculture biologique.\n\n"
            "Tomates anciennes, courges, poireaux, salades toute l'année : la ferme livre deux AMAP "
            "lyonnaises et une épicerie de la Croix-Rousse. Vente à la ferme le vendredi de 16 h à 19 h."
        ),
        "email": "claire@ferme-des-collines.fr",
        "team": {"claire@ferme-des-collines.fr": Role.Level.OWNER},
    },
    {
        "slug": "gaec-de-la-croix-blanche",
        "name": "GAEC de la Croix Blanche",
        "model": ModelPreset.FARM_SALE,
        "trade": "élevage bovin (lait et viande)",
        "legal_form": LegalForm.GAEC,
        "vat_regime": VatRegime.STANDARD,
        "address": "Lieu-dit La Croix Blanche",
        "postcode": "69850",
        "city": "Saint-Martin-en-Haut",
        "labels": ["hve"],
        "short_description": "Vaches montbéliardes à l'herbe : viande en colis, yaourts et tomme fermière.",
        "description": (
            "Trois associés élèvent 45 vaches montbéliardes nourries à l'herbe et au foin de la ferme. "
            "Le lait est transformé sur place en yaourts, fromage blanc et tomme des Monts.\n\n"
            "La viande de génisse et de veau est vendue en colis de 5 et 10 kg, sur commande, "
            "quatre fois par an."
        ),
        "team": {
            "bruno.chatelard@exemple.fr": Role.Level.OWNER,
            "helene.rivoire@exemple.fr": Role.Level.MANAGER,
        },
    },
    {
        "slug": "chevrerie-des-trois-sapins",
        "name": "Chèvrerie des Trois Sapins",
        "model": ModelPreset.FARM_SALE,
        "trade": "fromagerie de chèvre",
        "legal_form": LegalForm.EARL,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "215 route de la Gimond",
        "postcode": "69590",
        "city": "Larajasse",
        "labels": ["ab", "aop-aoc"],
        "short_description": "Rigottes de Condrieu AOP et fromages lactiques au lait cru de nos 60 chèvres.",
        "description": (
            "Soixante chèvres alpines pâturent les prés de Larajasse de mars à novembre. Tout le lait "
            "est transformé à la ferme : rigottes de Condrieu AOP, bûches cendrées, faisselles et "
            "tommes de chèvre affinées trois mois.\n\n"
            "Visite de la chèvrerie le premier samedi du mois, sur inscription."
        ),
        "team": {"thomas.fayolle@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "fournil-de-la-combe",
        "name": "Le Fournil de la Combe",
        "model": ModelPreset.PRODUCER,
        "trade": "boulangerie paysanne",
        "legal_form": LegalForm.EI,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "8 montée de la Combe",
        "postcode": "69510",
        "city": "Thurins",
        "labels": ["nature-et-progres"],
        "short_description": (
            "Pains au levain de blés anciens cultivés et moulus à la ferme, cuits "
            "au feu de bois."
        ),
        "description": (
            "Paysanne-boulangère, Anne cultive ses blés de population (rouge de Bordeaux, barbu du "
            "Roussillon) et son petit épeautre, les écrase sur un moulin à meules de pierre et cuit "
            "deux fois par semaine dans un four à bois.\n\n"
            "Pains de 1 kg, tourtes de seigle et brioches le samedi, livrés aux AMAP et épiceries."
        ),
        "team": {"anne.guinand@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "vergers-du-garon",
        "name": "Les Vergers du Garon",
        "model": ModelPreset.FARM_SALE,
        "trade": "arboriculture",
        "legal_form": LegalForm.EARL,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "35 chemin du Garon",
        "postcode": "69510",
        "city": "Messimy",
        "labels": ["hve"],
        "short_description": (
            "Cerises, abricots, pommes et poires des coteaux de Messimy, jus de "
            "pomme pressé à la ferme."
        ),
        "description": (
            "Huit hectares de vergers en coteaux, conduits en protection biologique intégrée : "
            "cerises de mai à juillet, abricots et pêches l'été, pommes et poires jusqu'en mars.\n\n"
            "Les fruits abîmés deviennent jus, compotes et confitures, fabriqués à l'atelier de la ferme."
        ),
        "team": {
            "julien.poncet@exemple.fr": Role.Level.OWNER,
            "isabelle.thollet@exemple.fr": Role.Level.MANAGER,
        },
    },
    {
        "slug": "rucher-des-cretes",
        "name": "Le Rucher des Crêtes",
        "model": ModelPreset.PRODUCER,
        "trade": "apiculture",
        "legal_form": LegalForm.EI,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "2 place de l'Église",
        "postcode": "69440",
        "city": "Riverie",
        "labels": ["ab"],
        "short_description": "Miels de châtaignier, d'acacia et toutes fleurs des Monts du Lyonnais.",
        "description": (
            "Cent vingt ruches installées entre Riverie et les crêtes du Pilat. Miels de printemps, "
            "d'acacia, de châtaignier et de sapin selon les années, pollen frais et pain d'épices.\n\n"
            "Le rucher accueille les écoles du canton pour une découverte des abeilles au mois de juin."
        ),
        "team": {"remi.grange@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "domaine-des-grands-coteaux",
        "name": "Domaine des Grands Coteaux",
        "model": ModelPreset.FARM_SALE,
        "trade": "viticulture (AOC Coteaux du Lyonnais)",
        "legal_form": LegalForm.SCEA,
        "vat_regime": VatRegime.STANDARD,
        "address": "1250 route de Vaugneray",
        "postcode": "69126",
        "city": "Brindas",
        "labels": ["aop-aoc", "hve"],
        "short_description": (
            "Gamay et chardonnay en AOC Coteaux du Lyonnais, vinifiés au domaine "
            "depuis quatre générations."
        ),
        "description": (
            "Douze hectares de vignes sur les coteaux granitiques de Brindas : gamay pour les rouges "
            "et le rosé, chardonnay et aligoté pour les blancs, un crémant méthode traditionnelle.\n\n"
            "Caveau ouvert le samedi matin ; dégustation et vente au domaine."
        ),
        "team": {"nadia.berthaud@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "volailles-de-la-coise",
        "name": "Volailles de la Coise",
        "model": ModelPreset.FARM_SALE,
        "trade": "volailles fermières",
        "legal_form": LegalForm.EARL,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "La Thollière",
        "postcode": "69590",
        "city": "Saint-Symphorien-sur-Coise",
        "labels": ["ab"],
        "short_description": (
            "Poulets, pintades et chapons élevés en plein air 120 jours, abattus à "
            "la ferme."
        ),
        "description": (
            "Poulets cou-nu, pintades et canards de Barbarie élevés en petits bâtiments mobiles, "
            "en plein air sur prairie, nourris avec les céréales de la ferme.\n\n"
            "Abattage et découpe dans l'atelier agréé de la ferme ; chapons et poulardes à Noël "
            "sur réservation."
        ),
        "team": {"olivier.villard@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "champignonniere-de-duerne",
        "name": "La Champignonnière de Duerne",
        "model": ModelPreset.PRODUCER,
        "trade": "champignons",
        "legal_form": LegalForm.EI,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "14 route de Saint-Martin",
        "postcode": "69850",
        "city": "Duerne",
        "labels": ["ab"],
        "short_description": "Pleurotes, shiitakés et pieds-bleus cultivés sur substrat de paille bio.",
        "description": (
            "Camille cultive des champignons dans une ancienne cave d'affinage : pleurotes grises et "
            "jaunes, shiitakés, pieds-bleus, sur paille et sciure de feuillus issues d'exploitations "
            "voisines. Le substrat usé part en compost chez les maraîchers du plateau.\n\n"
            "Récolte deux fois par semaine, livraison le jour même."
        ),
        "team": {"camille.joanin@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "brasserie-des-monts",
        "name": "Brasserie des Monts",
        "model": ModelPreset.FARM_SALE,
        "trade": "brasserie artisanale",
        "legal_form": LegalForm.SARL,
        "vat_regime": VatRegime.STANDARD,
        "address": "6 rue du Chapeau",
        "postcode": "42140",
        "city": "Chazelles-sur-Lyon",
        "labels": ["ab"],
        "short_description": "Bières bio brassées avec l'orge maltée des Monts du Lyonnais.",
        "description": (
            "Une blonde, une ambrée, une IPA et une bière de saison au miel du Rucher des Crêtes, "
            "brassées à Chazelles-sur-Lyon avec de l'orge cultivée et maltée dans les Monts.\n\n"
            "Bouteilles de 33 et 75 cl, fûts pour les fêtes de village. Consigne des bouteilles."
        ),
        "team": {"pierre.moulin@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "les-herbes-folles",
        "name": "Les Herbes Folles",
        "model": ModelPreset.PRODUCER,
        "trade": "plantes aromatiques et médicinales",
        "legal_form": LegalForm.EI,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "Le Bourg",
        "postcode": "69930",
        "city": "Saint-Laurent-de-Chamousset",
        "labels": ["simples"],
        "short_description": (
            "Tisanes, aromates séchés et sirops de plantes cultivées et cueillies "
            "à la main."
        ),
        "description": (
            "Élodie cultive une soixantaine de plantes (verveine, mélisse, thym, menthes, calendula) "
            "et cueille dans les prés et les haies du plateau, selon la charte Simples.\n\n"
            "Tisanes en vrac ou en sachets, sels aux herbes, sirops de sureau et de plantain."
        ),
        "team": {"elodie.vial@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "ferme-du-bois-joli",
        "name": "Ferme du Bois Joli",
        "model": ModelPreset.FARM_SALE,
        "trade": "œufs de poules plein air",
        "legal_form": LegalForm.GAEC,
        "vat_regime": VatRegime.FLAT_RATE_FARM,
        "address": "180 chemin du Bois Joli",
        "postcode": "69670",
        "city": "Vaugneray",
        "labels": ["ab"],
        "short_description": "Œufs bio de 900 poules en parcours arboré, ramassés chaque matin.",
        "description": (
            "Deux poulaillers mobiles de 450 poules chacun, déplacés dans un verger de noyers. "
            "Les poules sont nourries d'un aliment bio fabriqué par un moulin de la Loire.\n\n"
            "Boîtes de 6 et 12 œufs, plateaux de 30 pour les cantines et les restaurants."
        ),
        "team": {"yann.mercier@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "ferme-de-la-source",
        "name": "Ferme de la Source",
        "model": ModelPreset.FARM_SALE,
        "trade": "porc fermier et charcuterie",
        "legal_form": LegalForm.EARL,
        "vat_regime": VatRegime.STANDARD,
        "address": "La Source",
        "postcode": "69610",
        "city": "Sainte-Foy-l'Argentière",
        "labels": ["label-rouge"],
        "short_description": "Porcs élevés sur paille, charcuterie sèche et cuite de la ferme.",
        "description": (
            "Naisseur-engraisseur, la ferme élève ses porcs sur paille avec les céréales qu'elle "
            "produit. Saucissons, rosettes, jambons cuits, pâtés et caillettes sont faits au "
            "laboratoire de la ferme.\n\n"
            "Colis de viande fraîche tous les deux mois, sur commande."
        ),
        "team": {"martine.crozier@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "jardins-de-craponne",
        "name": "Les Jardins de Craponne",
        "model": ModelPreset.PRODUCER,
        "trade": "maraîchage en traction animale",
        "legal_form": LegalForm.ASSOCIATION,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "22 chemin des Arcs",
        "postcode": "69290",
        "city": "Craponne",
        "labels": ["nature-et-progres"],
        "short_description": "Jardin d'insertion : légumes de saison travaillés avec deux chevaux de trait.",
        "description": (
            "Chantier d'insertion en maraîchage aux portes de Lyon : douze salariés en parcours "
            "d'emploi cultivent trois hectares avec deux chevaux comtois.\n\n"
            "Les légumes partent en paniers vers l'AMAP de Tassin et les épiceries solidaires."
        ),
        "team": {"louis.brun@exemple.fr": Role.Level.OWNER},
    },
    # Shops, AMAPs, store and drive in Lyon and around.
    {
        "slug": "epicerie-croix-rousse",
        "name": "L'Épicerie de la Croix-Rousse",
        "model": ModelPreset.HUB,
        "trade": "épicerie de produits locaux",
        "legal_form": LegalForm.SCIC,
        "vat_regime": VatRegime.STANDARD,
        "address": "74 Grande Rue de la Croix-Rousse",
        "postcode": "69004",
        "city": "Lyon",
        "labels": [],
        "short_description": (
            "Épicerie coopérative : produits des Monts du Lyonnais, commande en "
            "ligne et retrait au magasin."
        ),
        "description": (
            "Une épicerie en SCIC sur le plateau de la Croix-Rousse, qui travaille en direct avec une "
            "vingtaine de fermes à moins de 60 km. Les prix payés aux producteurs et la marge du magasin "
            "sont affichés sur chaque étiquette.\n\n"
            "Commandes en ligne du vendredi au mardi, retrait le jeudi de 16 h à 19 h 30."
        ),
        "email": "marc@epicerie-croix-rousse.fr",
        "team": {
            "marc@epicerie-croix-rousse.fr": Role.Level.OWNER,
            "ines.ferrand@exemple.fr": Role.Level.MANAGER,
        },
    },
    {
        "slug": "panier-gratte-ciel",
        "name": "Le Panier des Gratte-Ciel",
        "model": ModelPreset.HUB,
        "trade": "épicerie solidaire",
        "legal_form": LegalForm.ASSOCIATION,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "12 avenue Henri Barbusse",
        "postcode": "69100",
        "city": "Villeurbanne",
        "labels": [],
        "short_description": (
            "Épicerie associative à double tarif : le même panier, un prix selon "
            "ses moyens."
        ),
        "description": (
            "Au pied des Gratte-Ciel, l'association propose des produits fermiers à deux tarifs : "
            "le prix juste, et un prix solidaire financé par une caisse commune alimentée par les "
            "adhérents et la commune.\n\n"
            "Distribution le mercredi de 17 h à 19 h, dans la salle de l'association."
        ),
        "team": {"aurelie.blanc@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "amap-de-la-guillotiere",
        "name": "AMAP de la Guillotière",
        "model": ModelPreset.AMAP,
        "trade": "AMAP",
        "legal_form": LegalForm.ASSOCIATION,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "14 rue de la Madeleine",
        "postcode": "69007",
        "city": "Lyon",
        "labels": [],
        "short_description": (
            "Paniers de légumes, pain, fromages et fruits des Monts du Lyonnais, "
            "chaque mardi soir."
        ),
        "description": (
            "Cent vingt familles du 7e arrondissement s'engagent pour une saison auprès de sept fermes : "
            "légumes chaque semaine, pain, fromages de chèvre, œufs, fruits et volailles selon les "
            "contrats.\n\n"
            "Distribution le mardi de 18 h 30 à 20 h ; chaque adhérent assure deux permanences par saison."
        ),
        "email": "sophie@amap-guillotiere.fr",
        "team": {
            "sophie@amap-guillotiere.fr": Role.Level.OWNER,
            "lucie.benevole@exemple.fr": Role.Level.VOLUNTEER,
        },
    },
    {
        "slug": "amap-tassin-demi-lune",
        "name": "AMAP de Tassin-la-Demi-Lune",
        "model": ModelPreset.AMAP,
        "trade": "AMAP",
        "legal_form": LegalForm.ASSOCIATION,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "Place Péragut",
        "postcode": "69160",
        "city": "Tassin-la-Demi-Lune",
        "labels": [],
        "short_description": (
            "Une AMAP de quartier : légumes, miel, œufs et viande, le jeudi soir "
            "place Péragut."
        ),
        "description": (
            "Créée en 2009, l'AMAP réunit 70 foyers autour des Jardins de Craponne pour les légumes, "
            "et de fermes des Monts pour le miel, les œufs et la viande.\n\n"
            "Distribution le jeudi de 18 h à 19 h 30 sous la halle de la place Péragut."
        ),
        "team": {"helene.rivoire@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "comptoir-des-monts",
        "name": "Le Comptoir des Monts",
        "model": ModelPreset.PRODUCER_STORE,
        "trade": "magasin de producteurs",
        "legal_form": LegalForm.SCIC,
        "vat_regime": VatRegime.STANDARD,
        "address": "3 avenue du Pays Mornantais",
        "postcode": "69440",
        "city": "Mornant",
        "labels": [],
        "short_description": (
            "Magasin de producteurs : quinze fermes du territoire tiennent la "
            "boutique à tour de rôle."
        ),
        "description": (
            "Quinze fermes des Monts et des Coteaux du Lyonnais ont ouvert ensemble ce magasin. "
            "Chaque producteur assure des permanences ; tous les produits viennent de moins de 40 km.\n\n"
            "Ouvert du mercredi au samedi, de 9 h à 12 h 30 et de 15 h à 19 h."
        ),
        "team": {"julien.poncet@exemple.fr": Role.Level.MANAGER, "remi.grange@exemple.fr": Role.Level.OWNER},
    },
    {
        "slug": "drive-fermier-ouest-lyonnais",
        "name": "Drive fermier de l'Ouest lyonnais",
        "model": ModelPreset.DRIVE,
        "trade": "drive fermier",
        "legal_form": LegalForm.ASSOCIATION,
        "vat_regime": VatRegime.FRANCHISE,
        "address": "Parking de la salle des fêtes, chemin de Chantegrillet",
        "postcode": "69670",
        "city": "Vaugneray",
        "labels": [],
        "short_description": (
            "Commandez en ligne jusqu'au mardi, récupérez vos produits fermiers le "
            "vendredi soir."
        ),
        "description": (
            "Un drive tenu par des producteurs : on commande en ligne du samedi au mardi, et l'on "
            "retire ses sacs le vendredi de 17 h à 19 h, sans sortir de la voiture si l'on veut."
        ),
        "team": {"yann.mercier@exemple.fr": Role.Level.MANAGER},
    },
]


def _locate(row: dict) -> tuple[float | None, float | None, str]:
    place = geocode_address(row["address"], row["postcode"], row["city"]) or geocode_place(row["city"])
    if place is None:
        return None, None, GeocodeStatus.FAILED
    return place.lat, place.lon, GeocodeStatus.OK


def enterprise_upsert(row: dict, labels: dict[str, Label]) -> Enterprise:
    is_producer, sells = PRESET_DEFAULTS[row["model"]]
    lat, lon, status = _locate(row)
    enterprise, _created = Enterprise.objects.update_or_create(
        slug=row["slug"],
        defaults={
            "name": row["name"],
            "model": row["model"],
            "is_producer": is_producer,
            "sells": sells,
            "visibility": Visibility.PUBLIC,
            "trade": row["trade"],
            "short_description": row["short_description"],
            "description": row["description"],
            "legal_form": row["legal_form"],
            "vat_regime": row["vat_regime"],
            "email": row.get("email", ""),
            "address": row["address"],
            "postcode": row["postcode"],
            "city": row["city"],
            "lat": lat,
            "lon": lon,
            "geocode_status": status,
        },
    )
    enterprise.labels.set([labels[slug] for slug in row["labels"]])
    return enterprise
