"""Back-office URLs. Every `<slug>/...` view goes through @manage_view; tests/security/test_access_matrix.py
lists the minimum role of each one (add yours there)."""

from django.urls import path

from cabas.enterprises import views_manage, views_networks, views_relationships, views_team

app_name = "manage"
urlpatterns = [
    path("", views_manage.home, name="home"),
    path("new/", views_manage.wizard, name="new"),
    path("<slug:slug>/", views_manage.dashboard, name="dashboard"),
    path("<slug:slug>/settings/", views_manage.settings_page, name="settings"),
    # Team
    path("<slug:slug>/team/", views_team.team, name="team"),
    path("<slug:slug>/team/invite/", views_team.team_invite, name="team_invite"),
    path("<slug:slug>/team/invitations/cancel/", views_team.invitation_cancel, name="invitation_cancel"),
    path("<slug:slug>/team/role/", views_team.team_role, name="team_role"),
    path("<slug:slug>/team/remove/", views_team.team_remove, name="team_remove"),
    path("<slug:slug>/team/referent/", views_team.team_referent, name="team_referent"),
    path("<slug:slug>/team/leave/", views_team.team_leave, name="team_leave"),
    # Relationships
    path("<slug:slug>/relationships/", views_relationships.relationships, name="relationships"),
    path(
        "<slug:slug>/relationships/request/",
        views_relationships.relationship_request,
        name="relationship_request",
    ),
    path(
        "<slug:slug>/relationships/accept/",
        views_relationships.relationship_accept,
        name="relationship_accept",
    ),
    path(
        "<slug:slug>/relationships/refuse/",
        views_relationships.relationship_refuse,
        name="relationship_refuse",
    ),
    path(
        "<slug:slug>/relationships/revoke/",
        views_relationships.relationship_revoke,
        name="relationship_revoke",
    ),
    # Networks
    path("<slug:slug>/networks/", views_networks.networks, name="networks"),
    path("<slug:slug>/networks/new/", views_networks.network_new, name="network_new"),
    path("<slug:slug>/networks/<slug:network_slug>/", views_networks.network, name="network"),
    path("<slug:slug>/networks/<slug:network_slug>/add/", views_networks.network_add, name="network_add"),
    path(
        "<slug:slug>/networks/<slug:network_slug>/remove/",
        views_networks.network_remove,
        name="network_remove",
    ),
    path(
        "<slug:slug>/networks/<slug:network_slug>/leave/", views_networks.network_leave, name="network_leave"
    ),
]
