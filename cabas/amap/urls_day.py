"""URLs of the AMAP app's day pages (see cabas/amap/urls.py): the distributions' sign-in sheets."""

from django.urls import path

from cabas.amap import views_day

BASE = "<slug:slug>/amap/distributions/"

manage: list = [  # mounted under /manage/, namespace "amap"
    path(f"{BASE}emargement/", views_day.sheets_list, name="sign_in_sheets"),
    path(f"{BASE}<uuid:distribution>/emargement/", views_day.sheet_page, name="sign_in_sheet"),
    path(f"{BASE}<uuid:distribution>/emargement/pdf/", views_day.sheet_pdf, name="sign_in_sheet_pdf"),
    path(
        f"{BASE}<uuid:distribution>/emargement/paniers/<int:basket>/remis/",
        views_day.basket_collected,
        name="basket_collected",
    ),
    path(f"{BASE}jour/<str:day>/emargement/pdf/", views_day.day_pdf, name="sign_in_sheets_day_pdf"),
]
public: list = []  # mounted under /, namespace "amap_member"
