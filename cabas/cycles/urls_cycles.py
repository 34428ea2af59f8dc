"""Back-office order cycles of a coordinator, and the price approvals of producers and referents."""

from django.urls import path

from cabas.cycles import views_cycle_offer, views_cycle_participants, views_cycle_prices, views_cycles

urlpatterns = [
    path("<slug:slug>/cycles/", views_cycles.cycle_list, name="list"),
    path("<slug:slug>/cycles/new/", views_cycles.cycle_new, name="new"),
    path(
        "<slug:slug>/cycles/price-approval/",
        views_cycles.price_approval_setting,
        name="price_approval_setting",
    ),
    path("<slug:slug>/cycles/approvals/", views_cycle_prices.approvals, name="approvals"),
    path("<slug:slug>/cycles/approvals/<uuid:cycle>/", views_cycle_prices.approval, name="approval"),
    path(
        "<slug:slug>/cycles/schedules/<uuid:schedule>/stop/", views_cycles.schedule_stop, name="schedule_stop"
    ),
    path("<slug:slug>/cycles/<uuid:cycle>/", views_cycles.cycle_edit, name="edit"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/suppliers/",
        views_cycle_participants.cycle_suppliers,
        name="suppliers",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/suppliers/<slug:supplier>/fees/",
        views_cycle_participants.cycle_supplier_fees,
        name="supplier_fees",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/suppliers/<slug:supplier>/remove/",
        views_cycle_participants.cycle_supplier_remove,
        name="supplier_remove",
    ),
    path("<slug:slug>/cycles/<uuid:cycle>/products/", views_cycle_offer.cycle_variants, name="variants"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/products/bulk/",
        views_cycle_offer.cycle_variants_bulk,
        name="variants_bulk",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/distributors/",
        views_cycle_participants.cycle_distributors,
        name="distributors",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/distributors/<slug:distributor>/",
        views_cycle_participants.cycle_distributor,
        name="distributor",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/distributors/<slug:distributor>/remove/",
        views_cycle_participants.cycle_distributor_remove,
        name="distributor_remove",
    ),
    path("<slug:slug>/cycles/<uuid:cycle>/clone/", views_cycles.cycle_clone, name="clone"),
    path("<slug:slug>/cycles/<uuid:cycle>/schedule/", views_cycles.cycle_schedule, name="schedule"),
    path("<slug:slug>/cycles/<uuid:cycle>/delete/", views_cycles.cycle_delete, name="delete"),
    path("<slug:slug>/cycles/<uuid:cycle>/prices/", views_cycle_prices.cycle_prices, name="prices"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/prices/submit/",
        views_cycle_prices.cycle_prices_submit,
        name="prices_submit",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/prices/comment/",
        views_cycle_prices.cycle_prices_comment,
        name="prices_comment",
    ),
]
