from functools import partial

from django.db.models import Exists, OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from civicspace.charts import dated_counts, period_chart
from civicspace.dates import PARTS as DATE_PARTS
from civicspace.dates import interval_from_columns, interval_json, popolo_date
from civicspace.facets import remembered
from civicspace.models import public_events_of
from civicspace.opendata import COUNTRY_PATTERN, Column, choice, events_count_column, identifier, many, page_address
from civicspace.views import CsvExportMixin, JsonExportMixin, PublicFilterView, joined, suggestions
from civicspace.vocabulary import EVENT_TYPE_LABELS
from events.listing import paged_events

from .filters import OrganisationFilter, PersonFilter
from .models import IDENTIFIED, Organisation, OrganisationKind, OrganisationStatus, Person
from .signals import statuses_read


def events_chart(record, title):
    """The small chart of a record's published events over time, by type; kept until the public data changes."""
    name = f"{record._meta.model_name} {record.pk} chart"
    groups = remembered(partial(dated_counts, public_events_of(record, "event_links")), name)
    return period_chart(groups, EVENT_TYPE_LABELS, "record-chart", title, small=True)


class OrganisationListView(PublicFilterView):
    filterset_class = OrganisationFilter
    template_name = "organisations/organisation_list.html"
    csv_url_name = "organisations:organisation-csv"
    json_url_name = "organisations:organisation-json"

    def get_queryset(self):
        statuses_read.send(sender=Organisation)
        return Organisation.objects.public().for_listing().order_by("name", "pk")


class OrganisationCsvView(CsvExportMixin, OrganisationListView):
    csv_name = "organisations"
    csv_columns = [
        identifier("The organisation's number."),
        Column("name", "string", "The name most used in the sources.", constraints={"required": True}),
        page_address("The organisation's page on the site."),
        Column("acronym", "string", "Its acronym, only if a source gives one."),
        choice("kind", OrganisationKind, "What kind of organisation it is.", required=True),
        choice(
            "status",
            OrganisationStatus,
            "Its current status, derived from the published dissolutions, suspensions and reinstatements.",
            required=True,
        ),
        Column(
            "status_event_url",
            "string",
            "The page of the published event that set a status other than active (an url of events.csv).",
            format="uri",
        ),
        Column(
            "country",
            "string",
            "Where it is based (ISO 3166-1 alpha-2); blank for international bodies.",
            constraints={"pattern": COUNTRY_PATTERN},
        ),
        events_count_column("How many published events concern it."),
        many("other_names", "Its other names: in other languages, former names, spellings."),
        Column("description", "string", "A description."),
        Column("founded_edtf", "string", "When it was founded, in the Extended Date/Time Format; blank if not known."),
    ]
    csv_title = "Organisations"
    csv_description = (
        "The organisations published events concern (as targets, perpetrators or otherwise), or that reviewers "
        "listed, with their current status."
    )
    csv_foreign_keys = [
        {"fields": "status_event_url", "reference": {"resource": "events", "fields": "url"}},
    ]

    def status_event_url(self, organisation):
        """The page of the event that set a status other than active, or ""."""
        if organisation.status == OrganisationStatus.ACTIVE or not organisation.status_event_id:
            return ""
        path = reverse("events:event-detail", kwargs={"pk": organisation.status_event_id})
        return self.request.build_absolute_uri(path)

    def csv_row(self, organisation):
        return [
            organisation.pk,
            organisation.name,
            self.absolute_url(organisation),
            organisation.acronym,
            organisation.kind,
            organisation.status,
            self.status_event_url(organisation),
            organisation.country.code,
            organisation.event_count,
            joined(organisation.other_names_list),
            organisation.description,
            organisation.founded.edtf() if organisation.founded else "",
        ]


class OrganisationJsonView(JsonExportMixin, OrganisationCsvView):
    """``/organisations.json``: the organisations of ``/organisations.csv`` with Popolo's field names where they
    overlap (https://www.popoloproject.com/specs/organization.html)."""

    def get_queryset(self):
        # The day a dissolution took effect: the date of the event that set the status, read with the row.
        events = Organisation._meta.get_field("events").related_model.objects.filter(pk=OuterRef("status_event_id"))
        return (
            super()
            .get_queryset()
            .annotate(
                **{f"status_event_{part}": Subquery(events.values(f"date_{part}")[:1]) for part in DATE_PARTS},
            )
        )

    def json_record(self, organisation):
        dissolved_on = None
        if organisation.status == OrganisationStatus.DISSOLVED:
            dissolved_on = interval_from_columns(
                *(getattr(organisation, f"status_event_{part}") for part in DATE_PARTS)
            )
        return {
            "id": organisation.pk,
            "name": organisation.name,
            "url": self.absolute_url(organisation),
            "acronym": organisation.acronym,
            "other_names": [{"name": name} for name in organisation.other_names_list],
            "classification": organisation.kind,
            "country": organisation.country.code or None,
            "description": organisation.description,
            "founding_date": popolo_date(organisation.founded),
            "founded": interval_json(organisation.founded),
            "dissolution_date": popolo_date(dissolved_on),
            "dissolved": interval_json(dissolved_on),
            "status": organisation.status,
            "status_event_url": self.status_event_url(organisation) or None,
            "events": organisation.event_count,
            "links": [{"url": self.absolute_url(organisation), "note": "Civic Space Tracker"}],
        }


class OrganisationDetailView(DetailView):
    context_object_name = "organisation"

    def get_queryset(self):
        statuses_read.send(sender=Organisation)
        return Organisation.objects.public().for_listing()

    def get_context_data(self, **kwargs):
        organisation = self.object
        # Only people the public may identify are named as its members; a pseudonym beside an affiliation would
        # say who is behind it.
        members = Person.objects.public().filter(IDENTIFIED)
        events = paged_events(self.request, public_events_of(organisation, "event_links").timeline())
        return super().get_context_data(
            status_event=organisation.status_event(),
            events=events,
            chart=events_chart(organisation, _("Events concerning this organisation, by type")),
            page_obj=events,
            # Asked of each affiliation: as "person IN (members)", SQLite listed every member first (0.2 s at
            # 100,000 people, for an organisation with none).
            affiliations=organisation.affiliations.filter(
                Exists(members.filter(pk=OuterRef("person_id")))
            ).select_related("person"),
            **kwargs,
        )


def withheld_people_count():
    """How many people published events concern whom the public may not see, said beside every list of people."""
    return remembered(Person.objects.withheld().count, "withheld people")


class PersonListView(PublicFilterView):
    filterset_class = PersonFilter
    queryset = Person.objects.public().for_listing().order_by("name_shown", "pk")
    template_name = "organisations/person_list.html"
    csv_url_name = "organisations:person-csv"
    json_url_name = "organisations:person-json"

    def get_context_data(self, **kwargs):
        return super().get_context_data(withheld_count=withheld_people_count(), **kwargs)


class PersonCsvView(CsvExportMixin, PersonListView):
    csv_name = "people"
    csv_columns = [
        identifier("The person's number."),
        Column(
            "name",
            "string",
            "Their public name: the name of a person shown by name, the pseudonym of a pseudonymised person.",
            constraints={"required": True},
        ),
        page_address("Their page on the site (made from the pseudonym for a pseudonymised person)."),
        Column(
            "country",
            "string",
            "Their country (ISO 3166-1 alpha-2); blank for a pseudonymised person.",
            constraints={"pattern": COUNTRY_PATTERN},
        ),
        Column("description", "string", "Who they are, as the sources say; blank for a pseudonymised person."),
        many(
            "affiliations",
            'Their affiliations with public organisations, as "organisation, role"; blank for a pseudonymised person.',
        ),
        events_count_column("How many published events concern them."),
        many("other_names", "Their other names; blank for a pseudonymised person."),
    ]
    csv_title = "People"
    csv_description = (
        "The people published events concern, or listed by reviewers, whom the public may see: by name, or by a "
        "pseudonym only for people at risk. People whose identity is withheld are not in it (each event counts them)."
    )

    def csv_row(self, person):
        if not person.is_identified:
            return [person.pk, person.public_name, self.absolute_url(person), "", "", "", person.event_count, ""]
        return [
            person.pk,
            person.name,
            self.absolute_url(person),
            person.country.code,
            person.description,
            joined(
                f"{affiliation.organisation}, {affiliation.role}" if affiliation.role else affiliation.organisation
                for affiliation in person.affiliations.all()
            ),
            person.event_count,
            joined(person.other_names_list),
        ]

    def export_response(self, rows):
        response = super().export_response(rows)
        # The rows hold only the people the public may see; the others are counted, so totals stay honest.
        response["X-Withheld-People"] = str(withheld_people_count())
        return response


class PersonJsonView(JsonExportMixin, PersonCsvView):
    """``/people.json``: the people of ``/people.csv`` with Popolo's field names where they overlap
    (https://www.popoloproject.com/specs/person.html). A pseudonymised person has only the pseudonym, the address
    and the count: the identifying fields are empty."""

    def counted(self, matching):
        return super().counted(matching) | {"people_withheld": withheld_people_count()}

    def json_record(self, person):
        record = {
            "id": person.pk,
            "name": person.public_name,
            "url": self.absolute_url(person),
            "pseudonymised": not person.is_identified,
            "other_names": [],
            "summary": "",
            "country": None,
            "memberships": [],
            "events": person.event_count,
            "links": [{"url": self.absolute_url(person), "note": "Civic Space Tracker"}],
        }
        if person.is_identified:
            record |= {
                "other_names": [{"name": name} for name in person.other_names_list],
                "summary": person.description,
                "country": person.country.code or None,
                "memberships": [
                    {
                        "organization_id": affiliation.organisation_id,
                        "organization_name": affiliation.organisation.name,
                        "organization_url": self.absolute_url(affiliation.organisation),
                        "role": affiliation.role,
                        "start_date": popolo_date(affiliation.joined),
                        "end_date": popolo_date(affiliation.left),
                        "started": interval_json(affiliation.joined),
                        "ended": interval_json(affiliation.left),
                    }
                    for affiliation in person.affiliations.all()
                ],
            }
        return record


class PersonDetailView(DetailView):
    context_object_name = "person"

    def get_object(self, queryset=None):
        # By the public address only: a pseudonymised person's own slug finds nothing.
        person = Person.objects.public().for_listing().with_public_slugs([self.kwargs["slug"]]).first()
        if person is None:
            raise Http404
        return person

    def get_context_data(self, **kwargs):
        events = paged_events(self.request, public_events_of(self.object, "event_links").timeline())
        chart = events_chart(self.object, _("Events concerning this person, by type"))
        return super().get_context_data(events=events, page_obj=events, chart=chart, **kwargs)


def suggest_organisations(request):
    organisations = Organisation.objects.public().order_by("name")
    return suggestions(request, organisations, ["name", "acronym"], lambda record: record.slug, str)


def suggest_people(request):
    # By the name the public knows them by: a pseudonymised person is never found by their own name.
    people = Person.objects.public().order_by("name_shown")
    return suggestions(
        request, people, ["name_shown"], lambda person: person.public_slug, lambda person: person.public_name
    )
