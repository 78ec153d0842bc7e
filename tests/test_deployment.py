"""What a deployment relies on: static files served without DEBUG, and settings that refuse to start unsafe."""

import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test import override_settings


@pytest.mark.django_db
def test_collected_static_files_are_served_with_debug_off(client, tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, DEBUG=False):
        call_command("collectstatic", interactive=False, verbosity=0)
        response = client.get("/static/css/site.css")

    assert response.status_code == 200
    assert b"".join(response.streaming_content).strip()


def start_settings(shown="", **environ):
    """Import the settings in a fresh interpreter with only ``environ``, printing ``shown`` (an expression of
    ``settings``); return the process result."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_"))}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "-c", f"import civicspace.settings as settings; print({shown})"],
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


def test_each_web_thread_keeps_its_database_connection_for_a_minute_unless_told_otherwise():
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}
    kept = 'settings.DATABASES["default"]["CONN_MAX_AGE"], settings.DATABASES["default"]["CONN_HEALTH_CHECKS"]'

    assert start_settings(kept, **production).stdout.split() == ["60", "True"]
    assert start_settings(kept, DATABASE_CONN_MAX_AGE="0", **production).stdout.split() == ["0", "True"]


def test_postgresql_connections_compile_no_query_just_in_time_unless_the_database_url_says_so():
    production = {"DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "x" * 50}
    options = 'settings.DATABASES["default"]["OPTIONS"]["options"]'
    url = "postgres://tracker@db.example:5432/tracker"

    assert start_settings(options, DATABASE_URL=url, **production).stdout.strip() == "-c jit=off"
    # Options in the address come after, and PostgreSQL takes the last value given for a setting.
    given = start_settings(options, DATABASE_URL=url + "?options=-c%20jit%3Don", **production).stdout.strip()
    assert given == "-c jit=off -c jit=on"


@pytest.mark.django_db
def test_the_databases_own_connection_has_just_in_time_compilation_off():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone() == ("off",)
    else:
        # sqlite3.connect() would refuse PostgreSQL's connection options.
        assert "options" not in settings.DATABASES["default"].get("OPTIONS", {})


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


def test_a_yes_no_setting_with_a_typo_stops_the_start_naming_the_variable_and_value():
    result = start_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_SECURE_COOKIES="ture")

    assert result.returncode != 0
    assert "ImproperlyConfigured: DJANGO_SECURE_COOKIES='ture' is not a yes/no value" in result.stderr


def test_a_number_setting_that_is_not_a_number_stops_the_start():
    result = start_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, DJANGO_HSTS_SECONDS="1 year")

    assert result.returncode != 0
    assert "DJANGO_HSTS_SECONDS='1 year' is not a whole number" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"), [("1", True), ("Yes", True), (" on ", True), ("0", False), ("off", False), ("", True)]
)
def test_yes_no_settings_read_the_usual_words_and_an_empty_value_as_unset(monkeypatch, value, expected):
    from civicspace.settings import envbool

    monkeypatch.setenv("DJANGO_EXAMPLE", value)

    assert envbool("DJANGO_EXAMPLE", True) is expected


def manage(*args, **environ):
    """Run manage.py in a fresh interpreter with only ``environ`` among the DJANGO_ variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env.update(environ)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-long-random-production-secret-key-for-the-deploy-check-only-0123456789",
    "DJANGO_ALLOWED_HOSTS": "tracker.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://tracker.example.org",
    "DJANGO_BEHIND_PROXY": "1",
    "DJANGO_SECURE_SSL_REDIRECT": "1",
    "DJANGO_HSTS_SECONDS": "31536000",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
    "DJANGO_ADMIN_PATH": "editors-7f3k/",
    "DJANGO_REQUIRE_2FA": "1",
}


def test_the_deployment_check_is_clean_with_the_readmes_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_hsts_subdomains_and_preload_follow_the_environment():
    script = "from django.conf import settings as s; print(s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)"

    assert manage("shell", "--verbosity", "0", "-c", script, **PRODUCTION).stdout.split() == ["True", "True"]
    assert manage("shell", "--verbosity", "0", "-c", script, DJANGO_DEBUG="1").stdout.split() == ["False", "False"]


def test_the_admin_moves_to_the_path_in_the_environment():
    script = (
        "from django.urls import resolve, reverse, Resolver404\n"
        "print(reverse('admin:index'), reverse('admin:login'))\n"
        "try:\n    resolve('/admin/')\nexcept Resolver404:\n    print('gone')"
    )

    result = manage("shell", "--verbosity", "0", "-c", script, DJANGO_DEBUG="1", DJANGO_ADMIN_PATH="/editors-7f3k")

    assert result.stdout.split() == ["/editors-7f3k/", "/editors-7f3k/login/", "gone"], result.stderr


def test_an_empty_admin_path_stops_the_start():
    result = start_settings(DJANGO_DEBUG="1", DJANGO_ADMIN_PATH="/")

    assert result.returncode != 0
    assert "DJANGO_ADMIN_PATH is empty" in result.stderr


def test_every_setting_read_from_the_environment_is_in_env_example():
    source = (settings.BASE_DIR / "civicspace" / "settings.py").read_text()
    read = set(re.findall(r'env(?:bool|int|list)?\("([A-Z0-9_]+)"', source))
    read |= set(re.findall(r'os\.environ\.get\("([A-Z0-9_]+)"', source))
    gunicorn = (settings.BASE_DIR / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r'(?:env_int|os\.environ\.get)\("([A-Z0-9_]+)"', gunicorn))
    listed = set(re.findall(r"^([A-Z0-9_]+)=", (settings.BASE_DIR / ".env.example").read_text(), re.MULTILINE))

    assert "GUNICORN_THREADS" in read
    assert read - listed == set()


def test_a_facet_time_limit_below_one_millisecond_stops_the_start():
    # 0 would mean no limit at all on PostgreSQL and an instant one on SQLite.
    result = start_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY="x" * 50, TRACKER_FACET_TIME_LIMIT_MS="0")

    assert result.returncode != 0
    assert "TRACKER_FACET_TIME_LIMIT_MS must be a number of milliseconds" in result.stderr
