import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from civicspace.facets import data_version
from events.management.commands import local_admin
from events.models import Event
from organisations.models import Person, Protection

pytestmark = pytest.mark.django_db


def test_seed_loads_the_fixtures_into_an_empty_database_and_never_over_them():
    call_command("seed", verbosity=0)
    seeded = Event.objects.count()
    event = Event.objects.get(title__icontains="Kaoural")
    event.title = "Corrected by an reviewer"
    event.save()

    call_command("seed", verbosity=0)

    assert Event.objects.filter(title="Corrected by an reviewer").exists()
    assert Event.objects.count() == seeded


def test_local_admin_creates_a_superuser_with_the_given_password(settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DJANGO_ADMIN_PASSWORD", "a long local password")

    call_command("local_admin")

    user = get_user_model().objects.get(username="admin")
    assert user.is_superuser and user.check_password("a long local password")
    assert "a long local password" in capsys.readouterr().out


def test_local_admin_keeps_a_generated_password_between_runs(settings, monkeypatch, tmp_path, capsys):
    settings.DEBUG = True
    monkeypatch.delenv("DJANGO_ADMIN_PASSWORD", raising=False)
    monkeypatch.setattr(local_admin, "PASSWORD_FILE", tmp_path / "password")

    call_command("local_admin")
    call_command("local_admin")

    password = (tmp_path / "password").read_text()
    assert get_user_model().objects.get(username="admin").check_password(password)
    assert capsys.readouterr().out.count(password) == 2


def test_local_admin_refuses_to_run_outside_local_development(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("local_admin")


def test_analyze_gives_the_query_planner_statistics(capsys):
    from django.db import connection

    call_command("seed", verbosity=0)
    call_command("analyze")

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'events_event'")
        else:
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'events_event'")
        assert cursor.fetchone()[0] > 0
    assert "Statistics refreshed" in capsys.readouterr().out


def test_generate_data_makes_a_mixed_record_whose_derived_data_is_in_step():
    call_command("generate_data", events=60, stdout=io.StringIO())

    assert Event.objects.count() == 60
    assert Event.objects.public().count() == 57  # one in twenty is a draft
    assert {event.date.earliest.precision for event in Event.objects.all()} == {"day", "month", "year"}
    assert any(not event.date.is_single for event in Event.objects.all())
    assert {person.protection for person in Person.objects.all()} == set(Protection.values)
    call_command("event_counts", check=True, stdout=io.StringIO())
    # A second run would mix with the first unless asked to add.
    with pytest.raises(CommandError):
        call_command("generate_data", events=10, stdout=io.StringIO())
    call_command("generate_data", events=10, add=True, stdout=io.StringIO())
    assert Event.objects.count() == 70


def test_seeding_makes_counts_kept_for_an_earlier_database_of_the_same_name_stale():
    before = data_version()

    call_command("seed", verbosity=0)

    assert data_version() != before
