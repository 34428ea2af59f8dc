"""The French names `cabas.fulfilment.scale` draws from: hubs, towns, producers by trade with the
products they make (by reference category slug), how each category is sold, and people's names.

Plain data, no logic: the seeded random generator of `scale` picks from these tuples in order, so
changing them changes what a given seed builds.
"""

# Hubs (they sell the products of others).
HUB_NAMES = (
    "La Halle des Collines",
    "Le Panier du Pilat",
    "Épicerie coopérative de la Croix-Rousse",
    "Drive fermier des Monts",
    "La Ruche de Villeurbanne",
    "Le Comptoir paysan",
    "Marché de producteurs du Forez",
    "Les Paniers de Bellecour",
    "Coop'Alpes",
    "Le Cabas du Vercors",
    "La Grange aux producteurs",
    "L'Épicerie du Beaujolais",
)

# (town, postcode, latitude, longitude)
TOWNS = (
    ("Lyon", "69004", 45.7740, 4.8270),
    ("Villeurbanne", "69100", 45.7667, 4.8803),
    ("Saint-Étienne", "42000", 45.4397, 4.3872),
    ("Grenoble", "38000", 45.1885, 5.7245),
    ("Valence", "26000", 44.9334, 4.8924),
    ("Roanne", "42300", 46.0333, 4.0667),
    ("Vienne", "38200", 45.5255, 4.8744),
    ("Bourg-en-Bresse", "01000", 46.2052, 5.2255),
    ("Chambéry", "73000", 45.5646, 5.9178),
    ("Annecy", "74000", 45.8992, 6.1294),
    ("Mâcon", "71000", 46.3069, 4.8287),
    ("Villefranche-sur-Saône", "69400", 45.9896, 4.7186),
)

STREETS = (
    "rue de la République",
    "place du Marché",
    "chemin des Vignes",
    "route de la Ferme",
    "rue Victor-Hugo",
    "avenue Jean-Jaurès",
    "rue des Tilleuls",
    "impasse du Moulin",
    "rue de la Gare",
    "allée des Platanes",
)

# Places a farm is named after ("Le Verger de Montrottier").
FARM_PLACES = (
    "Montrottier",
    "la Brévenne",
    "Chazelles",
    "Yzeron",
    "Riverie",
    "Duerne",
    "Thurins",
    "Pollionnay",
    "Larajasse",
    "Saint-Martin",
    "la Côte",
    "Haute-Rivoire",
    "Coise",
    "Grézieu",
    "Vaugneray",
    "Aveize",
)

# (trade, name prefixes, ((category slug, product names), ...))
TRADES = (
    (
        "Maraîchage bio",
        ("Les Jardins de", "Le Potager de", "Les Serres de"),
        (
            ("legumes-racines", ("Carottes", "Betteraves", "Panais", "Radis noir", "Navets")),
            ("pommes-de-terre", ("Pommes de terre Charlotte", "Pommes de terre Bintje")),
            ("salades", ("Laitue", "Batavia", "Mâche", "Roquette")),
            ("tomates", ("Tomates anciennes", "Tomates cerises", "Cœur de bœuf")),
            ("courges", ("Potimarron", "Butternut", "Courgettes")),
            ("choux", ("Chou kale", "Chou-fleur", "Brocoli", "Poireaux")),
            ("alliaces", ("Oignons jaunes", "Ail violet", "Échalotes")),
            ("aromates", ("Persil", "Basilic", "Ciboulette")),
        ),
    ),
    (
        "Arboriculture",
        ("Le Verger de", "Les Vergers de"),
        (
            ("pommes-poires", ("Pommes Golden", "Pommes Reinette", "Pommes Gala", "Poires Williams")),
            ("fruits-a-noyau", ("Abricots", "Cerises", "Pêches de vigne", "Prunes")),
            ("petits-fruits", ("Fraises", "Framboises", "Cassis", "Groseilles")),
            ("fruits-a-coque", ("Noix", "Noisettes")),
            ("jus", ("Jus de pomme", "Jus de poire", "Nectar d'abricot")),
            ("confitures", ("Confiture d'abricot", "Gelée de coing", "Compote de pommes")),
        ),
    ),
    (
        "Élevage caprin et fromagerie",
        ("La Chèvrerie de", "La Fromagerie de", "GAEC de"),
        (
            ("fromages-de-chevre", ("Picodon", "Crottin frais", "Bûchette cendrée", "Tomme de chèvre")),
            ("fromages-frais", ("Faisselle", "Fromage blanc", "Cervelle de canut")),
            ("fromages-affines", ("Tomme de la ferme", "Saint-Marcellin", "Bleu fermier", "Rigotte")),
            ("yaourts", ("Yaourt nature", "Yaourt à la vanille", "Yaourt aux fruits")),
            ("lait", ("Lait cru entier", "Lait demi-écrémé")),
            ("beurre-creme", ("Beurre doux", "Crème crue", "Beurre demi-sel")),
        ),
    ),
    (
        "Élevage bovin et porcin",
        ("La Ferme de", "L'Élevage de"),
        (
            ("boeuf", ("Colis de bœuf", "Steaks hachés", "Rôti de bœuf", "Bourguignon", "Entrecôte")),
            ("veau", ("Blanquette de veau", "Escalopes de veau", "Rôti de veau")),
            ("porc", ("Saucisses", "Côtes de porc", "Jambon blanc", "Saucisson sec", "Pâté de campagne")),
            ("agneau", ("Gigot d'agneau", "Côtelettes d'agneau", "Épaule d'agneau")),
            ("plats-cuisines", ("Terrine de campagne", "Rillettes")),
        ),
    ),
    (
        "Volailles et œufs",
        ("La Basse-cour de", "Les Volailles de"),
        (
            ("poulet", ("Poulet fermier", "Cuisses de poulet", "Filets de poulet", "Ailes de poulet")),
            ("volailles-festives", ("Pintade", "Canard", "Chapon", "Magret de canard")),
            ("oeufs", ("Œufs frais", "Œufs extra-frais", "Œufs de cane")),
            ("plats-cuisines", ("Terrine de volaille", "Rillettes de canard", "Foie de volaille")),
            ("conserves", ("Confit de canard", "Soupe de légumes")),
            ("pates", ("Pâtes aux œufs", "Tagliatelles")),
        ),
    ),
    (
        "Boulangerie paysanne",
        ("Le Fournil de", "La Boulangerie de"),
        (
            ("pains", ("Pain de campagne", "Pain complet", "Pain au seigle", "Pain aux noix", "Tourte")),
            ("viennoiseries", ("Brioche", "Tarte aux pralines", "Croissants", "Pain d'épices", "Sablés")),
            ("farines-cereales", ("Farine de blé T80", "Farine de seigle", "Flocons d'avoine", "Lentilles")),
            ("pates", ("Pâtes fraîches", "Coquillettes", "Fusilli")),
            ("epicerie-sucree", ("Granola", "Biscuits")),
        ),
    ),
    (
        "Apiculture",
        ("Le Rucher de", "Les Ruchers de"),
        (
            ("miels", ("Miel de fleurs", "Miel d'acacia", "Miel de châtaignier", "Miel de montagne")),
            ("confitures", ("Confiture de fraise", "Confiture de myrtille", "Confiture de cerise")),
            ("epicerie-sucree", ("Pain d'épices au miel", "Nougat", "Bonbons au miel", "Pollen")),
            ("hygiene", ("Savon au miel", "Baume à la cire", "Bougie en cire")),
            ("huiles", ("Huile de noix", "Huile de colza")),
        ),
    ),
    (
        "Viticulture",
        ("Le Domaine de", "Le Clos de"),
        (
            ("vins", ("Beaujolais", "Côtes-du-Rhône", "Viognier", "Gamay rosé", "Syrah", "Chardonnay")),
            ("cidres", ("Cidre brut", "Cidre doux", "Poiré")),
            ("bieres", ("Bière blonde", "Bière ambrée", "Bière blanche")),
            ("jus", ("Jus de raisin", "Pétillant de raisin")),
            ("raisins", ("Raisin de table",)),
        ),
    ),
)

# How a category is sold: (unit, quantities one variant may hold, producer price per kg, L or
# item in euros, item name).
SELLING = {
    "legumes-racines": ("kg", ("0.5", "1", "2"), "2.90", ""),
    "pommes-de-terre": ("kg", ("1", "2.5", "5"), "1.80", ""),
    "salades": ("item", ("1",), "1.40", ""),
    "tomates": ("kg", ("0.5", "1"), "4.50", ""),
    "courges": ("kg", ("1", "2"), "2.60", ""),
    "choux": ("item", ("1",), "2.20", ""),
    "alliaces": ("g", ("250", "500"), "6.00", ""),
    "aromates": ("item", ("1",), "1.20", "botte"),
    "pommes-poires": ("kg", ("1", "2", "5"), "2.80", ""),
    "fruits-a-noyau": ("g", ("500", "1000"), "5.50", ""),
    "petits-fruits": ("g", ("250", "500"), "14.00", ""),
    "fruits-a-coque": ("g", ("500", "1000"), "9.00", ""),
    "jus": ("cl", ("75", "100"), "3.80", ""),
    "confitures": ("g", ("250", "370"), "14.00", ""),
    "fromages-de-chevre": ("item", ("1", "3"), "2.80", ""),
    "fromages-frais": ("g", ("250", "500"), "8.00", ""),
    "fromages-affines": ("g", ("250", "500"), "22.00", ""),
    "yaourts": ("item", ("4", "12"), "0.60", "pots"),
    "lait": ("l", ("1",), "1.30", ""),
    "beurre-creme": ("g", ("125", "250"), "16.00", ""),
    "boeuf": ("kg", ("0.5", "1", "5"), "19.00", ""),
    "veau": ("kg", ("0.5", "1"), "24.00", ""),
    "porc": ("g", ("300", "500"), "15.00", ""),
    "agneau": ("kg", ("0.5", "1"), "23.00", ""),
    "plats-cuisines": ("g", ("180", "350"), "18.00", ""),
    "poulet": ("kg", ("0.5", "1.5"), "11.00", ""),
    "volailles-festives": ("kg", ("1", "2"), "15.00", ""),
    "oeufs": ("item", ("6", "12"), "0.42", "œufs"),
    "conserves": ("g", ("350", "750"), "9.00", ""),
    "pates": ("g", ("250", "500"), "7.50", ""),
    "pains": ("g", ("500", "1000"), "6.20", ""),
    "viennoiseries": ("item", ("1", "4"), "2.10", ""),
    "farines-cereales": ("kg", ("1", "5"), "2.40", ""),
    "epicerie-sucree": ("g", ("200", "400"), "16.00", ""),
    "miels": ("g", ("250", "500", "1000"), "16.00", ""),
    "hygiene": ("item", ("1",), "5.50", ""),
    "huiles": ("cl", ("50", "100"), "14.00", ""),
    "vins": ("cl", ("75",), "11.00", ""),
    "cidres": ("cl", ("75",), "5.20", ""),
    "bieres": ("cl", ("33", "75"), "7.50", ""),
    "raisins": ("kg", ("1",), "4.20", ""),
}

FIRST_NAMES = (
    "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Jeanne", "Louise", "Zoé", "Sarah",
    "Lucas", "Hugo", "Louis", "Gabriel", "Arthur", "Jules", "Nathan", "Paul", "Théo", "Yanis",
    "Marie", "Nathalie", "Isabelle", "Sophie", "Sylvie", "Pierre", "Jean", "Michel", "Philippe",
    "Alain", "Karim", "Fatima", "Amina", "Mehdi", "Nicolas", "Julien", "Céline", "Aurélie",
)  # fmt: skip

LAST_NAMES = (
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Müller", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier",
    "Perrin", "Benali", "Nguyen", "Da Silva", "Besson",
)  # fmt: skip
