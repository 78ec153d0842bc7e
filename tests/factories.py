import datetime

import factory
from django.contrib.auth.models import Group, User

from civicspace.dates import DatePrecision
from events.models import (
    Citation,
    Event,
    EventOrganisation,
    EventPerson,
    EventStatus,
    EventType,
    Role,
    Source,
)
from organisations.models import Affiliation, Organisation, OrganisationKind, Person


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


def staff_in(group_name, doc):
    """A factory for a staff member, not a superuser, in a group the roles migration creates."""

    class Factory(UserFactory):
        is_staff = True

        class Meta:
            skip_postgeneration_save = True

        @factory.post_generation
        def role(self, create, extracted, **kwargs):
            if create:
                self.groups.add(Group.objects.get(name=group_name))

    Factory.__doc__ = doc
    Factory.__name__ = Factory.__qualname__ = f"{group_name[:-1]}Factory"
    return Factory


ContributorFactory = staff_in("Contributors", "Writes and edits drafts; cannot publish.")
ReviewerFactory = staff_in("Reviewers", "Publishes, unpublishes, withdraws and edits published events.")
AdministratorFactory = staff_in("Administrators", "Manages users and groups.")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Association {n}")
    kind = OrganisationKind.ASSOCIATION
    country = "ML"
    slug = factory.Sequence(lambda n: f"association-{n}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person {n}")
    country = "ML"
    slug = factory.Sequence(lambda n: f"person-{n}")


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = "Member"


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "Human Rights Watch"
    published_on = datetime.date(2024, 3, 15)
    published_precision = DatePrecision.DAY


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    event_type = EventType.DISSOLUTION
    date = datetime.date(2024, 3, 6)
    date_precision = DatePrecision.DAY
    country = "ML"
    summary = "The authorities dissolved an association."
    status = EventStatus.DRAFT


class CitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "authorities dissolved the association"


class EventOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventOrganisation

    event = factory.SubFactory(EventFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.TARGET


class EventPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventPerson

    event = factory.SubFactory(EventFactory)
    person = factory.SubFactory(PersonFactory)
    role = Role.TARGET


class PublishedEventFactory(EventFactory):
    """A published event with one citation, as every public event has."""

    class Meta:
        skip_postgeneration_save = True

    status = EventStatus.PUBLISHED
    citation = factory.RelatedFactory(CitationFactory, factory_related_name="event")
