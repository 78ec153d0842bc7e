"""Contributors write drafts, reviewers publish, administrators manage users; no route lets a contributor publish."""

import pytest
from django.contrib.auth.models import Group

from events.admin import EventAdminForm
from events.models import Event, EventStatus
from events.services import publish_events, unpublish_events
from tests.factories import CitationFactory, EventFactory, PublishedEventFactory, SourceFactory
from tests.test_admin import admin_url, change_form, event_form

pytestmark = pytest.mark.django_db


def codenames(group_name):
    return set(Group.objects.get(name=group_name).permissions.values_list("codename", flat=True))


def test_the_migrations_create_three_roles_and_only_reviewers_may_publish():
    assert "publish_event" in codenames("Reviewers")
    assert "publish_event" not in codenames("Contributors")
    assert {"add_event", "change_event", "add_organisation", "change_source", "delete_event"} <= codenames(
        "Contributors"
    )
    assert {"add_user", "change_user", "delete_user", "change_group"} <= codenames("Administrators")
    assert not any(name.endswith("_event") for name in codenames("Administrators"))
    assert not Group.objects.filter(name="Editors").exists()


def test_a_contributor_posting_status_published_on_the_form_gets_a_draft(contributor_client, contributor):
    source = SourceFactory()

    response = contributor_client.post(
        admin_url("events.event", "add"),
        event_form(**{"status": "published", "citations-0-source": source.pk, "citations-0-quote": "dissolved"}),
    )

    assert response.status_code == 302
    event = Event.objects.get()
    assert (event.status, event.published_at, event.created_by) == (EventStatus.DRAFT, None, contributor)


def test_the_event_form_refuses_a_status_change_to_published_without_the_permission():
    event = CitationFactory().event
    form_class = type("Form", (EventAdminForm,), {"can_publish": False})
    data = event_form(status="published", title=event.title, loaded_version=event.version)

    form = form_class(data, instance=event)

    assert not form.is_valid()
    assert "Only reviewers can publish" in str(form.errors)


def test_a_contributor_cannot_run_the_publish_action(contributor_client):
    event = CitationFactory().event

    contributor_client.post(
        admin_url("events.event", "changelist"), {"action": "publish", "_selected_action": [event.pk]}
    )

    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT
    changelist = contributor_client.get(admin_url("events.event", "changelist"))
    assert "publish" not in dict(changelist.context["action_form"].fields["action"].choices)


def test_a_contributor_sees_a_published_event_read_only_and_cannot_post_changes(contributor_client):
    event = PublishedEventFactory(title="As published")

    page = contributor_client.get(admin_url("events.event", "change", event.pk))
    response = contributor_client.post(
        admin_url("events.event", "change", event.pk), event_form(title="Changed", loaded_version=event.version)
    )

    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.title == "As published"


def test_a_contributor_cannot_publish_by_restoring_a_published_version_from_history(contributor_client, reviewer):
    event = CitationFactory().event
    publish_events(Event.objects.filter(pk=event.pk), reviewer)
    published_version = event.history.get(status=EventStatus.PUBLISHED)
    unpublish_events(Event.objects.filter(pk=event.pk), reviewer)
    event.refresh_from_db()
    url = admin_url("events.event", "simple_history", event.pk, published_version.history_id)

    response = contributor_client.post(url, event_form(title=event.title, loaded_version=event.version))

    assert "Only reviewers can publish" in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.DRAFT


def test_a_reviewer_publishing_from_the_form_is_recorded_as_the_publisher(reviewer_client, reviewer):
    citation = CitationFactory()
    event = citation.event

    response = reviewer_client.post(
        admin_url("events.event", "change", event.pk), change_form(citation, status="published")
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert (event.status, event.published_by) == (EventStatus.PUBLISHED, reviewer)
    assert event.published_at is not None


def test_the_publish_action_records_who_published_and_unpublishing_clears_it(reviewer_client, reviewer):
    event = CitationFactory().event

    reviewer_client.post(admin_url("events.event", "changelist"), {"action": "publish", "_selected_action": [event.pk]})
    event.refresh_from_db()
    assert (event.published_by, event.published_at is not None) == (reviewer, True)

    reviewer_client.post(
        admin_url("events.event", "changelist"), {"action": "unpublish", "_selected_action": [event.pk]}
    )
    event.refresh_from_db()
    assert (event.status, event.published_by, event.published_at) == (EventStatus.DRAFT, None, None)


def test_a_contributor_may_delete_a_draft(contributor_client):
    event = EventFactory()

    response = contributor_client.post(admin_url("events.event", "delete", event.pk), {"post": "yes"})

    assert response.status_code == 302
    assert not Event.objects.filter(pk=event.pk).exists()


@pytest.mark.parametrize("status", [EventStatus.PUBLISHED, EventStatus.WITHDRAWN])
def test_nobody_deletes_a_public_event_from_its_page(reviewer_client, status):
    event = PublishedEventFactory(status=status)

    response = reviewer_client.post(admin_url("events.event", "delete", event.pk), {"post": "yes"})

    assert response.status_code == 403
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_delete_selected_action_cannot_delete_a_published_event(reviewer_client):
    draft, published = EventFactory(), PublishedEventFactory()

    response = reviewer_client.post(
        admin_url("events.event", "changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
    )

    assert response.status_code == 403
    assert Event.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2


def test_a_reviewer_withdraws_a_published_event_with_a_reason(reviewer_client, reviewer):
    event = PublishedEventFactory()
    url = admin_url("events.event", "changelist")

    confirmation = reviewer_client.post(url, {"action": "withdraw", "_selected_action": [event.pk]})
    reviewer_client.post(
        url, {"action": "withdraw", "_selected_action": [event.pk], "reason": "The source retracted its report."}
    )

    assert "Reason for withdrawal" in confirmation.content.decode()
    event.refresh_from_db()
    assert (event.status, event.withdrawn_by, event.withdrawal_reason) == (
        EventStatus.WITHDRAWN,
        reviewer,
        "The source retracted its report.",
    )
    assert event.history.filter(status=EventStatus.WITHDRAWN).exists()


def test_a_contributor_cannot_withdraw(contributor_client):
    event = PublishedEventFactory()

    contributor_client.post(
        admin_url("events.event", "changelist"),
        {"action": "withdraw", "_selected_action": [event.pk], "reason": "no"},
    )

    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


def test_a_contributor_drafts_an_article_and_a_reviewer_publishes_it_with_each_step_in_the_history(
    contributor_client, contributor, reviewer_client, reviewer
):
    source = SourceFactory(title="Mali Deepens Crackdown on Civil Society")
    contributor_client.post(
        admin_url("events.event", "add"),
        event_form(**{"citations-0-source": source.pk, "citations-0-quote": "authorities dissolved"}),
    )
    event = Event.objects.get()

    reviewer_client.post(admin_url("events.event", "changelist"), {"action": "publish", "_selected_action": [event.pk]})
    history = reviewer_client.get(admin_url("events.event", "history", event.pk))

    steps = [(entry.status, entry.history_user) for entry in event.history.order_by("history_date")]
    assert steps == [(EventStatus.DRAFT, contributor), (EventStatus.PUBLISHED, reviewer)]
    text = history.content.decode()
    assert contributor.username in text and reviewer.username in text and "Published" in text
    assert "authorities dissolved" in text  # the citation's creation, in the same page
