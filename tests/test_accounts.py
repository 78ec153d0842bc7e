"""Editors' accounts: password guessing is locked out (django-axes), two-factor codes (django-otp) at login."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import AdministratorFactory, ReviewerFactory

PASSWORD = "correct horse battery staple"  # the factories' password

pytestmark = pytest.mark.django_db


def log_in(client, user, password=PASSWORD, code="", address="192.0.2.1", **headers):
    data = {"username": user.username, "password": password, "otp_token": code, "next": reverse("admin:index")}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=address, **headers)


def current_code(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def is_logged_in(client):
    return "_auth_user_id" in client.session


@pytest.fixture
def locked_out_reviewer(settings):
    """A reviewer whose password was guessed wrong as many times as the limit allows, from 192.0.2.1."""
    reviewer = ReviewerFactory()
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, reviewer, password="guess").status_code == 200
    assert log_in(client, reviewer, password="guess").status_code == 429
    return reviewer


def test_after_the_failure_limit_even_the_right_password_is_refused_with_a_clear_page(locked_out_reviewer, settings):
    client = Client()
    response = log_in(client, locked_out_reviewer)

    assert response.status_code == 429
    text = response.content.decode()
    limit, minutes = settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME.total_seconds() // 60
    assert f"After {limit} failed logins, logging in to this account from this address is locked." in text
    assert f"Try again in {minutes:.0f} minutes." in text
    assert not is_logged_in(client)


def test_the_lockout_page_is_in_french(locked_out_reviewer):
    response = log_in(Client(), locked_out_reviewer, headers={"accept-language": "fr"})

    assert response.status_code == 429
    assert "Connexion bloquée" in response.content.decode()


def test_a_lockout_holds_one_account_from_one_address_only(locked_out_reviewer):
    """A guesser cannot lock an editor out from everywhere, nor lock out everyone behind the same address."""
    assert log_in(client := Client(), locked_out_reviewer, address="198.51.100.7").status_code == 302
    assert is_logged_in(client)
    other = ReviewerFactory()
    assert log_in(Client(), other, address="192.0.2.1").status_code == 302


def test_axes_reset_username_unlocks_at_once(locked_out_reviewer):
    call_command("axes_reset_username", locked_out_reviewer.username, verbosity=0)

    assert log_in(client := Client(), locked_out_reviewer).status_code == 302
    assert is_logged_in(client)


def test_a_successful_login_clears_the_earlier_failures(settings):
    reviewer = ReviewerFactory()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(Client(), reviewer, password="guess")
    assert log_in(Client(), reviewer).status_code == 302

    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(Client(), reviewer, password="guess")
    assert log_in(Client(), reviewer).status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended():
    from civicspace.admin_site import client_address

    request = type("Request", (), {"META": {"HTTP_X_FORWARDED_FOR": "203.0.113.9, 198.51.100.7"}})()

    assert client_address(request) == "198.51.100.7"


# Two-factor authentication.


@pytest.fixture
def enrolled(db):
    """A reviewer with a confirmed authenticator app."""
    reviewer = ReviewerFactory()
    return reviewer, TOTPDevice.objects.create(user=reviewer, name="phone", confirmed=True)


def test_a_user_with_a_device_cannot_log_in_with_the_password_alone(enrolled):
    reviewer, _ = enrolled
    client = Client()
    response = log_in(client, reviewer)

    assert response.status_code == 200
    assert "Enter the six-digit code from your authenticator app." in response.content.decode()
    assert not is_logged_in(client)


def wrong_code(device):
    return f"{(int(current_code(device)) + 1) % 10**6:06d}"


def test_a_wrong_code_is_refused(enrolled):
    reviewer, device = enrolled
    client = Client()
    response = log_in(client, reviewer, code=wrong_code(device))

    assert "This code is not valid." in response.content.decode()
    assert not is_logged_in(client)


def test_after_a_wrong_code_the_next_try_must_wait_even_with_the_right_code(enrolled):
    reviewer, device = enrolled
    log_in(Client(), reviewer, code=wrong_code(device))
    device.refresh_from_db()
    assert device.throttling_failure_count == 1

    client = Client()
    response = log_in(client, reviewer, code=current_code(device))

    assert "Too many wrong codes: wait a little, then try again." in response.content.decode()
    assert not is_logged_in(client)


def test_the_password_and_the_current_code_log_in_a_verified_session(enrolled):
    reviewer, device = enrolled
    client = Client()
    response = log_in(client, reviewer, code=current_code(device))

    assert response.status_code == 302
    assert client.get(reverse("admin:index")).wsgi_request.user.is_verified()


def test_the_login_page_asks_for_the_code_under_its_own_label():
    html = Client().get(reverse("admin:login")).content.decode()

    assert re.search(r'<label for="id_otp_token">Two-factor code:</label>', html)
    assert 'autocomplete="one-time-code"' in html


def test_staff_enrol_an_authenticator_app_from_the_secret_and_a_code(contributor_client, contributor):
    page = contributor_client.get(reverse("admin:two_factor"))
    html = page.content.decode()

    device = TOTPDevice.objects.get(user=contributor)
    assert not device.confirmed
    assert f'<img src="{reverse("admin:two_factor_qr")}"' in html
    assert re.search(r"<code>([A-Z2-7]{4} ){7}[A-Z2-7]{4}</code>", html)
    assert page["Cache-Control"].startswith("max-age=0")

    qr = contributor_client.get(reverse("admin:two_factor_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.lstrip().startswith(b"<?xml") and b"<svg" in qr.content

    response = contributor_client.post(reverse("admin:two_factor"), {"otp_token": current_code(device)})

    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    # Once confirmed, the secret is never shown again.
    assert contributor_client.get(reverse("admin:two_factor_qr")).status_code == 404
    assert "<code>" not in contributor_client.get(reverse("admin:two_factor")).content.decode()


def test_enrolment_refuses_a_wrong_code_and_stays_unconfirmed(contributor_client, contributor):
    contributor_client.get(reverse("admin:two_factor"))
    response = contributor_client.post(reverse("admin:two_factor"), {"otp_token": "000000"})

    assert "This code is not valid." in response.content.decode()
    assert not TOTPDevice.objects.get(user=contributor).confirmed


def test_the_admin_links_every_staff_user_to_the_two_factor_page(contributor_client):
    html = contributor_client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{reverse("admin:two_factor")}">Two-factor authentication</a>' in html


@pytest.mark.parametrize("factory", [ReviewerFactory, AdministratorFactory])
def test_when_required_reviewers_and_administrators_are_sent_to_enrol_first(settings, factory):
    settings.REQUIRE_2FA = True
    client = Client()
    client.force_login(factory())

    response = client.get(reverse("admin:events_event_changelist"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:two_factor")
    assert "Your role requires two-factor authentication" in client.get(response["Location"]).content.decode()
    # Logging out stays possible.
    assert client.post(reverse("admin:logout")).status_code == 200


def test_when_required_contributors_may_still_go_without(settings, contributor_client):
    settings.REQUIRE_2FA = True

    assert contributor_client.get(reverse("admin:index")).status_code == 200


def test_when_required_a_verified_reviewer_uses_the_admin(settings, enrolled):
    settings.REQUIRE_2FA = True
    reviewer, device = enrolled
    client = Client()
    log_in(client, reviewer, code=current_code(device))

    assert client.get(reverse("admin:events_event_changelist")).status_code == 200


def test_when_required_an_enrolled_reviewer_in_an_unverified_session_confirms_with_a_code(settings, enrolled):
    settings.REQUIRE_2FA = True
    reviewer, device = enrolled
    client = Client()
    client.force_login(reviewer)
    assert client.get(reverse("admin:index"))["Location"] == reverse("admin:two_factor")

    assert "<code>" not in client.get(reverse("admin:two_factor")).content.decode()
    client.post(reverse("admin:two_factor"), {"otp_token": current_code(device)})

    assert client.get(reverse("admin:index")).status_code == 200


def test_without_the_setting_a_reviewer_needs_no_device(reviewer_client):
    assert reviewer_client.get(reverse("admin:index")).status_code == 200


def test_the_two_factor_page_is_for_logged_in_staff_only(client):
    response = client.get(reverse("admin:two_factor"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not TOTPDevice.objects.exists()
