"""Admin of the catalogue for the platform operator: reference data (categories, VAT rates, labels)
and, for support, products with their variants and photos.

Products are archived rather than deleted (orders keep their snapshot): deletion is not offered.
"""

from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cabas.catalogue.models import Category, InventoryItem, Label, Product, ProductPhoto, TaxRate, Variant

# Web addresses typed without a scheme are https:// (Django 6 default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


@admin.register(Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TaxRate)
class TaxRateAdmin(admin.ModelAdmin):
    list_display = ["name", "rate", "slug"]
    ordering = ["rate"]


class ChildCategoryInline(admin.TabularInline):
    formfield_overrides = HTTPS_URLS
    model = Category
    fk_name = "parent"
    extra = 0
    fields = ["name", "name_en", "slug", "dfc_product_type", "default_tax_rate", "position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "name_en", "parent", "default_tax_rate", "position"]
    list_filter = [("parent", admin.EmptyFieldListFilter), "default_tax_rate"]
    list_select_related = ["parent", "default_tax_rate"]
    search_fields = ["name", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ChildCategoryInline]


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 0
    fields = [
        "name",
        "sku",
        "quantity",
        "unit",
        "unit_name",
        "price",
        "tax_rate",
        "variable_weight",
        "on_hand",
        "on_demand",
        "low_stock_threshold",
        "position",
        "archived_at",
    ]
    can_delete = False


class ProductPhotoInline(admin.TabularInline):
    model = ProductPhoto
    extra = 0
    fields = ["image", "thumbnail", "alt", "position"]
    readonly_fields = ["thumbnail"]


@admin.action(description=_("Archiver les produits sélectionnés"))
def archive_products(modeladmin, request, queryset):
    queryset.filter(archived_at__isnull=True).update(archived_at=timezone.now())


@admin.action(description=_("Remettre en vente les produits sélectionnés"))
def unarchive_products(modeladmin, request, queryset):
    queryset.update(archived_at=None)


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "producer", "category", "archived_at", "updated_at"]
    list_filter = [("archived_at", admin.EmptyFieldListFilter), "category__parent", "labels"]
    list_select_related = ["producer", "category"]
    search_fields = ["name", "uuid", "producer__name", "variants__sku"]
    autocomplete_fields = ["producer"]
    filter_horizontal = ["labels"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [VariantInline, ProductPhotoInline]
    actions = [archive_products, unarchive_products]
    show_full_result_count = False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(InventoryItem)
class InventoryItemAdmin(admin.ModelAdmin):
    list_display = ["variant", "hub", "price", "on_hand", "visible", "updated_at"]
    list_filter = ["visible"]
    list_select_related = ["hub", "variant__product"]
    search_fields = ["hub__name", "variant__product__name", "variant__sku"]
    raw_id_fields = ["variant"]
    autocomplete_fields = ["hub"]
