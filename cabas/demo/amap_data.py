"""The data of the AMAP de la Guillotière's demo season (built by cabas/demo/amap.py): its pickup
point and settings, its members, its three contracts and who subscribes to what."""

import datetime
from decimal import Decimal

from cabas.amap.models import Contract
from cabas.cycles.models import ShippingMethod

D = Decimal
AMAP = "amap-de-la-guillotiere"
OWNER = "sophie@amap-guillotiere.fr"
VOLUNTEER = "lucie.benevole@exemple.fr"
WEEKS_BEFORE, WEEKS = 4, 20  # the season starts four Tuesdays ago and lasts twenty weeks
STARTS_AT, ENDS_AT = datetime.time(18, 30), datetime.time(19, 45)

PLACE = {
    "kind": ShippingMethod.Kind.PICKUP,
    "name": "Salle de la Guillotière",
    "address": "14 rue de la Madeleine",
    "postcode": "69007",
    "city": "Lyon",
    "weekday": 1,
    "opens_at": STARTS_AT,
    "closes_at": ENDS_AT,
    "instructions": "Salle du rez-de-chaussée, au fond de la cour ; apportez vos sacs et vos boîtes à œufs.",
}
SETTINGS = {
    "membership_required": True,
    "membership_minimum": D("10.00"),
    "membership_suggested": D("20.00"),
    "membership_payee": "AMAP de la Guillotière",
}

# Members: email → (first name, last name, household, membership: how it was paid, "" if unpaid).
# Those with an account are in people.USERS.
MEMBERS: dict[str, tuple[str, str, str, str]] = {
    "camille.amapienne@exemple.fr": ("Camille", "Roux", "Roux", "cheque"),
    "lucie.benevole@exemple.fr": ("Lucie", "Bonnet", "Bonnet", "cheque"),
    "nicolas.garcia@exemple.fr": ("Nicolas", "Garcia", "Garcia", "transfer"),
    "martine.crozier@exemple.fr": ("Martine", "Crozier", "Crozier", "cheque"),
    "julie.morel@exemple.fr": ("Julie", "Morel", "Morel-Vidal", "cheque"),
    "antoine.lefebvre@exemple.fr": ("Antoine", "Lefebvre", "Lefebvre", "cash"),
    "fatou.diallo@exemple.fr": ("Fatou", "Diallo", "Diallo", "cash"),
    "paul.girard@exemple.fr": ("Paul", "Girard", "Girard", "transfer"),
    "lea.fontaine@exemple.fr": ("Léa", "Fontaine", "Fontaine", "cheque"),
    "hugo.perret@exemple.fr": ("Hugo", "Perret", "Perret", "cheque"),
    "sarah.cohen@exemple.fr": ("Sarah", "Cohen", "Cohen", "transfer"),
    "nathalie.dupuis@exemple.fr": ("Nathalie", "Dupuis", "Dupuis", "cheque"),
    "mehdi.saidi@exemple.fr": ("Mehdi", "Saïdi", "Saïdi", "cheque"),
    "bernard.gauthier@exemple.fr": ("Bernard", "Gauthier", "Gauthier", "cheque"),
    "chantal.michaud@exemple.fr": ("Chantal", "Michaud", "Michaud", ""),
    "vincent.robin@exemple.fr": ("Vincent", "Robin", "Robin", "cheque"),
    "amandine.garnier@exemple.fr": ("Amandine", "Garnier", "Garnier", "cash"),
    "francois.bertrand@exemple.fr": ("François", "Bertrand", "Bertrand", "cheque"),
    "ophelie.masson@exemple.fr": ("Ophélie", "Masson", "Masson", "transfer"),
    "theo.lambert@exemple.fr": ("Théo", "Lambert", "Lambert", ""),
    "gisele.perrot@exemple.fr": ("Gisèle", "Perrot", "Perrot", "cheque"),
    "samir.khelifi@exemple.fr": ("Samir", "Khelifi", "Khelifi", ""),
    "emma.rolland@exemple.fr": ("Emma", "Rolland", "Rolland", "cheque"),
    "jean.barbier@exemple.fr": ("Jean", "Barbier", "Barbier", "cheque"),
    "odile.chevalier@exemple.fr": ("Odile", "Chevalier", "Chevalier", "cheque"),
}
LATE = "sarah.cohen@exemple.fr"  # subscribes herself, from the next distribution

COMMON = {
    "absence_deadline_days": 3,
    "published": True,
    "order_closes_days_before": 2,
}
CONTRACTS = {
    "vegetables": {
        "producer": "ferme-des-collines",
        "name": "Légumes",
        "kind": Contract.Kind.FIXED,
        "description": (
            "Un panier de légumes bio de saison chaque mardi, cultivés à Yzeron par Claire Perrin. "
            "Grand panier pour une famille, petit panier pour une ou deux personnes."
        ),
        "terms": (
            "La productrice s'engage à livrer chaque semaine un panier de légumes de sa ferme, "
            "cultivés en agriculture biologique. L'adhérent s'engage pour la saison, partage les aléas "
            "de la production et assure deux permanences. Un panier non retiré va au panier solidaire."
        ),
        "absence_quota": 4,
        "absence_policy": Contract.AbsencePolicy.SOLIDARITY,
        "payee": "Ferme des Collines",
        "max_instalments": 10,
        "solidarity_donation": D("1.00"),
        "products": [
            ("Panier de saison", "Grand panier", D("18.00")),
            ("Panier de saison", "Petit panier", D("12.00")),
        ],
    },
    "eggs": {
        "producer": "volailles-de-la-coise",
        "name": "Œufs",
        "kind": Contract.Kind.VARIABLE,
        "description": (
            "Des œufs de plein air de Saint-Symphorien-sur-Coise, une semaine sur deux : choisissez "
            "vos boîtes jusqu'au samedi qui précède la distribution."
        ),
        "terms": (
            "Commande libre à chaque distribution, au moins une boîte de six œufs, et 27 € sur la "
            "saison. Un panier d'absent est reporté à la distribution suivante."
        ),
        "absence_quota": 2,
        "absence_policy": Contract.AbsencePolicy.MOVED,
        "payee": "EARL Volailles de la Coise",
        "max_instalments": 3,
        "minimum_per_distribution": D("2.70"),
        "minimum_per_season": D("27.00"),
        "products": [("Œufs de plein air", "Boîte", D("2.70")), ("Œufs de plein air", "Plateau", D("12.50"))],
    },
    "bread": {
        "producer": "fournil-de-la-combe",
        "name": "Pain",
        "kind": Contract.Kind.FIXED,
        "description": "Un pain au levain cuit au feu de bois le mardi matin, chaque semaine.",
        "terms": (
            "Le boulanger livre chaque mardi le pain choisi pour la saison. Douze paniers au plus : "
            "le four n'en cuit pas davantage. Un pain d'absent n'est ni cuit ni payé."
        ),
        "capacity": 12,
        "absence_quota": 3,
        "absence_policy": Contract.AbsencePolicy.SKIPPED,
        "payee": "Le Fournil de la Combe",
        "max_instalments": 10,
        "products": [
            ("Pain de campagne au levain", "", D("6.20")),
            ("Pain de campagne au levain", "Demi", D("3.20")),
        ],
    },
}
# Vegetables: (email, basket, cheques, solidarity tier, donation per distribution, sharing with).
VEGETABLES = [
    ("camille.amapienne@exemple.fr", "Grand panier", 10, False, D("0"), None),
    ("lucie.benevole@exemple.fr", "Petit panier", 3, False, D("0"), None),
    ("nicolas.garcia@exemple.fr", "Grand panier", 1, False, D("0"), None),
    ("martine.crozier@exemple.fr", "Petit panier", 1, False, D("1.00"), None),
    ("julie.morel@exemple.fr", "Grand panier", 3, False, D("0"), None),
    ("antoine.lefebvre@exemple.fr", "Petit panier", 10, False, D("0"), None),
    ("fatou.diallo@exemple.fr", "Grand panier", 10, True, D("0"), None),
    ("paul.girard@exemple.fr", "Petit panier", 3, False, D("1.00"), None),
    ("lea.fontaine@exemple.fr", "Grand panier", 3, False, D("0"), "hugo.perret@exemple.fr"),
    ("nathalie.dupuis@exemple.fr", "Petit panier", 1, False, D("0"), "mehdi.saidi@exemple.fr"),
    ("bernard.gauthier@exemple.fr", "Grand panier", 1, False, D("0"), None),
    ("chantal.michaud@exemple.fr", "Petit panier", 10, False, D("0"), None),
    ("vincent.robin@exemple.fr", "Grand panier", 3, False, D("2.00"), None),
    ("amandine.garnier@exemple.fr", "Petit panier", 10, True, D("0"), None),
    ("francois.bertrand@exemple.fr", "Grand panier", 1, False, D("0"), None),
    ("ophelie.masson@exemple.fr", "Petit panier", 3, False, D("0"), None),
    ("theo.lambert@exemple.fr", "Petit panier", 1, False, D("0"), None),
    ("gisele.perrot@exemple.fr", "Grand panier", 10, False, D("0"), None),
    ("samir.khelifi@exemple.fr", "Petit panier", 3, True, D("0"), None),
    ("emma.rolland@exemple.fr", "Grand panier", 1, False, D("0"), None),
    ("jean.barbier@exemple.fr", "Petit panier", 3, False, D("0"), None),
]
# Eggs: (email, boxes of 6, trays of 30, cheques).
EGGS = [
    ("camille.amapienne@exemple.fr", 2, 0, 3),
    ("nicolas.garcia@exemple.fr", 1, 0, 1),
    ("lucie.benevole@exemple.fr", 1, 0, 3),
    ("julie.morel@exemple.fr", 0, 1, 3),
    ("bernard.gauthier@exemple.fr", 2, 0, 1),
    ("gisele.perrot@exemple.fr", 1, 0, 1),
    ("odile.chevalier@exemple.fr", 1, 0, 1),
    ("paul.girard@exemple.fr", 1, 0, 1),
    ("vincent.robin@exemple.fr", 1, 0, 3),
]
# Bread: (email, loaf — "" the 1 kg one, "Demi" —, cheques). Twelve places; the last ones wait.
BREAD = [
    ("camille.amapienne@exemple.fr", "", 10),
    ("lucie.benevole@exemple.fr", "Demi", 3),
    ("nicolas.garcia@exemple.fr", "", 1),
    ("martine.crozier@exemple.fr", "Demi", 1),
    ("antoine.lefebvre@exemple.fr", "", 10),
    ("paul.girard@exemple.fr", "Demi", 3),
    ("odile.chevalier@exemple.fr", "", 3),
    ("emma.rolland@exemple.fr", "Demi", 1),
    ("francois.bertrand@exemple.fr", "", 1),
    ("ophelie.masson@exemple.fr", "Demi", 3),
    ("theo.lambert@exemple.fr", "Demi", 1),
    ("jean.barbier@exemple.fr", "", 10),
    ("gisele.perrot@exemple.fr", "", 1),  # waiting list
    ("vincent.robin@exemple.fr", "Demi", 1),  # waiting list
]
# Cheques the members have not brought yet (the others were received at the first distribution).
NOT_BROUGHT = {"chantal.michaud@exemple.fr", "theo.lambert@exemple.fr", "jean.barbier@exemple.fr"}
REFERENTS = {
    "vegetables": "martine.crozier@exemple.fr",
    "eggs": VOLUNTEER,
    "bread": "antoine.lefebvre@exemple.fr",
}
BANKS = ["Crédit Mutuel", "La Banque Postale", "Crédit Agricole Centre-Est", "Société Générale", "LCL"]
SHIFT_ROLES = [
    ("Installation et rangement", datetime.time(18, 0), datetime.time(20, 0), 1, 2),
    ("Accueil et émargement", datetime.time(18, 30), datetime.time(19, 45), 2, 2),
]
