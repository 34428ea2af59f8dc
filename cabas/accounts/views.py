"""Account pages: sign-up and confirmation, login, password, profile, API tokens, export, deletion."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cabas.accounts import ratelimit, registry, services
from cabas.accounts.exceptions import (
    InvalidConfirmationLink,
    TooManyTokens,
)
from cabas.accounts.forms import (
    ApiTokenForm,
    ConfirmingSetPasswordForm,
    DeleteAccountForm,
    LoginForm,
    ProfileForm,
    ResendConfirmationForm,
    ResetPasswordForm,
    SignupForm,
)
from cabas.accounts.models import ApiToken
from cabas.errors import DomainError

NEW_TOKEN_SESSION_KEY = "accounts:new-api-token"
SIGNUP_EMAIL_SESSION_KEY = "accounts:signup-email"


def safe_next(request, value: str | None) -> str:
    """`value` if it is a URL of this site (so no open redirect), else ""."""
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return ""


def requested_next(request) -> str:
    return safe_next(request, request.POST.get("next") or request.GET.get("next"))


def set_language_cookie(response, language: str) -> None:
    """Remember the interface language the way Django's set_language view does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def current_language() -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


def landing_url(user) -> str:
    """Where `user` lands after logging in without a `next` (the apps above decide, see registry)."""
    return registry.landing(user) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


# --- Sign-up and confirmation -----------------------------------------------------------------


def signup(request):
    next_url = requested_next(request)
    if request.user.is_authenticated:
        return redirect(next_url or landing_url(request.user))
    if request.method == "POST":
        form = SignupForm(request.POST, request=request)
        if form.is_valid():
            # The same answer whether or not the address already has an account.
            services.user_signup(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                password=form.cleaned_data["password1"],
                language=current_language(),
                next_url=next_url,
            )
            request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
            return redirect(_with_next(reverse("accounts:signup_done"), next_url))
    else:
        form = SignupForm(initial={"email": request.GET.get("email", "")})
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def signup_done(request):
    email = request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
    form = ResendConfirmationForm(initial={"email": email})
    return render(
        request,
        "accounts/signup_done.html",
        {
            "email": email,
            "form": form,
            "next": requested_next(request),
            "max_age_days": settings.EMAIL_CONFIRMATION_MAX_AGE // (24 * 3600),
        },
    )


def confirm_email(request, token):
    try:
        user, next_url, newly_confirmed = services.user_confirm_email(token=token)
    except InvalidConfirmationLink as error:
        return render(
            request,
            "accounts/confirm_invalid.html",
            {"error": error, "form": ResendConfirmationForm()},
            status=400,
        )
    next_url = safe_next(request, next_url)
    if not newly_confirmed:
        if request.user == user:
            return redirect(next_url or landing_url(user))
        # The link is not a password: an already-used one does not log anybody in.
        messages.info(request, _("Votre adresse e-mail est déjà confirmée. Connectez-vous pour continuer."))
        return redirect(_with_next(reverse("accounts:login"), next_url))
    login(request, user, backend="cabas.accounts.backends.EmailBackend")
    translation.activate(user.language)
    messages.success(request, _("Votre adresse e-mail est confirmée. Bienvenue sur Cabas !"))
    response = redirect(next_url or landing_url(user))
    set_language_cookie(response, user.language)
    return response


def resend_confirmation(request):
    next_url = requested_next(request)
    if request.method == "POST":
        form = ResendConfirmationForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if ratelimit.confirmation_resend_allowed(email=email):
                services.confirmation_resend(email=email, next_url=next_url)
            # The same answer whether or not the address has an account.
            messages.success(
                request,
                _(
                    "Si un compte en attente de confirmation existe pour %(email)s, un nouveau lien "
                    "vient d'y être envoyé. Pensez à regarder dans les indésirables."
                )
                % {"email": email},
            )
            return redirect(_with_next(reverse("accounts:login"), next_url))
    else:
        form = ResendConfirmationForm(initial={"email": request.GET.get("email", "")})
    return render(request, "accounts/resend_confirmation.html", {"form": form, "next": next_url})


# --- Login and logout -------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        # Without a safe `next`: the member's back office, else the customer's orders.
        return landing_url(self.request.user)

    def form_valid(self, form):
        response = super().form_valid(form)
        user = form.get_user()
        translation.activate(user.language)
        set_language_cookie(response, user.language)
        return response


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        messages.info(request, _("Vous êtes déconnecté. À bientôt !"))
        return response


# --- Passwords --------------------------------------------------------------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset_form.html"
    form_class = ResetPasswordForm
    subject_template_name = "emails/accounts/password_reset.subject.txt"
    email_template_name = "emails/accounts/password_reset.txt"
    html_email_template_name = "emails/accounts/password_reset.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def get_initial(self):
        # The link in the "someone tried to sign up with your address" email names the address.
        return {"email": self.request.GET.get("email", "")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        # Links are built from SITE_URL, not from the request's Host header.
        self.extra_email_context = {"site_url": settings.SITE_URL, "site_name": settings.SITE_NAME}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = ConfirmingSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Votre mot de passe est modifié."))
        return response


# --- Profile and API tokens -------------------------------------------------------------------


def _profile_page(request, *, form=None, token_form=None, status=200):
    context = {
        "form": form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": request.user.api_tokens.active(),
        "new_token": request.session.pop(NEW_TOKEN_SESSION_KEY, None),  # shown once, then forgotten
        **registry.page_context(registry.PROFILE_CONTEXT, request.user),
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.language)
            messages.success(request, _("Votre profil est enregistré."))
            response = redirect("accounts:profile")
            set_language_cookie(response, user.language)
            return response
        # Do not leak unsaved values into the header (request.user is the form's instance).
        request.user.refresh_from_db()
        return _profile_page(request, form=form)
    return _profile_page(request)


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if not form.is_valid():
        return _profile_page(request, token_form=form)
    try:
        token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"])
    except TooManyTokens as error:
        form.add_error("name", error.message)
        return _profile_page(request, token_form=form)
    request.session[NEW_TOKEN_SESSION_KEY] = {"name": token.name, "raw": raw}
    return redirect(reverse("accounts:profile") + "#jetons")


@login_required
@require_POST
def token_revoke(request):
    try:
        token = services.api_token_revoke(user=request.user, token_id=int(request.POST.get("token", "")))
    except (ValueError, ApiToken.DoesNotExist):
        raise Http404
    messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect(reverse("accounts:profile") + "#jetons")


# --- Personal data ----------------------------------------------------------------------------


@login_required
def export(request):
    data = services.personal_data_export(user=request.user)
    response = JsonResponse(
        data, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False, "indent": 2}
    )
    filename = f"cabas-mes-donnees-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def delete(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.user, request.POST, request=request)
        if form.is_valid():
            try:
                services.user_delete(user=request.user)
            except DomainError as error:  # refused by a deletion check (cabas.accounts.registry)
                form.add_error(None, error.message)
            else:
                logout(request)
                messages.success(request, _("Votre compte a été supprimé."))
                return redirect("public:home")
    else:
        form = DeleteAccountForm(request.user)
    context = {"form": form, **registry.page_context(registry.DELETE_PAGE_CONTEXT, request.user)}
    return render(request, "accounts/delete.html", context)
