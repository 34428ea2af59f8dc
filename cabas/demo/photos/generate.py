"""Draw the illustrations of the demo products: one WebP picture per product, in this folder.

Run `python cabas/demo/photos/generate.py` to write them again; the drawing is deterministic (no
randomness, no fonts), so the same Pillow gives the same pictures. Each picture is a flat
illustration on a background coloured by aisle, with the subject kept inside the centre square so
that the square thumbnails of the shop show all of it.

Each entry of DRAWINGS is named after the product (its name, slugified, as in cabas/demo/catalogue.py):
(background, drawing function, and optionally how much to enlarge the subject).
"""

import math
import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

WIDTH, HEIGHT = 480, 360
SCALE = 3  # drawn larger, then reduced: smooth edges without an anti-aliasing library
QUALITY = 88
ZOOM = 1.3  # how much the subject is enlarged, unless its entry says otherwise
FOLDER = Path(__file__).resolve().parent

# Background (wall, table) by aisle
VEGETABLES = ((232, 240, 218), (196, 214, 170))
DAIRY = ((226, 236, 244), (190, 208, 224))
BAKERY = ((246, 232, 212), (214, 186, 150))
FRUIT = ((250, 236, 214), (222, 196, 160))
GROCERY = ((250, 242, 206), (222, 202, 140))
DRINKS = ((238, 226, 236), (204, 180, 200))
MEAT = ((244, 228, 220), (214, 186, 170))
HERBS = ((228, 238, 226), (186, 206, 180))


class Canvas:
    """A picture drawn in 480 × 360 coordinates on a SCALE times larger image."""

    def __init__(self, background, zoom=1.0):
        wall, table = background
        self.zoom = zoom
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), wall)
        self.draw = ImageDraw.Draw(self.image)
        horizon = 250
        for y in range(0, horizon):  # a soft light from above
            shade = 1 - 0.06 * (y / horizon)
            self.draw.line(
                [(0, y * SCALE), (WIDTH * SCALE, y * SCALE)],
                fill=_mix(wall, (0, 0, 0), 1 - shade),
                width=SCALE,
            )
        self.draw.rectangle([(0, horizon * SCALE), (WIDTH * SCALE, HEIGHT * SCALE)], fill=table)
        self.draw.rectangle(
            [(0, horizon * SCALE), (WIDTH * SCALE, (horizon + 3) * SCALE)], fill=_darker(table, 0.12)
        )

    def _xy(self, points):
        """Scaled coordinates; `zoom` enlarges the subject around the middle of the table."""
        cx, cy, z = WIDTH / 2, 290, self.zoom
        return [(round((cx + (x - cx) * z) * SCALE), round((cy + (y - cy) * z) * SCALE)) for x, y in points]

    def rect(self, x0, y0, x1, y1, fill, radius=0, outline=None, width=0):
        box = self._xy([(x0, y0), (x1, y1)])
        if radius:
            self.draw.rounded_rectangle(
                box,
                radius * SCALE * self.zoom,
                fill=fill,
                outline=outline,
                width=round(width * SCALE * self.zoom),
            )
        else:
            self.draw.rectangle(box, fill=fill, outline=outline, width=round(width * SCALE * self.zoom))

    def ellipse(self, cx, cy, rx, ry, fill, outline=None, width=0):
        self.draw.ellipse(
            self._xy([(cx - rx, cy - ry), (cx + rx, cy + ry)]),
            fill=fill,
            outline=outline,
            width=width * SCALE,
        )

    def circle(self, cx, cy, r, fill, outline=None, width=0):
        self.ellipse(cx, cy, r, r, fill, outline, width)

    def polygon(self, points, fill, outline=None, width=0):
        self.draw.polygon(
            self._xy(points), fill=fill, outline=outline, width=round(width * SCALE * self.zoom)
        )

    def line(self, points, fill, width):
        self.draw.line(self._xy(points), fill=fill, width=round(width * SCALE * self.zoom), joint="curve")

    def arc(self, cx, cy, rx, ry, start, end, fill, width):
        self.draw.arc(
            self._xy([(cx - rx, cy - ry), (cx + rx, cy + ry)]),
            start,
            end,
            fill=fill,
            width=round(width * SCALE * self.zoom),
        )

    def shadow(self, cx, cy, rx, ry=None):
        """A blurred shadow on the table under an object."""
        ry = ry or rx * 0.18
        layer = Image.new("L", self.image.size, 0)
        ImageDraw.Draw(layer).ellipse(self._xy([(cx - rx, cy - ry), (cx + rx, cy + ry)]), fill=90)
        layer = layer.filter(ImageFilter.GaussianBlur(6 * SCALE * self.zoom))
        self.image.paste((0, 0, 0), mask=layer)

    def save(self, path: Path):
        small = self.image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
        small.save(path, format="WEBP", quality=QUALITY, method=6)


def _mix(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _darker(colour, t=0.25):
    return _mix(colour, (0, 0, 0), t)


def _lighter(colour, t=0.35):
    return _mix(colour, (255, 255, 255), t)


# --- Shapes -----------------------------------------------------------------------------------


def leaf(c, x, y, length, angle, colour, width=None):
    """A pointed leaf from (x, y) towards `angle` (degrees, 0 = right, counter-clockwise up)."""
    a = math.radians(angle)
    dx, dy = math.cos(a), -math.sin(a)
    w = width or length * 0.32
    tip = (x + dx * length, y + dy * length)
    mid = (x + dx * length * 0.45, y + dy * length * 0.45)
    c.polygon([(x, y), (mid[0] - dy * w, mid[1] + dx * w), tip, (mid[0] + dy * w, mid[1] - dx * w)], colour)
    c.line([(x, y), tip], _darker(colour, 0.2), 1.5)


def tomato(c, x, y, r, colour):
    c.ellipse(x, y, r * 1.08, r, colour)
    c.ellipse(x - r * 0.35, y - r * 0.38, r * 0.28, r * 0.16, _lighter(colour, 0.45))
    for angle in range(90, 450, 72):
        leaf(c, x, y - r * 0.88, r * 0.42, angle - 36, (62, 128, 52), r * 0.1)


def apple(c, x, y, r, colour):
    c.circle(x - r * 0.28, y, r * 0.82, colour)
    c.circle(x + r * 0.28, y, r * 0.82, colour)
    c.ellipse(x, y + r * 0.1, r * 0.9, r * 0.86, colour)
    c.ellipse(x - r * 0.45, y - r * 0.3, r * 0.22, r * 0.14, _lighter(colour, 0.4))
    c.line([(x, y - r * 0.6), (x + r * 0.08, y - r * 1.05)], (96, 64, 36), r * 0.09)
    leaf(c, x + r * 0.08, y - r * 0.9, r * 0.55, 25, (88, 150, 60))


def bottle(c, x, base, height, glass, liquid=None, label=(244, 238, 222), cap=(120, 30, 40)):
    body_w, neck_w = height * 0.16, height * 0.055
    shoulder = base - height * 0.62
    c.rect(x - body_w, shoulder, x + body_w, base, glass, radius=body_w * 0.35)
    c.polygon(
        [
            (x - body_w, shoulder + 8),
            (x - neck_w, base - height * 0.8),
            (x + neck_w, base - height * 0.8),
            (x + body_w, shoulder + 8),
        ],
        glass,
    )
    c.rect(x - neck_w, base - height, x + neck_w, base - height * 0.78, glass)
    c.rect(x - neck_w - 1, base - height - 2, x + neck_w + 1, base - height * 0.92, cap, radius=2)
    if liquid:
        c.rect(x - body_w + 5, shoulder + 12, x + body_w - 5, base - 5, liquid, radius=body_w * 0.25)
    c.rect(x - body_w, base - height * 0.42, x + body_w, base - height * 0.14, label)
    c.rect(
        x - body_w * 0.7,
        shoulder + 6,
        x - body_w * 0.5,
        base - height * 0.46,
        _lighter(glass, 0.35),
        radius=3,
    )


def jar(c, x, base, w, h, honey, lid=(196, 60, 50)):
    c.rect(x - w, base - h, x + w, base, _lighter(honey, 0.1), radius=w * 0.3)
    c.rect(x - w + 6, base - h + 14, x + w - 6, base - 6, honey, radius=w * 0.25)
    c.rect(x - w * 0.55, base - h + 22, x - w * 0.4, base - 18, _lighter(honey, 0.45), radius=3)
    c.rect(x - w - 4, base - h - 22, x + w + 4, base - h + 2, lid, radius=6)
    for i in range(6):  # a gingham cloth over the lid
        c.rect(
            x - w - 4 + i * (2 * w + 8) / 6,
            base - h - 22,
            x - w - 4 + (i + 0.5) * (2 * w + 8) / 6,
            base - h + 2,
            _lighter(lid, 0.5),
        )
    c.rect(x - w * 0.55, base - h * 0.55, x + w * 0.55, base - h * 0.2, (250, 246, 232), radius=4)


def mushroom(c, x, y, r, cap, stem=(236, 226, 204)):
    c.rect(x - r * 0.28, y, x + r * 0.28, y + r * 1.1, stem, radius=r * 0.12)
    c.draw.pieslice(c._xy([(x - r, y - r * 0.8), (x + r, y + r * 0.8)]), 180, 360, fill=cap)
    c.ellipse(x, y, r, r * 0.14, _darker(cap, 0.15))
    c.ellipse(x - r * 0.35, y - r * 0.45, r * 0.2, r * 0.1, _lighter(cap, 0.3))


def oyster(c, x, y, r, colour, angle):
    a = math.radians(angle)
    c.line([(x, y), (x + math.cos(a) * r * 0.5, y - math.sin(a) * r * 0.5)], (236, 230, 214), r * 0.22)
    cx, cy = x + math.cos(a) * r * 0.8, y - math.sin(a) * r * 0.8
    c.ellipse(cx, cy, r * 0.75, r * 0.5, colour)
    for k in (-0.4, 0, 0.4):
        c.line(
            [
                (cx - r * 0.1, cy + r * 0.25),
                (cx + r * 0.55 * math.cos(a + k), cy - r * 0.4 * math.sin(a + k)),
            ],
            _darker(colour, 0.1),
            1.5,
        )


# --- The products -------------------------------------------------------------------------------


def tomates_anciennes(c):
    c.shadow(240, 285, 150)
    for x, y, r, colour in [
        (170, 240, 48, (206, 40, 32)),
        (310, 244, 46, (236, 176, 40)),
        (240, 262, 44, (120, 48, 44)),
        (205, 190, 40, (120, 170, 60)),
        (285, 190, 42, (220, 60, 36)),
    ]:
        tomato(c, x, y, r, colour)
    c.line([(190, 175), (220, 185)], (236, 244, 150), 5)  # the stripes of the green zebra
    c.line([(188, 196), (222, 204)], (236, 244, 150), 5)


def salade_batavia(c):
    c.shadow(240, 288, 130)
    greens = [(70, 130, 50), (96, 158, 60), (128, 184, 76), (168, 206, 100), (206, 228, 150)]
    for ring, colour in enumerate(greens):
        r = 120 - ring * 22
        for k in range(14):
            a = math.radians(k * 360 / 14 + ring * 12)
            c.circle(240 + math.cos(a) * r * 0.55, 200 + math.sin(a) * r * 0.42, r * 0.42, colour)
    c.circle(240, 200, 22, (226, 238, 180))


def poireaux(c):
    c.shadow(240, 288, 90)
    for x, angle in [(214, 104), (270, 76), (242, 90)]:  # a fan of three, the middle one in front
        a = math.radians(angle)
        dx, dy = math.cos(a), -math.sin(a)
        base = (x, 282)
        white = (x + dx * 90, 282 + dy * 90)
        pale = (x + dx * 120, 282 + dy * 120)
        for k in (-8, -3, 3, 8):  # roots
            c.line([(x + k, 284), (x + k * 1.6, 296)], (214, 204, 180), 2)
        c.line([base, white], (244, 244, 232), 26)
        c.line([white, pale], (190, 214, 150), 26)
        leaf(c, *pale, 105, angle + 16, (62, 120, 70), 9)
        leaf(c, *pale, 100, angle - 14, (82, 140, 80), 9)
        leaf(c, *pale, 110, angle, (72, 132, 76), 9)
    c.line([(206, 262), (278, 262)], (196, 70, 60), 6)  # the string of the bunch


def courge_butternut(c):
    c.shadow(240, 290, 120)
    skin = (232, 170, 90)
    c.polygon([(205, 140), (275, 140), (290, 210), (190, 210)], skin)
    c.ellipse(240, 140, 36, 22, skin)
    c.ellipse(240, 230, 78, 62, skin)
    c.ellipse(210, 200, 14, 34, _lighter(skin, 0.3))
    c.rect(234, 98, 246, 124, (120, 110, 60), radius=4)
    c.arc(240, 230, 60, 50, 20, 160, _darker(skin, 0.1), 2)


def panier_de_saison(c):
    c.shadow(240, 300, 160)
    tomato(c, 190, 160, 36, (210, 44, 34))
    c.polygon([(255, 200), (300, 90), (318, 96), (280, 200)], (238, 130, 40))  # carrot
    leaf(c, 310, 92, 40, 80, (70, 140, 60), 8)
    leaf(c, 310, 92, 36, 110, (90, 160, 70), 8)
    c.circle(250, 170, 30, (96, 158, 60))
    c.circle(230, 180, 26, (128, 184, 76))
    c.ellipse(300, 185, 30, 20, (110, 60, 120))  # an aubergine
    brown = (168, 112, 60)
    c.polygon([(130, 190), (350, 190), (320, 292), (160, 292)], brown)
    for k in range(4):
        y = 205 + k * 22
        c.line([(134 + k * 8, y), (346 - k * 8, y)], _darker(brown, 0.18), 3)
    for k in range(8):
        x = 150 + k * 26
        c.line([(x, 192), (x + (240 - x) * 0.08, 290)], _lighter(brown, 0.2), 2)
    c.arc(240, 190, 110, 90, 180, 360, _darker(brown, 0.1), 7)


def picodon_frais(c):
    c.shadow(240, 290, 150)
    c.ellipse(240, 268, 150, 30, (150, 110, 70))  # a wooden board
    for x, y in [(180, 240), (300, 240), (240, 222)]:
        c.rect(x - 38, y - 10, x + 38, y + 22, (240, 236, 222), radius=10)
        c.ellipse(x, y + 22, 38, 10, (232, 226, 208))
        c.ellipse(x, y - 10, 38, 12, (252, 250, 242))


def tomme_de_chevre(c):
    c.shadow(245, 288, 130)
    rind, paste = (150, 146, 132), (246, 236, 206)
    c.polygon([(320, 276), (320, 170), (360, 150), (360, 256)], rind)  # the back, in its rind
    c.polygon([(130, 276), (320, 170), (360, 150), (170, 256)], _lighter(paste, 0.3))  # the cut on top
    c.polygon([(130, 276), (320, 276), (320, 170)], paste)  # the cut in front
    c.line([(320, 276), (320, 170)], rind, 8)
    for x, y, r in [(250, 250, 7), (290, 226, 6), (300, 258, 5), (205, 262, 5)]:
        c.circle(x, y, r, _darker(paste, 0.08))


def yaourt_de_chevre_nature(c):
    c.shadow(240, 290, 120)
    for x in (190, 290):
        c.polygon([(x - 40, 170), (x + 40, 170), (x + 32, 284), (x - 32, 284)], (250, 250, 246))
        c.rect(x - 44, 160, x + 44, 174, (120, 170, 200), radius=5)
        c.rect(x - 32, 200, x + 32, 240, (210, 228, 240), radius=4)
        c.circle(x, 220, 12, (250, 250, 246))


def pain_de_campagne_au_levain(c):
    c.shadow(240, 292, 150)
    crust = (176, 110, 52)
    c.ellipse(240, 230, 140, 72, crust)
    c.ellipse(240, 222, 128, 58, _lighter(crust, 0.15))
    for k in range(-2, 3):
        c.line([(240 + k * 44 - 24, 200), (240 + k * 44 + 16, 246)], (236, 210, 160), 7)
    c.ellipse(200, 196, 40, 10, _lighter(crust, 0.3))


def brioche(c):
    c.shadow(240, 292, 130)
    gold = (214, 140, 50)
    for k in range(8):  # the fluted sides
        a = math.radians(k * 45)
        c.circle(240 + math.cos(a) * 70, 240 + math.sin(a) * 28, 42, gold)
    c.ellipse(240, 230, 100, 50, _lighter(gold, 0.1))
    c.circle(240, 178, 42, gold)
    c.ellipse(226, 164, 16, 9, _lighter(gold, 0.4))
    c.ellipse(210, 218, 26, 10, _lighter(gold, 0.35))


def pommes_reine_des_reinettes(c):
    c.shadow(240, 290, 150)
    apple(c, 180, 236, 52, (214, 120, 40))
    apple(c, 300, 236, 52, (200, 70, 40))
    apple(c, 240, 172, 48, (224, 160, 50))


def jus_de_pomme(c):
    c.shadow(240, 292, 110)
    bottle(c, 220, 286, 210, (214, 222, 214), liquid=(218, 146, 40), cap=(70, 120, 60))
    apple(c, 318, 256, 34, (200, 60, 40))


def miel_de_chataignier(c):
    c.shadow(240, 292, 100)
    jar(c, 240, 286, 62, 150, (150, 80, 20))
    leaf(c, 320, 286, 60, 40, (80, 120, 50), 14)


def miel_toutes_fleurs(c):
    c.shadow(240, 292, 100)
    jar(c, 240, 286, 62, 150, (236, 176, 40), lid=(60, 110, 170))
    for x, y in [(340, 250), (140, 262)]:
        for k in range(5):
            a = math.radians(k * 72)
            c.circle(x + math.cos(a) * 11, y + math.sin(a) * 11, 9, (250, 250, 250))
        c.circle(x, y, 7, (240, 190, 40))


def coteaux_du_lyonnais_rouge(c):
    c.shadow(240, 292, 90)
    bottle(c, 230, 288, 240, (40, 60, 40), liquid=(110, 20, 40), label=(240, 232, 210))
    c.polygon([(300, 200), (350, 200), (340, 240), (310, 240)], (230, 236, 240))  # a glass
    c.polygon([(305, 220), (345, 220), (340, 240), (310, 240)], (140, 24, 46))
    c.rect(323, 240, 327, 282, (230, 236, 240))
    c.ellipse(325, 284, 18, 4, (230, 236, 240))


def coteaux_du_lyonnais_blanc(c):
    c.shadow(240, 292, 90)
    bottle(
        c, 230, 288, 240, (150, 170, 100), liquid=(226, 214, 130), label=(250, 246, 232), cap=(200, 170, 70)
    )
    c.polygon([(300, 200), (350, 200), (340, 240), (310, 240)], (236, 240, 244))
    c.polygon([(305, 220), (345, 220), (340, 240), (310, 240)], (236, 220, 140))
    c.rect(323, 240, 327, 282, (236, 240, 244))
    c.ellipse(325, 284, 18, 4, (236, 240, 244))


def poulet_fermier(c):
    c.shadow(240, 292, 110)
    feathers = (168, 96, 50)
    c.polygon([(300, 160), (350, 110), (344, 200)], _darker(feathers, 0.2))  # tail
    c.ellipse(250, 220, 90, 62, feathers)
    c.ellipse(262, 226, 50, 30, _darker(feathers, 0.15))  # wing
    c.circle(172, 160, 34, feathers)
    c.polygon([(140, 156), (122, 166), (142, 172)], (240, 180, 40))  # beak
    for k in range(3):
        c.circle(160 + k * 12, 126, 10, (210, 40, 40))  # comb
    c.ellipse(146, 180, 7, 11, (210, 40, 40))
    c.circle(164, 152, 5, (30, 20, 10))
    for x in (230, 270):
        c.line([(x, 276), (x, 296)], (230, 170, 40), 5)


def oeufs_de_plein_air(c):
    c.shadow(240, 296, 160)
    box = (196, 180, 150)
    c.rect(110, 214, 370, 290, box, radius=10)
    for k in range(6):
        x = 140 + k * 40
        c.ellipse(x, 214, 20, 8, _darker(box, 0.15))
    for k, shell in enumerate(
        [(236, 200, 160), (246, 232, 210), (224, 180, 140), (240, 216, 180), (250, 242, 226), (230, 196, 156)]
    ):
        x = 140 + k * 40
        c.ellipse(x, 184, 19, 28, shell)
        c.ellipse(x - 6, 172, 5, 8, _lighter(shell, 0.5))


def pleurotes(c):
    c.shadow(240, 290, 130)
    c.ellipse(240, 272, 40, 20, (214, 204, 180))
    for angle, r, colour in [
        (150, 62, (170, 170, 164)),
        (30, 62, (186, 184, 176)),
        (110, 58, (150, 150, 146)),
        (70, 58, (200, 198, 190)),
        (90, 48, (176, 174, 168)),
    ]:
        oyster(c, 240, 262, r, colour, angle)


def shiitakes(c):
    c.shadow(240, 292, 140)
    mushroom(c, 180, 236, 56, (122, 74, 44))
    mushroom(c, 300, 232, 60, (140, 86, 50))
    mushroom(c, 240, 196, 48, (106, 64, 38))


def biere_blonde(c):
    c.shadow(240, 292, 110)
    bottle(c, 200, 288, 220, (120, 70, 30), liquid=(150, 90, 30), label=(240, 226, 180), cap=(200, 160, 50))
    c.polygon([(270, 170), (340, 170), (332, 286), (278, 286)], (240, 190, 60))  # a glass of beer
    c.rect(266, 150, 344, 178, (252, 250, 240), radius=12)
    c.rect(284, 190, 292, 270, (250, 220, 120), radius=3)


def tisane_du_soir(c):
    c.shadow(240, 294, 130)
    c.ellipse(240, 284, 110, 16, (240, 240, 236))  # saucer
    c.draw.pieslice(c._xy([(160, 160), (320, 300)]), 0, 180, fill=(246, 246, 242))
    c.rect(160, 200, 320, 232, (246, 246, 242))
    c.ellipse(240, 200, 80, 14, (196, 150, 60))
    c.arc(330, 236, 24, 24, 270, 90, (246, 246, 242), 8)
    for k in range(3):
        x = 210 + k * 30
        c.arc(x, 160, 10, 20, 90, 270, (255, 255, 255), 3)
        c.arc(x, 120, 10, 20, 270, 90, (255, 255, 255), 3)
    leaf(c, 110, 270, 50, 30, (90, 150, 80), 14)
    leaf(c, 120, 276, 46, 70, (110, 170, 90), 12)


DRAWINGS = {
    "tomates-anciennes": (VEGETABLES, tomates_anciennes),
    "salade-batavia": (VEGETABLES, salade_batavia),
    "poireaux": (VEGETABLES, poireaux, 1.1),
    "courge-butternut": (VEGETABLES, courge_butternut),
    "panier-de-saison": (VEGETABLES, panier_de_saison, 1.15),
    "picodon-frais": (DAIRY, picodon_frais, 1.45),
    "tomme-de-chevre": (DAIRY, tomme_de_chevre),
    "yaourt-de-chevre-nature": (DAIRY, yaourt_de_chevre_nature),
    "pain-de-campagne-au-levain": (BAKERY, pain_de_campagne_au_levain),
    "brioche": (BAKERY, brioche),
    "pommes-reine-des-reinettes": (FRUIT, pommes_reine_des_reinettes),
    "jus-de-pomme": (DRINKS, jus_de_pomme, 1.0),
    "miel-de-chataignier": (GROCERY, miel_de_chataignier, 1.15),
    "miel-toutes-fleurs": (GROCERY, miel_toutes_fleurs, 1.15),
    "coteaux-du-lyonnais-rouge": (DRINKS, coteaux_du_lyonnais_rouge, 1.0),
    "coteaux-du-lyonnais-blanc": (DRINKS, coteaux_du_lyonnais_blanc, 1.0),
    "poulet-fermier": (MEAT, poulet_fermier, 1.2),
    "oeufs-de-plein-air": (MEAT, oeufs_de_plein_air),
    "pleurotes": (VEGETABLES, pleurotes, 1.6),
    "shiitakes": (VEGETABLES, shiitakes),
    "biere-blonde": (DRINKS, biere_blonde, 1.0),
    "tisane-du-soir": (HERBS, tisane_du_soir, 1.15),
}


def photos_generate(folder: Path = FOLDER, names=None) -> list[Path]:
    """Draw the pictures named (all by default) into `folder`; returns the files written."""
    written = []
    for name in names or DRAWINGS:
        background, draw, *zoom = DRAWINGS[name]
        zoom = zoom[0] if zoom else ZOOM
        canvas = Canvas(background, zoom)
        draw(canvas)
        path = folder / f"{name}.webp"
        canvas.save(path)
        written.append(path)
    return written


if __name__ == "__main__":
    for path in photos_generate(names=sys.argv[1:] or None):
        print(f"{path.name}: {path.stat().st_size // 1024} Ko")
