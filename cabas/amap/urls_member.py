"""URLs of the AMAP app's member pages (see cabas/amap/urls.py)."""

manage: list = []  # mounted under /manage/, namespace "amap"
public: list = []  # mounted under /, namespace "amap_member"
