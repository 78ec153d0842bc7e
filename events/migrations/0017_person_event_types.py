"""Each person's stored set of the types of their published events (``Person.public_event_types``), filled in for the
records that exist."""

from django.db import migrations
from django.db.models import Case, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

# civicspace.models.EVENT_TYPE_BITS as this migration found it.
EVENT_TYPES = [
    "dissolution",
    "suspension",
    "funding_restriction",
    "restrictive_law",
    "assembly_ban",
    "protest_repressed",
    "censorship",
    "arrest",
    "enforced_disappearance",
    "prosecution",
    "sentence",
    "exile",
    "harassment",
    "attack",
    "release",
    "reinstatement",
    "court_ruling",
    "statement",
    "political_transition",
    "diplomatic",
    "civil_society_initiative",
]


def store_event_types(apps, schema_editor):
    """What refresh_event_counts(Person) stores, with the models as they stand in this migration."""
    person, links = apps.get_model("organisations", "Person"), apps.get_model("events", "EventPerson")
    bit = Case(*(When(event__event_type=code, then=Value(1 << index)) for index, code in enumerate(EVENT_TYPES)))
    sets = (
        links.objects.filter(event__status="published", person=OuterRef("pk"))
        .order_by()
        .values("person")
        .annotate(types=Sum(Coalesce(bit, 0), distinct=True))
        .values("types")
    )
    person.objects.update(public_event_types=Coalesce(Subquery(sets), 0))


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0016_search_terms"),
        ("organisations", "0007_person_event_types"),
    ]

    operations = [migrations.RunPython(store_event_types, migrations.RunPython.noop, elidable=True)]
