"""URLs of enterprises; the root URLconf mounts each list with its namespace.

- `manage_urlpatterns` (namespace "manage", under /manage/): the back-office home, the creation
  wizard, and an enterprise's dashboard, settings, team, relationships and networks. Every
  `<slug>/...` view goes through @manage_view; tests/security/test_access_matrix.py lists the
  minimum role of each one (add yours there).
- `invitation_urlpatterns` (no namespace): the invitation link emailed to someone without an account.
- `public_urlpatterns` (namespace "public", under /): the public pages, ending with the catch-all
  enterprise page /<slug>/ (mounted last).
"""

from django.urls import path

from cabas.enterprises import views_manage, views_networks, views_public, views_relationships, views_team

manage_urlpatterns = [
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

invitation_urlpatterns = [
    path("invitations/<str:token>/", views_team.invitation, name="invitation"),
]

public_urlpatterns = [
    path("", views_public.home, name="home"),
    path("producers/", views_public.producers, name="producers"),
    path("shops/", views_public.shops, name="shops"),
    path("map/", views_public.map_page, name="map"),
    # Before the catch-all enterprise page below.
    path("map/data.geojson", views_public.map_data, name="map_data"),
    path("networks/<slug:slug>/", views_public.network, name="network"),
    path("<slug:slug>/", views_public.enterprise, name="enterprise"),
]
