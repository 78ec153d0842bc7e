"""Text is clean at the door (forms refuse control characters, imports take them out) and safe at the exit."""

import pytest
from django.core.exceptions import ValidationError
from django.forms import CharField
from django.urls import reverse
from django.utils import translation

from civicspace.dates import DatePrecision
from civicspace.text import normalise_line_breaks, strip_control_characters, validate_no_control_characters
from events.models import Event, EventStatus
from tests.admin_records import PROJECT_ADMINS, admin_url, build
from tests.browser_form import as_post_data, submitted_data
from tests.factories import CitationFactory, PublishedEventFactory
from tests.test_import import EVENT_HEADER, as_csv, check_and_commit, event_row
from tests.test_round_trip import row

REFUSED = ["\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f", "\x80", "\x85", "\x9f"]
KEPT = ["\t", "\n", " ", "\xa0", "é", "\u2028", "🙂"]


@pytest.mark.parametrize("character", ["\x00", *REFUSED])
def test_every_control_character_but_tab_and_line_feed_is_refused_and_named(character):
    with pytest.raises(ValidationError) as refusal:
        validate_no_control_characters(f"before{character}after")

    assert refusal.value.params == {"character": f"U+{ord(character):04X}"}


@pytest.mark.parametrize("character", KEPT)
def test_tabs_line_feeds_and_printable_characters_are_accepted(character):
    validate_no_control_characters(f"before{character}after")


def test_line_breaks_are_read_as_line_feeds_whether_written_crlf_or_cr_alone():
    assert normalise_line_breaks("one\r\ntwo\rthree\n\nfour") == "one\ntwo\nthree\n\nfour"


def test_stripping_keeps_tabs_and_line_breaks_and_takes_out_the_rest():
    assert strip_control_characters("a\tb\r\nc\x0bd\x00e\x85f\x7f") == "a\tb\ncdef"


def test_the_message_is_in_french_for_a_french_editor():
    with pytest.raises(ValidationError) as refusal:
        validate_no_control_characters("\x0b")

    with translation.override("fr"):
        message = refusal.value.messages[0]
    assert "caractère de contrôle" in message and "U+000B" in message


def text_fields(page):
    """The names, as posted, of every text field of the page's main form and of its inline rows."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms.extend(inline.formset.initial_forms)
    return [
        form.add_prefix(name) for form in forms for name, field in form.fields.items() if isinstance(field, CharField)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
def test_every_text_field_of_every_admin_form_and_inline_refuses_a_control_character(reviewer_client, model_admin):
    record = build(model_admin, DatePrecision.DAY, "reviewer")
    before = row(record)
    url = admin_url(model_admin, "change", record.pk)
    page = reviewer_client.get(url)
    sent = as_post_data(submitted_data(page.content.decode(), submitter="_save"))
    names = text_fields(page)
    assert len(names) >= 3

    for index, name in enumerate(names):
        character = REFUSED[index % len(REFUSED)]
        response = reviewer_client.post(url, {**sent, name: [f"{sent[name][0]} with{character}inside"]})

        assert response.status_code == 200, name
        assert f"invisible control character (U+{ord(character):04X})" in response.content.decode(), name
    assert row(record) == before


@pytest.mark.django_db
def test_a_textareas_lines_sent_as_crlf_or_cr_are_stored_as_line_feeds(reviewer_client):
    event = CitationFactory().event
    url = reverse("admin:events_event_change", args=[event.pk])
    sent = as_post_data(submitted_data(reviewer_client.get(url).content.decode(), submitter="_save"))

    reviewer_client.post(url, {**sent, "summary": ["One line\r\nthe next\rand the last"]})

    event.refresh_from_db()
    assert event.summary == "One line\nthe next\nand the last"


@pytest.mark.django_db
def test_the_withdrawal_reason_refuses_a_control_character_and_withdraws_nothing(reviewer_client):
    event = PublishedEventFactory()

    response = reviewer_client.post(
        reverse("admin:events_event_changelist"),
        {"action": "withdraw", "_selected_action": [event.pk], "reason": "Retracted\x1b"},
    )

    assert "invisible control character (U+001B)" in response.content.decode()
    event.refresh_from_db()
    assert event.status == EventStatus.PUBLISHED


@pytest.mark.django_db
def test_an_import_takes_control_characters_out_of_every_cell_and_stores_line_feeds(reviewer_client):
    row_with_controls = event_row(title="Kaoural\x0b Renouveau\x85 dissolved", summary="First line\r\nsecond\x1b line")

    check_and_commit(reviewer_client, "events", as_csv(EVENT_HEADER, [row_with_controls]))

    event = Event.objects.get()
    assert (event.title, event.summary) == ("Kaoural Renouveau dissolved", "First line\nsecond line")
