"""Back-office products: the list (search, filters, pagination), inline price and stock edit,
bulk actions, the product form with its variants and photos, duplicate and archive.

A producer manages its own products; a hub those of the producers that granted it
`manage_products`. Every other product answers 404. With htmx, the inline edit and the unit-price
preview answer fragments; without JavaScript the same URLs serve whole pages.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.catalogue import services
from cabas.catalogue.exceptions import CatalogueError
from cabas.catalogue.forms import (
    BulkForm,
    ProductFilterForm,
    ProductForm,
    VariantQuickForm,
    category_tree,
    variant_formset,
    variant_initial,
)
from cabas.catalogue.models import Label
from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role, VatRegime
from cabas.lib import money

PAGE_SIZE = 50
LIST = "manage/products/list.html"
PREVIEW_PREFIX = re.compile(r"^(variants-\d{1,2}|v-[0-9a-f-]{36})$")


# --- Helpers ----------------------------------------------------------------------------------


def _next_url(request, enterprise) -> str:
    """Where to go back after an action: the `next` the page sent (the filtered list), or the list."""
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}):
        return url
    return reverse("catalogue:products", args=[enterprise.slug])


def vat_note(producer) -> str:
    if producer.vat_regime == VatRegime.FRANCHISE:
        return _("TVA non applicable, art. 293 B du CGI")
    if producer.vat_regime == VatRegime.FLAT_RATE_FARM:
        return _("Remboursement forfaitaire agricole : les prix sont TTC, au taux de la catégorie.")
    return ""


def decorate_variant(variant) -> None:
    """Attach what the list shows: '500 g', '3,20 €', '6,40 €/kg' (computed once, in Python)."""
    measure = variant.measure
    variant.size_display = measure.display()
    price = money.format_eur(variant.price)
    if variant.variable_weight:
        variant.price_display = f"{price}/{measure.reference_label()}"
        variant.reference_display = _("≈ %(price)s la pièce") % {
            "price": money.format_eur(variant.estimated_price())
        }
    else:
        variant.price_display = price
        variant.reference_display = (
            f"{money.format_eur(variant.reference_price())}/{measure.reference_label()}"
        )


def _row_context(request, enterprise, variant, **extra) -> dict:
    decorate_variant(variant)
    return {"enterprise": enterprise, "variant": variant, "next": _next_url(request, enterprise), **extra}


# --- List -------------------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def product_list(request, enterprise):
    categories = category_tree()
    labels = list(Label.objects.only("id", "slug", "name"))
    producers = list(services.producers_manageable_by(enterprise).only("id", "name", "slug", "vat_regime"))
    form = ProductFilterForm(request.GET or None, categories=categories, labels=labels, producers=producers)
    filters = form.filters() if form.is_bound else services.ProductFilters()
    page = Paginator(services.products_for_list(enterprise, filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    for product in page.object_list:
        for variant in product.listed_variants:
            variant.product = product
            decorate_variant(variant)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "enterprise": enterprise,
        "nav": "products",
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
        "bulk_form": BulkForm(categories=categories),
        "producers": producers,
        "several_producers": len(producers) > 1,
        "vat_note": vat_note(enterprise) if enterprise.is_producer else "",
        "next": request.get_full_path(),
    }
    return render(request, LIST, context)


# --- Inline edit ------------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
def variant_row(request, enterprise, variant):
    """The display row of a variant (htmx: the "Annuler" of the inline edit); without htmx, the
    variant's page with its price and stock form."""
    variant = services.variant_for_manager(enterprise, variant)
    if not request.htmx:
        form = VariantQuickForm(variant=variant)
        context = _row_context(request, enterprise, variant, form=form, nav="products")
        return render(request, "manage/products/variant_edit.html", context)
    return render(request, f"{LIST}#variant-row", _row_context(request, enterprise, variant))


@manage_view(min_role=Role.Level.MANAGER)
def variant_edit(request, enterprise, variant):
    """Price and stock of one variant: a row fragment with htmx, a small page without JavaScript."""
    variant = services.variant_for_manager(enterprise, variant)
    form = VariantQuickForm(request.POST or None, variant=variant)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.variant_set_price(variant=variant, price=form.cleaned_data["price"])
                if "on_hand" in form.cleaned_data:
                    services.variant_set_stock(variant=variant, on_hand=form.cleaned_data["on_hand"])
        except CatalogueError as error:
            form.add_error(None, error.message)
        else:
            if request.htmx:
                context = _row_context(request, enterprise, variant, saved=True)
                return render(request, f"{LIST}#variant-row", context)
            messages.success(request, _("« %(name)s » est enregistré.") % {"name": variant.full_name})
            return redirect(_next_url(request, enterprise))
    context = _row_context(request, enterprise, variant, form=form, nav="products")
    if request.htmx:
        return render(request, f"{LIST}#variant-edit", context)
    return render(request, "manage/products/variant_edit.html", context)


# --- Bulk actions -----------------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def product_bulk(request, enterprise):
    form = BulkForm(request.POST, categories=category_tree())
    if not form.is_valid():
        errors = [e for field_errors in form.errors.values() for e in field_errors]
        messages.error(request, " ".join(errors))
        return redirect(_next_url(request, enterprise))
    try:
        summary = services.variant_bulk_update(
            manager=enterprise,
            variant_uuids=form.cleaned_data["variants"],
            action=form.cleaned_data["action"],
            value=form.action_value(),
        )
    except CatalogueError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, summary)
    return redirect(_next_url(request, enterprise))


# --- Product form -----------------------------------------------------------------------------


def _product_page(request, enterprise, *, product, form, formset, producer=None):
    producer = product.producer if product else producer
    default_rate = product.category.default_tax_rate if product else None
    for index, variant_form in enumerate(formset.forms):
        data = variant_form.data if variant_form.is_bound else {}
        variant_form.preview = _preview_text(data, variant_form.prefix, initial=variant_form.initial)
        # Blank extra forms after the first one fold under "Ajouter une variante" (no JavaScript needed).
        blank = not variant_form.initial.get("uuid") and not (
            variant_form.is_bound and variant_form.has_changed()
        )
        variant_form.collapsed = index > 0 and blank
    context = {
        "enterprise": enterprise,
        "nav": "products",
        "product": product,
        "form": form,
        "formset": formset,
        "default_rate": default_rate,
        "vat_note": vat_note(producer) if producer else "",
        "photos": product.photos.all() if product else [],
        "next": _next_url(request, enterprise),
    }
    return render(request, "manage/products/form.html", context)


def _forms(request, enterprise, *, product=None):
    categories = category_tree()
    labels = list(Label.objects.all())
    producers = [] if product else list(services.producers_manageable_by(enterprise))
    photos = list(product.photos.all()) if product else []
    if product:
        initial = {
            "name": product.name,
            "category": product.category.slug,
            "description": product.description,
            "allergens": product.allergens,
            "conservation": product.conservation,
            "bulk_unit_size": product.bulk_unit_size,
            "labels": [str(pk) for pk in product.labels.values_list("pk", flat=True)],
        }
        variants = [variant_initial(v) for v in product.variants.filter(archived_at__isnull=True)]
        extra = 1
        default_rate = product.category.default_tax_rate
    else:
        initial, variants, extra, default_rate = {}, [], 2, None
    data = request.POST if request.method == "POST" else None
    form = ProductForm(
        data,
        request.FILES or None,
        initial=initial,
        categories=categories,
        labels=labels,
        producers=producers,
        photos_qs=photos,
    )
    formset = variant_formset(extra)(
        data, initial=variants, prefix="variants", form_kwargs={"default_rate": default_rate}
    )
    return form, formset, producers


def _save_photo(form, product) -> None:
    if form.cleaned_data.get("remove_photos"):
        services.product_photo_remove(product=product, photo_ids=form.cleaned_data["remove_photos"])
    if form.cleaned_data.get("photo"):
        services.product_photo_add(
            product=product, image=form.cleaned_data["photo"], alt=form.cleaned_data["photo_alt"]
        )


@manage_view(min_role=Role.Level.MANAGER)
def product_new(request, enterprise):
    form, formset, producers = _forms(request, enterprise)
    if not producers:
        return render(
            request, "manage/products/no_producer.html", {"enterprise": enterprise, "nav": "products"}
        )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        producer = form.chosen_producer() or producers[0]
        try:
            with transaction.atomic():
                product = services.product_create(
                    producer=producer, data=form.product_data(), variants=formset.variants_data()
                )
                _save_photo(form, product)
        except CatalogueError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("« %(name)s » est enregistré.") % {"name": product.name})
            return redirect("catalogue:product_edit", enterprise.slug, product.uuid)
    single = producers[0] if len(producers) == 1 else None
    return _product_page(request, enterprise, product=None, form=form, formset=formset, producer=single)


@manage_view(min_role=Role.Level.MANAGER)
def product_edit(request, enterprise, product):
    product = services.product_for_manager(enterprise, product)
    form, formset, _producers = _forms(request, enterprise, product=product)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                services.product_update(
                    product=product, data=form.product_data(), variants=formset.variants_data()
                )
                _save_photo(form, product)
        except CatalogueError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("« %(name)s » est enregistré.") % {"name": form.cleaned_data["name"]})
            return redirect("catalogue:product_edit", enterprise.slug, product.uuid)
    return _product_page(request, enterprise, product=product, form=form, formset=formset)


# --- Unit-price preview -----------------------------------------------------------------------


def _preview_text(data, prefix: str, initial=None) -> str:
    """'soit 6,40 €/kg' from the price, quantity and unit typed in one variant form."""
    if data:

        def value(name):
            return data.get(f"{prefix}-{name}", "")

        variable = value("variable_weight") in ("on", "true", "1", "True")
        return services.reference_price_text(
            price=value("price"),
            quantity=value("quantity"),
            unit=value("unit"),
            unit_name=value("unit_name"),
            variable_weight=variable,
        )
    initial = initial or {}
    if initial.get("price") is None or not initial.get("quantity"):
        return ""
    return services.reference_price_text(
        price=initial["price"],
        quantity=initial["quantity"],
        unit=initial.get("unit", ""),
        unit_name=initial.get("unit_name", ""),
        variable_weight=initial.get("variable_weight", False),
    )


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def product_preview(request, enterprise):
    """The "soit 6,40 €/kg" next to a price, recomputed while the producer types (htmx)."""
    prefix = request.GET.get("prefix", "")
    if not PREVIEW_PREFIX.match(prefix):
        return HttpResponse("")
    return render(
        request, "manage/products/form.html#price-preview", {"preview": _preview_text(request.POST, prefix)}
    )


# --- Duplicate, archive -----------------------------------------------------------------------


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def product_duplicate(request, enterprise, product):
    product = services.product_for_manager(enterprise, product)
    copy = services.product_duplicate(product=product)
    messages.success(
        request,
        _("Copie créée : « %(name)s ». Vérifiez ses variantes et son stock (à zéro).") % {"name": copy.name},
    )
    return redirect("catalogue:product_edit", enterprise.slug, copy.uuid)


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def product_archive(request, enterprise, product):
    product = services.product_for_manager(enterprise, product)
    services.product_archive(product=product)
    messages.success(
        request,
        _(
            "« %(name)s » est archivé : il n'est plus en vente. "
            "Vous pouvez le remettre en vente à tout moment."
        )
        % {"name": product.name},
    )
    return redirect(_next_url(request, enterprise))


@manage_view(min_role=Role.Level.MANAGER)
@require_POST
def product_unarchive(request, enterprise, product):
    product = services.product_for_manager(enterprise, product)
    services.product_unarchive(product=product)
    messages.success(request, _("« %(name)s » est de nouveau en vente.") % {"name": product.name})
    return redirect(_next_url(request, enterprise))
