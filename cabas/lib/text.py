"""Text helpers (Django-free)."""

import unicodedata


def fold(value: str) -> str:
    """Lower case without accents or extra spaces: 'Saint-Étienne ' -> 'saint-etienne'."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).lower().split())
