"""The access matrix of the AMAP app's shifts pages: URL name → (minimum role, method, builder), as
in test_access_matrix.EXPECTED (a builder takes the enterprise and returns the URL kwargs and the
POST data)."""

EXPECTED: dict = {}
