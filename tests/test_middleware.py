"""A null character anywhere in an admin request is refused before any view runs (PostgreSQL cannot hold one)."""

import pytest
from django.urls import reverse

from events.models import Event
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "query",
    [
        {"q": "dissolution\x00"},
        {"country": "\x00"},
        {"status__exact": "draft\x00"},
        {"\x00": "x"},
    ],
)
def test_a_null_character_in_an_admin_query_string_gets_a_400(reviewer_client, query):
    response = reviewer_client.get(reverse("admin:events_event_changelist"), query)

    assert response.status_code == 400


def test_a_null_character_in_the_autocomplete_term_gets_a_400(reviewer_client):
    response = reviewer_client.get(
        reverse("admin:autocomplete"),
        {"term": "\x00", "app_label": "events", "model_name": "eventorganisation", "field_name": "organisation"},
    )

    assert response.status_code == 400


def test_a_null_character_in_a_posted_admin_form_gets_a_400_and_nothing_is_saved(reviewer_client):
    event = EventFactory(title="Unchanged")

    response = reviewer_client.post(
        reverse("admin:events_event_change", args=[event.pk]), {"title": "Changed\x00", "_save": "Save"}
    )

    assert response.status_code == 400
    assert Event.objects.get(pk=event.pk).title == "Unchanged"


def test_the_public_lists_keep_their_own_message_for_a_null_character(client):
    response = client.get("/events/", {"q": "\x00"})

    assert response.status_code == 400
    assert "null character" in response.content.decode()
