import re

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from cabas.accounts import ratelimit
from cabas.accounts.emails import enqueue_templated_email
from cabas.accounts.models import User

PHONE_RE = re.compile(r"^\+?[0-9 .\-()]{6,25}$")

SIGNUP_THROTTLED = ngettext_lazy(
    "Trop de demandes d'inscription. Réessayez dans %(minutes)s minute.",
    "Trop de demandes d'inscription. Réessayez dans %(minutes)s minutes.",
    "minutes",
)
PASSWORD_RESET_THROTTLED = ngettext_lazy(
    "Trop de demandes de nouveau mot de passe. Réessayez dans %(minutes)s minute.",
    "Trop de demandes de nouveau mot de passe. Réessayez dans %(minutes)s minutes.",
    "minutes",
)


def throttle(scope: str, *, email: str, request, message) -> None:
    """Count one request of `scope` (see cabas.accounts.ratelimit), or refuse it with `message`
    (which says %(minutes)s to wait) when the address or the IP address has used up its requests."""
    ip = ratelimit.client_ip(request) if request else "unknown"
    if ratelimit.blocked(scope, email=email, ip=ip):
        raise forms.ValidationError(
            message, code="throttled", params={"minutes": ratelimit.window_minutes(scope)}
        )
    ratelimit.record(scope, email=email, ip=ip)


class SignupForm(forms.Form):
    """Sign-up details, throttled per address and per IP address (see cabas.accounts.ratelimit).

    Whether the address already has an account is not checked here: the form must not tell (see
    services.user_signup).
    """

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        help_text=_("Nous vous enverrons un lien pour la confirmer."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    full_name = forms.CharField(
        label=_("Nom complet"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        help_text=_("Au moins 10 caractères, pas uniquement des chiffres ni un mot de passe courant."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirmez le mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(
        label=_(
            "J'accepte que Cabas conserve ces informations pour gérer mon compte. Je peux les télécharger "
            "ou supprimer mon compte à tout moment depuis mon profil."
        ),
        error_messages={"required": _("Cochez cette case pour créer votre compte.")},
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."), code="required")
        return name

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("Les deux mots de passe ne correspondent pas."))
        elif password1:
            # The validators compare the password with the user's own details.
            candidate = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        # Only a complete sign-up counts (it sends an email): a typo does not use up the attempts.
        if not self.errors:
            throttle("signup", email=cleaned["email"], request=self.request, message=SIGNUP_THROTTLED)
        return cleaned


class LoginForm(forms.Form):
    """Email + password, throttled per account and per IP address (see cabas.accounts.ratelimit).

    Accepts `request` first, like Django's AuthenticationForm, so that LoginView can use it.
    """

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Mot de passe"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        self.unconfirmed = False  # the template then offers to resend the confirmation email
        self.throttled = False
        super().__init__(*args, **kwargs)

    def throttled_error(self):
        self.throttled = True
        return forms.ValidationError(
            _("Trop de tentatives de connexion. Réessayez dans %(minutes)s minutes."),
            code="throttled",
            params={"minutes": ratelimit.window_minutes()},
        )

    def clean(self):
        email = (self.cleaned_data.get("email") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if not email or not password:
            return self.cleaned_data
        ip = ratelimit.client_ip(self.request) if self.request else "unknown"
        if ratelimit.login_blocked(email=email, ip=ip):
            raise self.throttled_error()
        user = authenticate(self.request, email=email, password=password)
        if user is None:
            pending = User.objects.filter(
                email__iexact=email, is_active=True, email_confirmed_at__isnull=True
            ).first()
            if pending is not None and pending.check_password(password):
                self.unconfirmed = True
                raise forms.ValidationError(
                    _(
                        "Votre adresse e-mail n'est pas encore confirmée. Ouvrez le lien que nous vous "
                        "avons envoyé par e-mail pour activer votre compte."
                    ),
                    code="unconfirmed",
                )
            ratelimit.login_failure_record(email=email, ip=ip)
            if ratelimit.login_blocked(email=email, ip=ip):
                raise self.throttled_error()
            raise forms.ValidationError(_("Adresse e-mail ou mot de passe incorrect."), code="invalid_login")
        ratelimit.login_success_record(email=email)
        self.user_cache = user
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Adresse e-mail"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class ConfirmingSetPasswordForm(SetPasswordForm):
    """Password reset: following the emailed link also proves the address is the user's."""

    def save(self, commit=True):
        user = super().save(commit=False)
        if user.email_confirmed_at is None:
            user.email_confirmed_at = timezone.now()
        if commit:
            user.save()
        return user


class ProfileForm(forms.ModelForm):
    language = forms.ChoiceField(
        label=_("Langue de l'interface"),
        choices=[("fr", "Français"), ("en", "English")],
    )

    class Meta:
        model = User
        fields = ["full_name", "phone", "language"]
        labels = {"full_name": _("Nom complet"), "phone": _("Téléphone")}
        help_texts = {"phone": _("Visible seulement des structures dont vous faites partie.")}
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["full_name"].required = True
        codes = {code for code, _name in settings.LANGUAGES}
        self.fields["language"].choices = [c for c in self.fields["language"].choices if c[0] in codes]

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise forms.ValidationError(_("Indiquez votre nom."), code="required")
        return name

    def clean_phone(self):
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and (not PHONE_RE.match(phone) or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(
                _("Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78."), code="invalid"
            )
        return phone


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nom du jeton"),
        max_length=80,
        help_text=_("Pour vous souvenir de son usage, par exemple « Tableur des commandes »."),
    )

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Donnez un nom à ce jeton."), code="required")
        return name


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe"),
        strip=False,
        help_text=_("Pour confirmer que c'est bien vous."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, request=None, **kwargs):
        self.user = user
        self.request = request
        super().__init__(*args, **kwargs)

    def clean_password(self):
        # Throttled like the login form: a borrowed session must not guess the password here.
        password = self.cleaned_data["password"]
        ip = ratelimit.client_ip(self.request) if self.request else "unknown"
        if ratelimit.login_blocked(email=self.user.email, ip=ip):
            raise forms.ValidationError(
                _("Trop de tentatives de connexion. Réessayez dans %(minutes)s minutes."),
                code="throttled",
                params={"minutes": ratelimit.window_minutes()},
            )
        if not self.user.check_password(password):
            ratelimit.login_failure_record(email=self.user.email, ip=ip)
            raise forms.ValidationError(_("Mot de passe incorrect."), code="invalid")
        return password


class ResetPasswordForm(PasswordResetForm):
    """Django's form, with the same wording for the email field as the other account forms, and
    throttled per address and per IP address (see cabas.accounts.ratelimit).

    Every request counts, whether or not the address has an account, so that the throttle does not
    tell which addresses have one.
    """

    email = forms.EmailField(
        label=_("Adresse e-mail"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def __init__(self, *args, request=None, **kwargs):
        self.request = request
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        if email and not self.errors:
            throttle("password-reset", email=email, request=self.request, message=PASSWORD_RESET_THROTTLED)
        return cleaned

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """Sent by the worker after commit, like every other email: the request then takes the same
        time whether or not the address has an account."""
        user = context["user"]
        enqueue_templated_email(
            email_template_name.removesuffix(".txt"),
            to=to_email,
            context={
                "email": context["email"],
                "uid": context["uid"],
                "token": context["token"],
                "full_name": user.full_name,
            },
            language=user.language or None,
        )
