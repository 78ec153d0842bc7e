"""The editors' admin site: a login that takes a two-factor code, and the page where staff enrol a device.

Two-factor authentication is django-otp's TOTP (any authenticator app). It is optional for every staff user; with
``REQUIRE_2FA`` on, reviewers and administrators reach the admin only from a session verified by a code, and are
sent to enrol a device first. Failed logins are counted by django-axes, which sees the password check.
"""

from base64 import b32encode

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image


def client_address(request):
    """Behind the proxy (DJANGO_BEHIND_PROXY): the address it appended last to X-Forwarded-For, which it saw itself.

    Earlier entries come from the client and can be forged; the last one cannot, as long as the proxy appends.
    """
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.rsplit(",", 1)[-1].strip() or request.META.get("REMOTE_ADDR")


def two_factor_required(user):
    """Whether this user may use the admin only after a two-factor login: reviewers and administrators, if set."""
    if not settings.REQUIRE_2FA:
        return False
    return user.is_superuser or user.has_perm("events.publish_event") or user.has_perm("auth.change_user")


def confirmed_device(user):
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


CODE_ERRORS = {
    "code_required": _("Enter the six-digit code from your authenticator app."),
    "invalid_code": _("This code is not valid. Enter the code your authenticator app shows now."),
    "throttled": _("Too many wrong codes: wait a little, then try again."),
}


def check_code(device, code):
    """The device, if ``code`` is its current one; ValidationError if not, or while django-otp throttles it.

    The error is raised after the transaction commits: raised inside, it would roll back the failure that
    django-otp counts to slow down the next guess.
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        problem = "throttled" if not device.verify_is_allowed()[0] else None
        if not problem and not device.verify_token(code):
            problem = "invalid_code"
    if problem:
        raise forms.ValidationError(CODE_ERRORS[problem], code=problem)
    return device


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        attrs = {"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*", "maxlength": "8"}
        super().__init__(strip=True, widget=forms.TextInput(attrs=attrs), **kwargs)

    def to_python(self, value):
        return super().to_python(value).replace(" ", "")


class LoginForm(AdminAuthenticationForm):
    """The admin's login, with the code of the user's authenticator app when they have enrolled one."""

    otp_token = CodeField(
        label=_("Two-factor code"),
        required=False,
        help_text=_("Only if you have set up two-factor authentication."),
    )

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        device = confirmed_device(user) if user else None
        if device:
            code = cleaned_data.get("otp_token")
            if not code:
                raise forms.ValidationError(CODE_ERRORS["code_required"], code="code_required")
            # django-otp's user_logged_in handler keeps the device in the session: the session is verified.
            user.otp_device = check_code(device, code)
        return cleaned_data


class EnrolForm(forms.Form):
    otp_token = CodeField(label=_("Code shown by the app"))

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_otp_token(self):
        return check_code(self.device, self.cleaned_data["otp_token"])


def enrolment_device(user):
    """The user's device: the confirmed one, or one waiting for its first code (made now if there is none)."""
    device = TOTPDevice.objects.devices_for_user(user, confirmed=None).order_by("-confirmed", "pk").first()
    return device or TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)


def spaced(secret):
    """The base32 secret in groups of four, as authenticator apps ask for it when typed."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


class TrackerAdminSite(admin.AdminSite):
    site_header = _("Civic Space Tracker: editors")
    site_title = _("Civic Space Tracker")
    index_title = _("Record and review events")
    login_form = LoginForm
    login_template = "admin/login_with_code.html"

    def must_enrol(self, request):
        user = request.user
        return user.is_active and user.is_staff and two_factor_required(user) and not user.is_verified()

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            if self.must_enrol(request) and request.path != reverse("admin:logout", current_app=self.name):
                return redirect("admin:two_factor")
            return inner(request, *args, **kwargs)

        return guarded

    def get_urls(self):
        # The two-factor pages are reached before verification, so they skip admin_view's guard (not its login).
        staff_only = super().admin_view
        return [
            path("two-factor/", staff_only(self.two_factor_view), name="two_factor"),
            path("two-factor/qr.svg", staff_only(self.qr_code_view), name="two_factor_qr"),
            *super().get_urls(),
        ]

    @method_decorator(never_cache)
    def two_factor_view(self, request):
        """Enrol an authenticator app (scan or type the secret, confirm with a code), or verify this session."""
        device = enrolment_device(request.user)
        form = EnrolForm(request.POST or None, device=device)
        if request.method == "POST" and form.is_valid():
            if not device.confirmed:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                messages.success(request, _("Two-factor authentication is on: log in with a code from now on."))
            otp_login(request, device)
            return redirect("admin:index")
        context = {
            **self.each_context(request),
            "title": _("Two-factor authentication"),
            "form": form,
            "device": device,
            # The secret is shown only until the device is confirmed.
            "secret": None if device.confirmed else spaced(b32encode(device.bin_key).decode()),
            "required": two_factor_required(request.user),
            "verified": request.user.is_verified(),
        }
        return TemplateResponse(request, "admin/two_factor.html", context)

    @method_decorator(never_cache)
    def qr_code_view(self, request):
        """The enrolment QR code as an SVG image, on its own address: the CSP allows images from the site only."""
        device = enrolment_device(request.user)
        if device.confirmed:
            # A secret is shown only until it is confirmed, never again.
            return HttpResponse(status=404)
        response = HttpResponse(content_type="image/svg+xml")
        write_qrcode_image(device.config_url, response)
        return response
