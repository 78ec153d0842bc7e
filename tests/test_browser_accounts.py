"""Two-factor enrolment in a real browser with JavaScript off: the QR code loads under the Content-Security-Policy."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import ReviewerFactory
from tests.test_accounts import current_code
from tests.test_browser import PASSWORD, Tab, browser  # noqa: F401 - browser is the fixture

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_reviewer_required_to_use_two_factor_enrols_an_app_without_javascript(browser, live_server, settings):  # noqa: F811
    settings.REQUIRE_2FA = True
    reviewer = ReviewerFactory()
    tab = Tab(browser, live_server.url, java_script_enabled=False)
    page = tab.open(reverse("admin:login"))
    page.fill("#id_username", reviewer.username)
    page.fill("#id_password", PASSWORD)
    with page.expect_response(lambda response: "qr.svg" in response.url) as qr_code:
        page.get_by_role("button", name="Log in").click()

    assert page.url.endswith(reverse("admin:two_factor"))
    assert (qr_code.value.status, qr_code.value.header_value("content-type")) == (200, "image/svg+xml")
    assert len(page.inner_text("code").replace(" ", "")) == 32
    page.fill("#id_otp_token", current_code(TOTPDevice.objects.get(user=reviewer)))
    page.get_by_role("button", name="Turn on two-factor authentication").click()

    assert page.url.endswith(reverse("admin:index"))
    assert "Two-factor authentication is on" in page.inner_text(".messagelist")
    assert tab.policy_violations() == []
