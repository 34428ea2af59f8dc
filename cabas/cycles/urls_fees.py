"""Back-office fees, pickup points and delivery methods."""

from django.urls import path

from cabas.cycles import views_fees, views_methods

urlpatterns = [
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
]
