"""URLs of the AMAP app's members import (see cabas/amap/urls.py)."""

from django.urls import path

from cabas.amap import views_import

manage: list = [  # mounted under /manage/, namespace "amap"
    path("<slug:slug>/amap/members/import/", views_import.member_import, name="member_import"),
    path(
        "<slug:slug>/amap/members/import/modele.csv",
        views_import.member_import_template,
        name="member_import_template",
    ),
]
public: list = []  # mounted under /, namespace "amap_member"
