from django.contrib import admin
from django.db import models

from cabas.enterprises.models import Enterprise, Invitation, Network, Relationship, Role

# Web addresses typed without a scheme are https:// (Django 6 default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "model", "is_producer", "sells", "city", "visibility", "geocode_status"]
    list_filter = ["model", "is_producer", "sells", "visibility", "geocode_status"]
    search_fields = ["name", "slug", "city", "postcode", "siret"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    filter_horizontal = ["labels"]
    inlines = [RoleInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "user__full_name", "enterprise__name"]
    autocomplete_fields = ["user", "enterprise"]
    list_select_related = ["user", "enterprise"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "enterprise", "role", "created_at", "accepted_at"]
    list_filter = ["role"]
    search_fields = ["email", "enterprise__name"]
    exclude = ["token"]  # the token is a secret link; never shown
    autocomplete_fields = ["enterprise", "invited_by"]
    list_select_related = ["enterprise"]

    def has_add_permission(self, request):
        return False  # invitations are sent from the team page (they need a token and an email)


@admin.register(Relationship)
class RelationshipAdmin(admin.ModelAdmin):
    list_display = [
        "grantor",
        "grantee",
        "status",
        "add_to_cycles",
        "manage_products",
        "edit_profile",
        "updated_at",
    ]
    list_filter = ["status"]
    search_fields = ["grantor__name", "grantee__name"]
    autocomplete_fields = ["grantor", "grantee"]
    list_select_related = ["grantor", "grantee"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug", "coordinator", "created_at"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["coordinator", "members"]
    list_select_related = ["coordinator"]
