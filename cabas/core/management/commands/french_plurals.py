from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand

HEADER = (
    "French is the source language of Cabas: this catalogue only carries the French plural rule\n"
    "(0 is singular) for the strings that have a plural form."
)


class Command(BaseCommand):
    help = "Keep only the plural entries in the French catalogue, each translated to itself."

    def handle(self, *args, **options):
        path = Path(settings.LOCALE_PATHS[0]) / "fr" / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        po.header = HEADER
        po.metadata["Language"] = "fr"
        po.metadata["Plural-Forms"] = "nplurals=2; plural=(n > 1);"
        po.metadata_is_fuzzy = False
        for entry in list(po):
            if not entry.msgid_plural:
                po.remove(entry)
                continue
            entry.msgstr_plural = {0: entry.msgid, 1: entry.msgid_plural}
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = None
        po.save(str(path))
