"""Turning French addresses and place names into coordinates.

`settings.GEOCODER` chooses the backend:
- "ban": the French national address API (Base Adresse Nationale). Short timeout; any failure
  returns None and the caller leaves the address un-geocoded and says so.
- "offline": deterministic, no network: a table of towns, then the centre of the département
  from the postcode; a small stable offset from the street keeps neighbours apart on the map.
"""

import hashlib
import logging
import math
import re
from dataclasses import dataclass

import httpx
from django.conf import settings
from django.core.cache import cache

from cabas.lib.text import fold

logger = logging.getLogger(__name__)

# Below this BAN relevance score the answer is a guess (another town, a street elsewhere).
MIN_SCORE = 0.4
# Places typed in search boxes are few and stable: remember the answers of the remote API.
PLACE_CACHE_SECONDS = 24 * 3600
_POSTCODE_RE = re.compile(r"\b(\d{5})\b")


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    label: str
    postcode: str = ""
    city: str = ""


# name, postcode, lat, lon — towns of the demo territory and the main French cities.
TOWNS: list[tuple[str, str, float, float]] = [
    ("Lyon", "69001", 45.7640, 4.8357),
    ("Lyon 1er Arrondissement", "69001", 45.7676, 4.8345),
    ("Lyon 2e Arrondissement", "69002", 45.7485, 4.8270),
    ("Lyon 3e Arrondissement", "69003", 45.7597, 4.8499),
    ("Lyon 4e Arrondissement", "69004", 45.7786, 4.8272),
    ("Lyon 5e Arrondissement", "69005", 45.7589, 4.8131),
    ("Lyon 6e Arrondissement", "69006", 45.7700, 4.8520),
    ("Lyon 7e Arrondissement", "69007", 45.7456, 4.8424),
    ("Lyon 8e Arrondissement", "69008", 45.7347, 4.8694),
    ("Lyon 9e Arrondissement", "69009", 45.7743, 4.8055),
    ("Villeurbanne", "69100", 45.7719, 4.8902),
    ("Vénissieux", "69200", 45.6975, 4.8867),
    ("Oullins", "69600", 45.7145, 4.8077),
    ("Tassin-la-Demi-Lune", "69160", 45.7636, 4.7804),
    ("Craponne", "69290", 45.7453, 4.7236),
    ("Brindas", "69126", 45.7203, 4.6939),
    ("Vaugneray", "69670", 45.7378, 4.6561),
    ("Yzeron", "69510", 45.7081, 4.5903),
    ("Thurins", "69510", 45.6817, 4.6406),
    ("Messimy", "69510", 45.6981, 4.6742),
    ("Mornant", "69440", 45.6189, 4.6719),
    ("Saint-Martin-en-Haut", "69850", 45.6597, 4.5617),
    ("Saint-Symphorien-sur-Coise", "69590", 45.6317, 4.4569),
    ("Chazelles-sur-Lyon", "42140", 45.6394, 4.3872),
    ("Sainte-Foy-l'Argentière", "69610", 45.7081, 4.4722),
    ("Duerne", "69850", 45.6842, 4.5300),
    ("Larajasse", "69590", 45.6136, 4.5036),
    ("Riverie", "69440", 45.5967, 4.5928),
    ("Saint-Laurent-de-Chamousset", "69930", 45.7389, 4.4636),
    ("L'Arbresle", "69210", 45.8356, 4.6172),
    ("Givors", "69700", 45.5906, 4.7689),
    ("Condrieu", "69420", 45.4631, 4.7669),
    ("Ampuis", "69420", 45.4894, 4.8100),
    ("Villefranche-sur-Saône", "69400", 45.9897, 4.7189),
    ("Saint-Étienne", "42000", 45.4397, 4.3872),
    ("Paris", "75001", 48.8566, 2.3522),
    ("Marseille", "13001", 43.2965, 5.3698),
    ("Toulouse", "31000", 43.6047, 1.4442),
    ("Nice", "06000", 43.7102, 7.2620),
    ("Nantes", "44000", 47.2184, -1.5536),
    ("Montpellier", "34000", 43.6108, 3.8767),
    ("Strasbourg", "67000", 48.5734, 7.7521),
    ("Bordeaux", "33000", 44.8378, -0.5792),
    ("Lille", "59000", 50.6292, 3.0573),
    ("Rennes", "35000", 48.1173, -1.6778),
    ("Grenoble", "38000", 45.1885, 5.7245),
    ("Dijon", "21000", 47.3220, 5.0415),
    ("Clermont-Ferrand", "63000", 45.7772, 3.0870),
    ("Tours", "37000", 47.3941, 0.6848),
    ("Limoges", "87000", 45.8336, 1.2611),
    ("Besançon", "25000", 47.2378, 6.0241),
    ("Rouen", "76000", 49.4432, 1.0999),
    ("Caen", "14000", 49.1829, -0.3707),
    ("Brest", "29200", 48.3904, -4.4861),
    ("Annecy", "74000", 45.8992, 6.1294),
    ("Valence", "26000", 44.9334, 4.8924),
]

_BY_NAME = {fold(name): (name, pc, lat, lon) for name, pc, lat, lon in TOWNS}
_BY_POSTCODE: dict[str, tuple[str, str, float, float]] = {}
for _row in TOWNS:
    _BY_POSTCODE.setdefault(_row[1], _row)

# Approximate centre of each metropolitan département, by the first two digits of the postcode
# (Corsica: 20).
DEPARTEMENTS: dict[str, tuple[float, float]] = {
    "01": (46.10, 5.35),
    "02": (49.56, 3.56),
    "03": (46.39, 3.19),
    "04": (44.10, 6.24),
    "05": (44.66, 6.26),
    "06": (43.94, 7.14),
    "07": (44.75, 4.42),
    "08": (49.62, 4.64),
    "09": (42.92, 1.50),
    "10": (48.30, 4.16),
    "11": (43.10, 2.41),
    "12": (44.28, 2.68),
    "13": (43.54, 5.09),
    "14": (49.10, -0.36),
    "15": (45.05, 2.67),
    "16": (45.72, 0.20),
    "17": (45.78, -0.67),
    "18": (47.06, 2.49),
    "19": (45.36, 1.88),
    "20": (42.15, 9.10),
    "21": (47.42, 4.77),
    "22": (48.44, -2.86),
    "23": (46.09, 2.02),
    "24": (45.10, 0.74),
    "25": (47.17, 6.36),
    "26": (44.68, 5.17),
    "27": (49.11, 1.00),
    "28": (48.39, 1.37),
    "29": (48.26, -4.06),
    "30": (43.99, 4.18),
    "31": (43.36, 1.17),
    "32": (43.69, 0.45),
    "33": (44.83, -0.58),
    "34": (43.58, 3.37),
    "35": (48.15, -1.64),
    "36": (46.78, 1.58),
    "37": (47.26, 0.69),
    "38": (45.26, 5.58),
    "39": (46.73, 5.70),
    "40": (43.97, -0.78),
    "41": (47.62, 1.43),
    "42": (45.73, 4.17),
    "43": (45.13, 3.81),
    "44": (47.35, -1.70),
    "45": (47.91, 2.35),
    "46": (44.62, 1.61),
    "47": (44.37, 0.46),
    "48": (44.52, 3.50),
    "49": (47.39, -0.56),
    "50": (49.08, -1.33),
    "51": (48.95, 4.24),
    "52": (48.11, 5.23),
    "53": (48.15, -0.66),
    "54": (48.79, 6.16),
    "55": (48.99, 5.38),
    "56": (47.85, -2.81),
    "57": (49.04, 6.66),
    "58": (47.12, 3.50),
    "59": (50.45, 3.22),
    "60": (49.41, 2.42),
    "61": (48.58, 0.13),
    "62": (50.49, 2.29),
    "63": (45.73, 3.14),
    "64": (43.26, -0.76),
    "65": (43.05, 0.16),
    "66": (42.60, 2.52),
    "67": (48.67, 7.55),
    "68": (47.86, 7.27),
    "69": (45.87, 4.64),
    "70": (47.64, 6.09),
    "71": (46.64, 4.54),
    "72": (47.99, 0.22),
    "73": (45.48, 6.44),
    "74": (46.03, 6.43),
    "75": (48.86, 2.35),
    "76": (49.66, 0.94),
    "77": (48.63, 2.93),
    "78": (48.81, 1.84),
    "79": (46.56, -0.32),
    "80": (49.96, 2.28),
    "81": (43.79, 2.17),
    "82": (44.09, 1.28),
    "83": (43.46, 6.22),
    "84": (44.01, 5.19),
    "85": (46.67, -1.30),
    "86": (46.56, 0.46),
    "87": (45.89, 1.24),
    "88": (48.19, 6.38),
    "89": (47.84, 3.56),
    "90": (47.63, 6.93),
    "91": (48.52, 2.24),
    "92": (48.84, 2.25),
    "93": (48.91, 2.48),
    "94": (48.78, 2.47),
    "95": (49.08, 2.13),
}


def _offset(seed: str, max_deg: float = 0.008) -> tuple[float, float]:
    """A stable pseudo-random offset (under ~1 km) derived from `seed`."""
    digest = hashlib.sha256(seed.encode()).digest()
    a = int.from_bytes(digest[:4], "big") / 2**32 - 0.5
    b = int.from_bytes(digest[4:8], "big") / 2**32 - 0.5
    return a * 2 * max_deg, b * 2 * max_deg


def _offline_place(query: str, postcode: str = "", city: str = "") -> Place | None:
    row = _BY_NAME.get(fold(city)) if city else None
    if row is not None and postcode and row[1] != postcode and postcode in _BY_POSTCODE:
        # "Lyon" + "69007": the arrondissement's postcode is more precise than the town name.
        row = _BY_POSTCODE[postcode]
    if row is None and query:
        row = _BY_NAME.get(fold(query))
    if row is None:
        code = (postcode or (query.strip() if query.strip().isdigit() else "")).strip()
        row = _BY_POSTCODE.get(code)
        if row is None and len(code) == 5 and code[:2] in DEPARTEMENTS:
            lat, lon = DEPARTEMENTS[code[:2]]
            return Place(lat=lat, lon=lon, label=city or code, postcode=code, city=city)
    if row is None:
        return None
    name, pc, lat, lon = row
    return Place(lat=lat, lon=lon, label=name, postcode=postcode or pc, city=city or name)


def _ban(params: dict) -> Place | None:
    """First result of the address API, or None: no result, low score, HTTP error, timeout or an
    answer that is not the expected GeoJSON all mean "not found" (never an exception)."""
    try:
        response = httpx.get(settings.GEOCODER_URL, params=params, timeout=settings.GEOCODER_TIMEOUT)
        response.raise_for_status()
        features = response.json().get("features") or []
        feature = features[0] if features else None
        if feature is None:
            return None
        lon, lat = (float(v) for v in feature["geometry"]["coordinates"][:2])
        props = feature.get("properties") or {}
        score = float(props.get("score", 1))
    except (httpx.HTTPError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        logger.warning("geocoding failed for %r: %s", params.get("q"), exc)
        return None
    if score < MIN_SCORE or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return Place(
        lat=lat,
        lon=lon,
        label=str(props.get("label") or params["q"]),
        postcode=str(props.get("postcode") or ""),
        city=str(props.get("city") or ""),
    )


def geocode_address(address: str, postcode: str, city: str) -> Place | None:
    """Coordinates of a postal address, or None when it cannot be found (or the service fails)."""
    if not (postcode or city):
        return None
    if settings.GEOCODER == "ban":
        q = " ".join(p for p in [address, postcode, city] if p)
        params = {"q": q, "limit": 1}
        if postcode:
            params["postcode"] = postcode
        return _ban(params)
    place = _offline_place("", postcode=postcode, city=city)
    if place is None:
        return None
    if address:
        dlat, dlon = _offset(fold(address + postcode + city))
        place = Place(place.lat + dlat, place.lon + dlon, place.label, place.postcode, place.city)
    return place


def geocode_place(query: str) -> Place | None:
    """Centre of a town or postcode typed in a search box ('Lyon', '69510', 'Saint-Martin-en-Haut',
    '69510 Yzeron'), or None when it cannot be found."""
    query = " ".join((query or "").split())[:100]
    if not query:
        return None
    if settings.GEOCODER == "ban":
        key = "geocode-place:" + hashlib.sha256(fold(query).encode()).hexdigest()
        place = cache.get(key)
        if place is None:
            place = _ban({"q": query, "type": "municipality", "limit": 1})
            if place is not None:  # failures are not remembered: the service may be back soon
                cache.set(key, place, PLACE_CACHE_SECONDS)
        return place
    place = _offline_place(query)
    if place is None:
        # "69510 Yzeron", "Yzeron, 69510": the town name first, then the postcode.
        match = _POSTCODE_RE.search(query)
        if match:
            town = " ".join((query[: match.start()] + " " + query[match.end() :]).replace(",", " ").split())
            place = _offline_place(town, postcode=match.group(1), city=town)
    return place
