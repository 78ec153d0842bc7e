from django.urls import reverse
from django.views.generic import DetailView

from civicspace.views import CsvExportMixin, JsonExportMixin, PublicFilterView, joined
from events.models import Event, EventOrganisation, EventPerson

from .filters import OrganisationFilter, PersonFilter
from .models import Organisation, OrganisationStatus, Person


class OrganisationListView(PublicFilterView):
    filterset_class = OrganisationFilter
    template_name = "organisations/organisation_list.html"
    csv_url_name = "organisations:organisation-csv"
    json_url_name = "organisations:organisation-json"

    def get_queryset(self):
        # Built per request, not once at import: the status depends on today's date (a suspension ends).
        return Organisation.objects.for_listing()


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
        ]


class OrganisationJsonView(JsonExportMixin, OrganisationCsvView):
    """``/organisations.json``: the rows and columns of ``/organisations.csv`` as JSON."""


class OrganisationDetailView(DetailView):
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.for_listing()

    def get_context_data(self, **kwargs):
        organisation = self.object
        status, status_event = organisation.current_status(published_only=True)
        concerning = EventOrganisation.objects.filter(organisation=organisation).values("event")
        return super().get_context_data(
            status=status,
            status_event=status_event,
            events=Event.objects.published().filter(pk__in=concerning).for_listing().timeline(),
            affiliations=organisation.affiliations.select_related("person"),
            **kwargs,
        )


class PersonListView(PublicFilterView):
    filterset_class = PersonFilter
    queryset = Person.objects.for_listing()
    template_name = "organisations/person_list.html"
    csv_url_name = "organisations:person-csv"
    json_url_name = "organisations:person-json"


class PersonCsvView(CsvExportMixin, PersonListView):
    csv_name = "people"
    csv_header = ["id", "name", "url", "country", "description", "affiliations", "events", "other_names"]

    def csv_row(self, person):
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


class PersonJsonView(JsonExportMixin, PersonCsvView):
    """``/people.json``: the rows and columns of ``/people.csv`` as JSON."""


class PersonDetailView(DetailView):
    queryset = Person.objects.for_listing()
    context_object_name = "person"

    def get_context_data(self, **kwargs):
        concerning = EventPerson.objects.filter(person=self.object).values("event")
        events = Event.objects.published().filter(pk__in=concerning).for_listing().timeline()
        return super().get_context_data(events=events, **kwargs)
