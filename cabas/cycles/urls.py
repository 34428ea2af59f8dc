"""URLs of order cycles; the root URLconf mounts each list with its namespace.

- `manage_urlpatterns` (namespace "cycles", under /manage/): an enterprise's fees, pickup points and
  delivery methods; a coordinator's order cycles (list, steps, clone, schedule, prices) and the
  price approvals of producers and referents.
"""

from django.urls import path

from cabas.cycles import (
    views_cycle_offer,
    views_cycle_participants,
    views_cycle_prices,
    views_cycles,
    views_fees,
    views_methods,
)

manage_urlpatterns = [
    # Fees, pickup points and delivery methods
    path("<slug:slug>/fees/", views_fees.fee_list, name="fees"),
    path("<slug:slug>/fees/new/", views_fees.fee_create, name="fee_new"),
    path("<slug:slug>/fees/<uuid:fee>/", views_fees.fee_edit, name="fee_edit"),
    path("<slug:slug>/fees/<uuid:fee>/deactivate/", views_fees.fee_deactivate, name="fee_deactivate"),
    path("<slug:slug>/fees/<uuid:fee>/activate/", views_fees.fee_activate, name="fee_activate"),
    path("<slug:slug>/shipping/", views_methods.shipping_list, name="shipping"),
    path("<slug:slug>/shipping/new/<str:kind>/", views_methods.shipping_create, name="shipping_new"),
    path("<slug:slug>/shipping/<uuid:method>/", views_methods.shipping_edit, name="shipping_edit"),
    path(
        "<slug:slug>/shipping/<uuid:method>/deactivate/",
        views_methods.shipping_deactivate,
        name="shipping_deactivate",
    ),
    path(
        "<slug:slug>/shipping/<uuid:method>/activate/",
        views_methods.shipping_activate,
        name="shipping_activate",
    ),
    # Order cycles and price approvals
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
    path("<slug:slug>/cycles/<uuid:cycle>/open-now/", views_cycles.cycle_open_now, name="open_now"),
    path("<slug:slug>/cycles/<uuid:cycle>/close-now/", views_cycles.cycle_close_now, name="close_now"),
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
