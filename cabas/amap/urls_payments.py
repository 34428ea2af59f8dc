"""URLs of the AMAP app's payments pages (see cabas/amap/urls.py): « Règlements » (instalments,
hand-overs and their slips, balances) and « Adhésions » (memberships and their settings)."""

from django.urls import path

from cabas.amap import views_memberships, views_payments

P = "<slug:slug>/amap/"

manage: list = [  # mounted under /manage/, namespace "amap"
    path(P + "reglements/", views_payments.payments, name="payments"),
    path(P + "reglements/<slug:producer>/", views_payments.payments_producer, name="payments_producer"),
    path(P + "reglements/<slug:producer>/remise/", views_payments.hand_over, name="hand_over"),
    path(P + "echeances/<int:pk>/recu/", views_payments.instalment_receive_view, name="instalment_receive"),
    path(
        P + "echeances/<int:pk>/annuler-reception/",
        views_payments.instalment_unreceive_view,
        name="instalment_unreceive",
    ),
    path(P + "remises/<uuid:uuid>/", views_payments.handover, name="handover"),
    path(P + "remises/<uuid:uuid>/bordereau.pdf", views_payments.handover_pdf, name="handover_pdf"),
    path(P + "soldes/<uuid:uuid>/", views_payments.balances, name="balances"),
    path(P + "soldes/<uuid:uuid>/regularisation/", views_payments.regularise, name="regularise"),
    path(P + "adhesions/", views_memberships.memberships, name="memberships"),
    path(P + "adhesions/nouvelle/", views_memberships.membership_new, name="membership_new"),
    path(P + "adhesions/<int:pk>/reglee/", views_memberships.membership_paid, name="membership_paid"),
    path(P + "adhesions/reglages/", views_memberships.membership_settings, name="membership_settings"),
]
public: list = []  # mounted under /, namespace "amap_member"
