"""The public lists of events (the events list, the timeline, the events of an organisation, a person or a source):
a page of the list's keys, then those events as the exports read them (events/export.py), in one query with their
organisations, people and sources as values.

Read as model instances with four prefetches, half of a list page's time at a million events went to building
instances and the prefetches' queries (bench/RESULTS.md). One event's own page still reads instances: it shows what
no list does (notes, quoted passages, who acted).
"""

from dataclasses import dataclass
from typing import NamedTuple

from django.utils.translation import get_language
from django_countries import countries

from civicspace.dates import Interval
from civicspace.models import choice_labels
from civicspace.pagination import ordering_keys
from civicspace.views import PAGE_SIZE, addresses, paged
from organisations.models import organisation_label

from .export import exported_events
from .models import Event, EventOrganisation, EventPerson, source_label


class Link(NamedTuple):
    """A record an event concerns or cites, as a row shows it: its page, its name, and the role the event gives it
    (its label in the reader's language; none for a source)."""

    url: str
    label: str
    role: str = ""


@dataclass(frozen=True)
class ListedEvent:
    """An event as the lists show it: the people the public may not see are only counted (``people_withheld``)."""

    pk: int
    url: str
    title: str
    event_type: str
    type_label: str
    date: Interval
    location: str
    country_name: str
    alleged: bool
    organisations: list
    people: list
    people_withheld: int
    sources: list
    citations: list  # the export's CitationRow of each: a source's page shows its quoted passages

    @property
    def timeline_year(self):
        """The year the timeline files the event under: the year of the day it stands at."""
        return self.date.position.year

    @property
    def timeline_month(self):
        """The first day of the month the timeline files the event under, or None unless both its bounds lie within
        one month (a date known only to the year, or approximate across months)."""
        date = self.date
        bounded = date.earliest and date.latest and date.earliest.month and date.latest.month
        if bounded and (date.earliest.year, date.earliest.month) == (date.latest.year, date.latest.month):
            return date.first_day.replace(day=1)
        return None


def listed_events(events):
    """A ``ListedEvent`` for each of ``events`` (a queryset, in its order), read in one query."""
    language = get_language()
    type_labels = choice_labels(Event._meta.get_field("event_type"), language)
    organisation_roles = choice_labels(EventOrganisation._meta.get_field("role"), language)
    person_roles = choice_labels(EventPerson._meta.get_field("role"), language)
    event_address = addresses("events:event-detail")
    organisation_address = addresses("organisations:organisation-detail")
    person_address = addresses("organisations:person-detail")
    source_address = addresses("events:source-detail")
    for event in exported_events(events, PAGE_SIZE):
        yield ListedEvent(
            pk=event["pk"],
            url=event_address(event["pk"]),
            title=event["title"],
            event_type=event["event_type"],
            type_label=type_labels.get(event["event_type"], event["event_type"]),
            date=event["date"],
            location=event["location"],
            country_name=countries.name(event["country"]),
            alleged=event["alleged"],
            organisations=[
                Link(
                    organisation_address(link.slug),
                    organisation_label(link.name, link.acronym),
                    organisation_roles.get(link.role, link.role),
                )
                for link in event["organisations"]
            ],
            people=[
                Link(person_address(person.slug), person.name, person_roles.get(person.role, person.role))
                for person in event["people"]
            ],
            people_withheld=event["people_withheld"],
            sources=[
                Link(source_address(source.source_id), source_label(source.publisher, source.title))
                for source in event["sources"]
            ],
            citations=event["citations"],
        )


def keys_of(events):
    """``events`` read for the keys of their order alone: what a page of a list of events is paged on."""
    return events.prefetch_related(None).only(*(key.name for key in ordering_keys(events)))


def of_page(rows, events):
    """``events`` narrowed to the page ``rows`` (read from ``keys_of(events)``), in the order of ``events``."""
    return events.filter(pk__in=[row.pk for row in rows])


def listed(rows, events):
    """The ``ListedEvent`` of each of ``rows`` (a page of ``keys_of(events)``), in their order."""
    return list(listed_events(of_page(rows, events)))


def paged_events(request, events):
    """The page of ``events`` (a queryset) that the request's cursor points to, as ``ListedEvent``s."""
    page = paged(request, keys_of(events))
    page.object_list = listed(page.object_list, events)
    return page


class ListedEventsMixin:
    """Put before a ``PublicFilterView`` of events: its pages are read as ``ListedEvent``s."""

    def page_rows(self, matching):
        return keys_of(matching)

    def page_records(self, rows, matching):
        return listed(rows, matching)
