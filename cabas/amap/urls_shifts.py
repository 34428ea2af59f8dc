"""URLs of the AMAP app's shifts pages (see cabas/amap/urls.py): the back office's planning and its
managers' pages, in any enterprise; the members' page where they sign up."""

from django.urls import path

from cabas.amap import views_shifts, views_shifts_member

manage: list = [  # mounted under /manage/, namespace "amap"
    path("<slug:slug>/shifts/", views_shifts.shift_list, name="shifts"),
    path("<slug:slug>/shifts/new/", views_shifts.shift_new, name="shift_new"),
    path("<slug:slug>/shifts/generate/", views_shifts.shifts_generate, name="shifts_generate"),
    path("<slug:slug>/shifts/rule/", views_shifts.shift_rule, name="shift_rule"),
    path("<slug:slug>/shifts/share/", views_shifts.shift_share, name="shift_share"),
    path("<slug:slug>/shifts/<uuid:shift>/", views_shifts.shift_edit, name="shift_edit"),
    path("<slug:slug>/shifts/<uuid:shift>/delete/", views_shifts.shift_delete, name="shift_delete"),
    path(
        "<slug:slug>/shifts/<uuid:shift>/remove/<int:signup>/",
        views_shifts.shift_remove,
        name="shift_remove",
    ),
]
public: list = [  # mounted under /, namespace "amap_member"
    path("<slug:slug>/permanences/", views_shifts_member.shift_list, name="shifts"),
    path(
        "<slug:slug>/permanences/<uuid:shift>/inscription/",
        views_shifts_member.shift_signup,
        name="shift_signup",
    ),
    path(
        "<slug:slug>/permanences/<uuid:shift>/desinscription/",
        views_shifts_member.shift_leave,
        name="shift_leave",
    ),
]
