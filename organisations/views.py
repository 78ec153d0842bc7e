from functools import partial

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import DetailView

from civicspace.charts import dated_counts, period_chart
from civicspace.facets import remembered
from civicspace.models import public_events_of
from civicspace.views import CsvExportMixin, JsonExportMixin, PublicFilterView, joined, paged, suggestions
from civicspace.vocabulary import EVENT_TYPE_LABELS

from .filters import OrganisationFilter, PersonFilter
from .models import IDENTIFIED, Organisation, OrganisationStatus, Person
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
    csv_header = [
        "id",
        "name",
        "url",
        "acronym",
        "kind",
        "status",
        "status_event_url",
        "country",
        "events",
        "other_names",
        "description",
        "founded_edtf",
    ]

    def csv_row(self, organisation):
        status_set_by = ""
        if organisation.status != OrganisationStatus.ACTIVE and organisation.status_event_id:
            path = reverse("events:event-detail", kwargs={"pk": organisation.status_event_id})
            status_set_by = self.request.build_absolute_uri(path)
        return [
            organisation.pk,
            organisation.name,
            self.absolute_url(organisation),
            organisation.acronym,
            organisation.kind,
            organisation.status,
            status_set_by,
            organisation.country.code,
            organisation.event_count,
            joined(organisation.other_names_list),
            organisation.description,
            organisation.founded.edtf() if organisation.founded else "",
        ]


class OrganisationJsonView(JsonExportMixin, OrganisationCsvView):
    """``/organisations.json``: the rows and columns of ``/organisations.csv`` as JSON."""


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
        events = paged(self.request, public_events_of(organisation, "event_links").for_listing().timeline())
        return super().get_context_data(
            status_event=organisation.status_event(),
            events=events,
            chart=events_chart(organisation, _("Events concerning this organisation, by type")),
            page_obj=events,
            affiliations=organisation.affiliations.filter(person__in=members).select_related("person"),
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
    csv_header = ["id", "name", "url", "country", "description", "affiliations", "events", "other_names"]

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
    """``/people.json``: the rows and columns of ``/people.csv`` as JSON."""


class PersonDetailView(DetailView):
    context_object_name = "person"

    def get_object(self, queryset=None):
        # By the public address only: a pseudonymised person's own slug finds nothing.
        person = Person.objects.public().for_listing().with_public_slugs([self.kwargs["slug"]]).first()
        if person is None:
            raise Http404
        return person

    def get_context_data(self, **kwargs):
        events = paged(self.request, public_events_of(self.object, "event_links").for_listing().timeline())
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
