"""What a deployment relies on: static files served without DEBUG, and settings that refuse to start unsafe."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings


@pytest.mark.django_db
def test_collected_static_files_are_served_with_debug_off(client, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()


def start_settings(**environ):
    """Import the settings in a fresh interpreter with only ``environ``; return the process result."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", "import civicspace.settings"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = start_settings(DJANGO_DEBUG="0")

    assert result.returncode != 0
    assert "Set DJANGO_SECRET_KEY" in result.stderr


def test_production_settings_start_with_a_secret_key():
    assert start_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50).returncode == 0


def test_the_server_error_page_renders_without_context_or_database():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "Something went wrong on our side" in html and 'href="/"' in html


@pytest.mark.django_db
def test_a_request_for_an_unknown_host_gets_the_sites_400_page(client, settings):
    settings.DEBUG = False

    response = client.get("/", HTTP_HOST="evil.example")

    assert response.status_code == 400
    assert "This address cannot be read" in response.content.decode()
