"""Back-office customers of a selling enterprise: the list (search, tag filter, orders), add, edit,
CSV import and export, and the visibility rules by customer tag."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from cabas.enterprises.access import manage_view
from cabas.enterprises.models import Role
from cabas.lib import spreadsheet
from cabas.orders import services_customers as services
from cabas.orders.exceptions import (
    CustomerCodeTaken,
    CustomerEmailTaken,
    CustomerError,
    CustomerImportRejected,
)
from cabas.orders.forms_customers import (
    CustomerFilterForm,
    CustomerForm,
    CustomerImportForm,
    VisibilityRuleForm,
    rule_choices,
)
from cabas.orders.models import Customer, VisibilityRule

PAGE_SIZE = 50
MANAGER = Role.Level.MANAGER


# --- Customers --------------------------------------------------------------------------------


@manage_view(min_role=MANAGER)
def customer_list(request, enterprise):
    tags = services.customer_tags(enterprise)
    form = CustomerFilterForm(request.GET or None, tags=tags)
    q, tag = "", ""
    if form.is_bound and form.is_valid():
        q, tag = form.cleaned_data["q"], form.cleaned_data["tag"]
    page = Paginator(services.customers_for_list(enterprise, q=q, tag=tag), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "enterprise": enterprise,
        "nav": "customers",
        "form": form,
        "page": page,
        "filtered": bool(q or tag),
    }
    return render(request, "manage/customers/list.html", context)


def _save_customer(request, enterprise, form, customer=None) -> Customer | None:
    """Validate `form` and call the service; errors go on the form's fields."""
    if not form.is_valid():
        return None
    try:
        if customer is None:
            return services.customer_create(enterprise=enterprise, data=form.cleaned_data)
        return services.customer_update(customer=customer, data=form.cleaned_data)
    except CustomerEmailTaken as error:
        form.add_error("email", error.message)
    except CustomerCodeTaken as error:
        form.add_error("code", error.message)
    except CustomerError as error:
        form.add_error(None, error.message)
    return None


@manage_view(min_role=MANAGER)
def customer_new(request, enterprise):
    form = CustomerForm(request.POST or None)
    if request.method == "POST":
        customer = _save_customer(request, enterprise, form)
        if customer is not None:
            messages.success(request, _("Client « %(name)s » ajouté.") % {"name": customer})
            return redirect("orders:customers", enterprise.slug)
    return render(
        request, "manage/customers/form.html", {"enterprise": enterprise, "nav": "customers", "form": form}
    )


@manage_view(min_role=MANAGER)
def customer_edit(request, enterprise, customer):
    customer = get_object_or_404(services.customers_for_list(enterprise), uuid=customer)
    form = CustomerForm(request.POST or None, instance=customer)
    if request.method == "POST" and _save_customer(request, enterprise, form, customer=customer) is not None:
        messages.success(request, _("Client « %(name)s » enregistré.") % {"name": customer})
        return redirect("orders:customers", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "customers", "form": form, "customer": customer}
    return render(request, "manage/customers/form.html", context)


@manage_view(min_role=MANAGER)
def customer_import(request, enterprise):
    form = CustomerImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.customer_import(enterprise=enterprise, data=form.cleaned_data["file"].read())
        except CustomerImportRejected as error:
            problems = [str(problem) for problem in error.problems]
            form.add_error("file", error.message)
        else:
            messages.success(
                request,
                ngettext("%(created)s client ajouté", "%(created)s clients ajoutés", result.created)
                % {"created": result.created}
                + ", "
                + ngettext("%(updated)s mis à jour.", "%(updated)s mis à jour.", result.updated)
                % {"updated": result.updated},
            )
            return redirect("orders:customers", enterprise.slug)
    context = {"enterprise": enterprise, "nav": "customers", "form": form, "problems": problems}
    return render(request, "manage/customers/import.html", context)


@manage_view(min_role=MANAGER)
def customer_export(request, enterprise):
    filename = f"clients-{enterprise.slug}-{timezone.localdate():%Y-%m-%d}.csv"
    return spreadsheet.csv_response(services.customers_csv(enterprise), filename)


# --- Visibility rules -------------------------------------------------------------------------


@manage_view(min_role=MANAGER)
def rule_list(request, enterprise):
    rules = list(
        VisibilityRule.objects.filter(enterprise=enterprise).prefetch_related(
            "products", "shipping_methods", "payment_methods", "cycles"
        )
    )
    for rule in rules:
        rule.item_names = [str(item) for item in getattr(rule, rule.subject).all()]
    context = {"enterprise": enterprise, "nav": "customer_rules", "rules": rules}
    return render(request, "manage/customers/rules.html", context)


def _rule_form(request, enterprise, rule=None):
    choices = rule_choices(enterprise, rule)
    initial = VisibilityRuleForm.initial_for(rule) if rule else None
    form = VisibilityRuleForm(request.POST or None, initial=initial, choices=choices)
    if request.method == "POST" and form.is_valid():
        model = getattr(VisibilityRule, form.cleaned_data["subject"]).field.related_model
        items = model.objects.filter(uuid__in=form.item_uuids)
        try:
            services.visibility_rule_save(
                enterprise=enterprise,
                rule=rule,
                customer_tag=form.cleaned_data["customer_tag"],
                subject=form.cleaned_data["subject"],
                action=form.cleaned_data["action"],
                items=items,
            )
        except CustomerError as error:
            form.add_error(
                getattr(error, "field", None) if getattr(error, "field", "") in form.fields else None,
                error.message,
            )
        else:
            messages.success(request, _("Règle enregistrée."))
            return redirect("orders:visibility_rules", enterprise.slug)
    context = {
        "enterprise": enterprise,
        "nav": "customer_rules",
        "form": form,
        "rule": rule,
        "tags": services.customer_tags(enterprise),
        "item_fields": [form[subject] for subject in VisibilityRule.Subject.values],
    }
    return render(request, "manage/customers/rule_form.html", context)


@manage_view(min_role=MANAGER)
def rule_new(request, enterprise):
    return _rule_form(request, enterprise)


@manage_view(min_role=MANAGER)
def rule_edit(request, enterprise, rule):
    return _rule_form(
        request, enterprise, get_object_or_404(VisibilityRule, enterprise=enterprise, uuid=rule)
    )


@manage_view(min_role=MANAGER)
@require_POST
def rule_delete(request, enterprise, rule):
    rule = get_object_or_404(VisibilityRule, enterprise=enterprise, uuid=rule)
    services.visibility_rule_delete(rule=rule)
    messages.success(request, _("Règle supprimée."))
    return redirect("orders:visibility_rules", enterprise.slug)
