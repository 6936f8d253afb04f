from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _

from . import services


class AdminLoginForm(AdminAuthenticationForm):
    """Username, password and — for accounts with an authenticator app — the six-digit code."""

    otp_token = forms.CharField(
        label=_("Engangskode fra autentiseringsappen"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Står tom første gang: du blir da bedt om å registrere en autentiseringsapp."),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "otp_required": _("Skriv inn engangskoden fra autentiseringsappen."),
        "otp_invalid": _("Engangskoden er feil eller allerede brukt. Vent på neste kode."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not services.second_factor_required(user=user):
            return
        if not services.totp_device_has_confirmed(user=user):
            return  # first sign-in: the admin sends the user to enrolment before anything else
        token = (self.cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(self.error_messages["otp_required"], code="otp_required")
        if not services.totp_verify(request=self.request, user=user, token=token):
            raise forms.ValidationError(self.error_messages["otp_invalid"], code="otp_invalid")
