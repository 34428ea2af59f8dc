"""URLs of fulfilment; the root URLconf mounts `manage_urlpatterns` under /manage/ with the namespace
"fulfilment": the reports (/manage/<slug>/reports/...), their background exports
(/manage/<slug>/exports/...), the distribution evening (/manage/<slug>/distribution/...), the bags' labels
(/manage/<slug>/labels/), the producer's deliveries and the messages to customers
(/manage/<slug>/messages/...)."""

from django.urls import path

from cabas.fulfilment import (
    views_distribution,
    views_exports,
    views_labels,
    views_messages,
    views_producer,
    views_reports,
)

manage_urlpatterns: list = [
    path("<slug:slug>/reports/", views_reports.reports, name="reports"),
    path("<slug:slug>/reports/<str:name>/", views_reports.report, name="report"),
    path("<slug:slug>/reports/<str:name>/export/", views_exports.report_export, name="report_export"),
    path("<slug:slug>/exports/<uuid:export>/", views_exports.export, name="export"),
    path("<slug:slug>/exports/<uuid:export>/status/", views_exports.export_status, name="export_status"),
    path(
        "<slug:slug>/exports/<uuid:export>/download/", views_exports.export_download, name="export_download"
    ),
    path("<slug:slug>/distribution/", views_distribution.distribution_list, name="distributions"),
    path("<slug:slug>/distribution/<str:day>/", views_distribution.distribution_day, name="distribution"),
    path(
        "<slug:slug>/distribution/<str:day>/<uuid:order>/collected/",
        views_distribution.order_collect,
        name="collect",
    ),
    path("<slug:slug>/distribution/<str:day>/<uuid:order>/paid/", views_distribution.order_pay, name="pay"),
    path(
        "<slug:slug>/distribution/<str:day>/<uuid:order>/weighed/",
        views_distribution.order_weigh,
        name="weigh",
    ),
    path("<slug:slug>/labels/", views_labels.labels_page, name="labels"),
    path("<slug:slug>/deliveries/", views_producer.deliveries, name="deliveries"),
    path("<slug:slug>/messages/", views_messages.message_list, name="messages"),
    path("<slug:slug>/messages/new/", views_messages.message_new, name="message_new"),
]
