"""URLs of the AMAP app's member pages (see cabas/amap/urls.py)."""

from django.urls import path

from cabas.amap import views_member, views_portal

manage: list = []  # mounted under /manage/, namespace "amap"
public: list = [  # mounted under /, namespace "amap_member"
    path("my/amap/", views_portal.portal, name="portal"),
    path("my/amap/paniers/<int:pk>/absence/", views_portal.basket_absence, name="basket_absence"),
    path(
        "my/amap/paniers/<int:pk>/absence/annuler/",
        views_portal.basket_absence_cancel,
        name="basket_absence_cancel",
    ),
    path("my/amap/paniers/<int:pk>/quantites/", views_portal.basket_quantities, name="basket_quantities"),
    path("my/amap/paniers/<int:pk>/recuperation/", views_portal.basket_collector, name="basket_collector"),
    path("my/amap/calendrier/nouvelle-adresse/", views_portal.feed_renew, name="feed_renew"),
    path("amap/calendrier/<str:token>.ics", views_portal.feed, name="feed"),
    path("<slug:slug>/contrats/", views_member.contracts_page, name="contracts"),
    path("<slug:slug>/contrats/<uuid:uuid>/", views_member.contract_page, name="contract"),
    path("<slug:slug>/contrats/<uuid:uuid>/contrat.pdf", views_member.contract_document, name="contract_pdf"),
    path("<slug:slug>/contrats/<uuid:uuid>/souscrire/", views_member.subscribe_page, name="subscribe"),
    path(
        "<slug:slug>/contrats/<uuid:uuid>/souscription/<uuid:subscription>/",
        views_member.subscribed_page,
        name="subscribed",
    ),
    path("<slug:slug>/adhesion/", views_member.membership_page, name="membership"),
]
