"""URLs of the AMAP app's contracts pages (see cabas/amap/urls.py): distributions, contracts,
subscriptions and members of an AMAP."""

from django.urls import path

from cabas.amap import views_contracts, views_distributions, views_members

P = "<slug:slug>/amap/"
D = P + "distributions/<uuid:distribution>/"
C = P + "contracts/<uuid:contract>/"

manage: list = [  # mounted under /manage/, namespace "amap"
    path(P + "distributions/", views_distributions.distribution_list, name="distributions"),
    path(
        P + "distributions/generate/",
        views_distributions.distribution_generate,
        name="distributions_generate",
    ),
    path(D, views_distributions.distribution_detail, name="distribution"),
    path(D + "cancel/", views_distributions.distribution_cancel_view, name="distribution_cancel"),
    path(D + "move/", views_distributions.distribution_move_view, name="distribution_move"),
    path(D + "postpone/", views_distributions.delivery_postpone_view, name="delivery_postpone"),
    path(P + "contracts/", views_contracts.contract_list, name="contracts"),
    path(P + "contracts/new/", views_contracts.contract_new, name="contract_new"),
    path(C, views_contracts.contract_detail, name="contract"),
    path(C + "edit/", views_contracts.contract_edit, name="contract_edit"),
    path(C + "publish/", views_contracts.contract_publish, name="contract_publish"),
    path(C + "products/", views_contracts.contract_product, name="contract_product"),
    path(C + "tiers/", views_contracts.contract_tier, name="contract_tier"),
    path(C + "subscribe/", views_contracts.contract_subscribe, name="contract_subscribe"),
    path(
        P + "subscriptions/<uuid:subscription>/promote/",
        views_contracts.subscription_promote,
        name="subscription_promote",
    ),
    path(P + "subscriptions/", views_members.subscription_list, name="subscriptions"),
    path(P + "members/", views_members.member_list, name="members"),
]
public: list = []  # mounted under /, namespace "amap_member"
