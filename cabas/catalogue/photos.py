"""Product photos: check an upload is a real image of an accepted kind, and make its thumbnail.

Only Pillow decides what an upload is (never its name or its declared content type). Thumbnails
are 400 px on their longest side, JPEG, with the orientation of the camera applied, so lists load
quickly on slow connections.
"""

import io
import os

from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cabas.catalogue.exceptions import InvalidPhoto

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG", "PNG", "WEBP"}
THUMBNAIL_SIZE = 400


def photo_check(upload) -> str:
    """Raise InvalidPhoto unless `upload` is a JPEG, PNG or WebP image of at most 5 MB.

    Returns the image format. The file is rewound afterwards so it can be saved.
    """
    if upload.size > MAX_BYTES:
        raise InvalidPhoto(_("Cette photo est trop lourde (5 Mo au plus). Réduisez-la et réessayez."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            fmt = image.format
            if image.width * image.height > MAX_PIXELS:
                raise InvalidPhoto(_("Cette photo est trop grande (50 mégapixels au plus)."))
            image.verify()
    except InvalidPhoto:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise InvalidPhoto(
            _("Ce fichier n'est pas une image lisible : utilisez une photo JPEG, PNG ou WebP.")
        )
    finally:
        upload.seek(0)
    if fmt not in FORMATS:
        raise InvalidPhoto(_("Format d'image non accepté : utilisez JPEG, PNG ou WebP."))
    return fmt


def thumbnail_make(upload, size: int = THUMBNAIL_SIZE) -> ContentFile:
    """A JPEG thumbnail of `upload`, at most `size` px wide and high (never enlarged)."""
    upload.seek(0)
    with Image.open(upload) as image:
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGB", image.size, (255, 255, 255))
            background.paste(image, mask=image.getchannel("A"))
            image = background
        elif image.mode != "RGB":
            image = image.convert("RGB")
        image.thumbnail((size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        image.save(buffer, format="JPEG", quality=82, optimize=True, progressive=True)
    upload.seek(0)
    base = os.path.splitext(os.path.basename(getattr(upload, "name", "") or "photo"))[0] or "photo"
    return ContentFile(buffer.getvalue(), name=f"{base}-{size}.jpg")
