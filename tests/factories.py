import types

import factory
from django.contrib.auth.models import Group, User

from civicspace.dates import DateCertainty, Interval, PartialDate
from events.models import (
    Citation,
    Event,
    EventOrganisation,
    EventPerson,
    EventStatus,
    EventType,
    Role,
    Source,
    SourceCopy,
)
from organisations.models import Affiliation, Organisation, OrganisationKind, Person, Protection


def on(year, month=None, day=None, certainty=DateCertainty.STATED):
    """A date as a source states it: ``on(2024)``, ``on(2024, 3)`` or ``on(2024, 3, 6)``."""
    return Interval.single(PartialDate(year, month, day), certainty)


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
    # Tests of protection set it themselves; the others are about people named in public.
    protection = Protection.PUBLIC


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
    published = factory.LazyFunction(lambda: on(2024, 3, 15))


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    title = factory.Sequence(lambda n: f"Event {n}")
    event_type = EventType.DISSOLUTION
    date = factory.LazyFunction(lambda: on(2024, 3, 6))
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


class SourceCopyFactory(factory.django.DjangoModelFactory):
    """A text copy of its source, which holds the factory citation's quote."""

    class Meta:
        model = SourceCopy

    source = factory.SubFactory(SourceFactory)
    text = "Yesterday the authorities dissolved the association by decree."


# Text that belongs only to drafts and to protected people: no public output may contain any of it.
SECRETS = [
    "Draft arrest of an activist",
    "Draft-only Org",
    "draft-only-org",
    "Draft-only Person",
    "draft-only-person",
    "Draft-only Source",
    "Aminata Secret",
    "Secret Other Name",
    "secret description",
    "aminata-secret",
    "Withheld Realname",
    "withheld-realname",
    "Pseudonymless Realname",
    "Unlisted Member",
]


def build_hidden_world():
    """A published event beside everything the public must not see: a draft and what only it concerns, a
    pseudonymised person, a withheld one, one pseudonymised without a pseudonym yet, and a member of a listed
    organisation whom no reviewer listed. Returns the records by name."""
    world = types.SimpleNamespace()
    world.event = PublishedEventFactory(title="Published dissolution", summary="The authorities dissolved it.")
    world.organisation = OrganisationFactory(name="Public Union", slug="public-union")
    EventOrganisationFactory(event=world.event, organisation=world.organisation)
    world.named = PersonFactory(name="Named Spokesperson", slug="named-spokesperson")
    world.pseudonymised = PersonFactory(
        name="Aminata Secret",
        other_names="Secret Other Name",
        description="secret description",
        slug="aminata-secret",
        country="ML",
        protection=Protection.PSEUDONYMISED,
        pseudonym="Student activist A",
        pseudonym_slug="student-activist-a",
    )
    world.withheld = PersonFactory(name="Withheld Realname", slug="withheld-realname", protection=Protection.WITHHELD)
    world.pseudonymless = PersonFactory(
        name="Pseudonymless Realname", slug="pseudonymless-realname", protection=Protection.PSEUDONYMISED
    )
    for person in (world.named, world.pseudonymised, world.withheld, world.pseudonymless):
        EventPersonFactory(event=world.event, person=person)
    AffiliationFactory(person=world.pseudonymised, organisation=world.organisation, role="Secretary-General")
    AffiliationFactory(person=world.withheld, organisation=world.organisation, role="Treasurer")

    world.draft = EventFactory(title="Draft arrest of an activist", event_type=EventType.ARREST)
    world.draft_organisation = OrganisationFactory(name="Draft-only Org", slug="draft-only-org")
    world.draft_person = PersonFactory(name="Draft-only Person", slug="draft-only-person")
    world.draft_source = SourceFactory(title="Draft-only Source")
    EventOrganisationFactory(event=world.draft, organisation=world.draft_organisation)
    EventPersonFactory(event=world.draft, person=world.draft_person)
    CitationFactory(event=world.draft, source=world.draft_source)

    world.listed = OrganisationFactory(name="Listed Federation", slug="listed-federation", listed=True)
    world.listed_member = PersonFactory(name="Listed Member", slug="listed-member", listed=True)
    world.unlisted_member = PersonFactory(name="Unlisted Member", slug="unlisted-member")
    for person in (world.listed_member, world.unlisted_member):
        AffiliationFactory(person=person, organisation=world.listed)
    return world
