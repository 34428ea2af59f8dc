"""The access matrix of the AMAP app's members import: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data)."""

from cabas.enterprises.models import ModelPreset


def amap(enterprise):
    """The enterprise as an AMAP (the import is for AMAPs only: others get 404)."""
    enterprise.model = ModelPreset.AMAP
    enterprise.save(update_fields=["model"])
    return {"slug": enterprise.slug}, {}


EXPECTED: dict = {
    "amap:member_import": ("manager", "GET", amap),
    "amap:member_import_template": ("manager", "GET", amap),
}
