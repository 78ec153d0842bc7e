"""Two editors saving the same record: the second save, made from a form opened before the first, is refused."""

import pytest

from events.models import Citation, Event
from organisations.models import Organisation
from tests.conftest import logged_in
from tests.factories import CitationFactory, ContributorFactory, EventFactory, OrganisationFactory
from tests.test_admin import admin_url, change_form, event_form
from tests.test_history import organisation_form

pytestmark = pytest.mark.django_db


def opened_version(client, url):
    """The version a form shows in its hidden field when an editor opens it."""
    return client.get(url).context["adminform"].form["loaded_version"].value()


def test_the_first_save_wins_and_the_second_from_a_stale_form_is_refused_without_losing_either():
    event = EventFactory(title="Original")
    alice, bob = logged_in(ContributorFactory(username="alice")), logged_in(ContributorFactory(username="bob"))
    url = admin_url("events.event", "change", event.pk)
    alice_version, bob_version = opened_version(alice, url), opened_version(bob, url)
    assert alice_version == bob_version == event.version

    first = alice.post(url, event_form(title="Alice's title", loaded_version=alice_version))
    second = bob.post(url, event_form(title="Bob's title", loaded_version=bob_version))

    assert first.status_code == 302
    assert second.status_code == 200
    text = second.content.decode()
    assert "This event was changed by alice at" in text
    assert "Your changes were not saved: reload the page" in text
    event.refresh_from_db()
    assert event.title == "Alice's title"
    assert event.history.filter(title="Bob's title").count() == 0


def test_a_stale_form_is_refused_whole_even_when_only_an_inline_changed(reviewer_client):
    citation = CitationFactory(quote="first quote")
    event = citation.event
    stale_version = event.version
    event.title = "Changed by someone else"
    event.save()

    reviewer_client.post(
        admin_url("events.event", "change", event.pk),
        change_form(citation, loaded_version=stale_version, **{"citations-0-quote": "a quote edited on a stale form"}),
    )

    assert Citation.objects.get(pk=citation.pk).quote == "first quote"


def test_a_fresh_form_saves_and_moves_the_version_on(reviewer_client):
    event = EventFactory()
    version = event.version

    reviewer_client.post(admin_url("events.event", "change", event.pk), event_form(title="New", loaded_version=version))

    assert Event.objects.get(pk=event.pk).version == version + 1


def test_a_stale_organisation_form_is_refused_too(reviewer_client):
    organisation = OrganisationFactory(description="first")
    stale = organisation_form(organisation, description="second")
    organisation.description = "someone else's"
    organisation.save()

    response = reviewer_client.post(admin_url("organisations.organisation", "change", organisation.pk), stale)

    assert "This organisation was changed by" in response.content.decode()
    assert Organisation.objects.get(pk=organisation.pk).description == "someone else's"
