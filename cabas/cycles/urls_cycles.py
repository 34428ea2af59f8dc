"""Back-office order cycles of a coordinator, and the price approvals of producers and referents."""

from django.urls import path

from cabas.cycles import views_cycles as views

urlpatterns = [
    path("<slug:slug>/cycles/", views.cycle_list, name="list"),
    path("<slug:slug>/cycles/new/", views.cycle_new, name="new"),
    path("<slug:slug>/cycles/price-approval/", views.price_approval_setting, name="price_approval_setting"),
    path("<slug:slug>/cycles/approvals/", views.approvals, name="approvals"),
    path("<slug:slug>/cycles/approvals/<uuid:cycle>/", views.approval, name="approval"),
    path("<slug:slug>/cycles/schedules/<uuid:schedule>/stop/", views.schedule_stop, name="schedule_stop"),
    path("<slug:slug>/cycles/<uuid:cycle>/", views.cycle_edit, name="edit"),
    path("<slug:slug>/cycles/<uuid:cycle>/suppliers/", views.cycle_suppliers, name="suppliers"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/suppliers/<slug:supplier>/fees/",
        views.cycle_supplier_fees,
        name="supplier_fees",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/suppliers/<slug:supplier>/remove/",
        views.cycle_supplier_remove,
        name="supplier_remove",
    ),
    path("<slug:slug>/cycles/<uuid:cycle>/products/", views.cycle_variants, name="variants"),
    path("<slug:slug>/cycles/<uuid:cycle>/products/bulk/", views.cycle_variants_bulk, name="variants_bulk"),
    path("<slug:slug>/cycles/<uuid:cycle>/distributors/", views.cycle_distributors, name="distributors"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/distributors/<slug:distributor>/",
        views.cycle_distributor,
        name="distributor",
    ),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/distributors/<slug:distributor>/remove/",
        views.cycle_distributor_remove,
        name="distributor_remove",
    ),
    path("<slug:slug>/cycles/<uuid:cycle>/clone/", views.cycle_clone, name="clone"),
    path("<slug:slug>/cycles/<uuid:cycle>/schedule/", views.cycle_schedule, name="schedule"),
    path("<slug:slug>/cycles/<uuid:cycle>/delete/", views.cycle_delete, name="delete"),
    path("<slug:slug>/cycles/<uuid:cycle>/prices/", views.cycle_prices, name="prices"),
    path("<slug:slug>/cycles/<uuid:cycle>/prices/submit/", views.cycle_prices_submit, name="prices_submit"),
    path(
        "<slug:slug>/cycles/<uuid:cycle>/prices/comment/", views.cycle_prices_comment, name="prices_comment"
    ),
]
