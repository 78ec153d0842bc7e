"""The number of published events stored on each organisation, person and source (``public_event_count``).

``civicspace.models.refresh_event_counts()`` computes it; ``events/signals.py`` calls it on every write that can
change a count, and the seed, the benchmarks' data (bench/csv_memory.py) and ``manage.py event_counts`` for every
record at once.
"""

from django.db.models import F

from civicspace.models import refresh_event_counts
from events.models import Citation, EventOrganisation, EventPerson, Source
from organisations.models import Organisation, Person

# Each kind of link between an event and a record that counts its published events: (the record's model, the link's
# foreign key to it).
COUNTED_LINKS = {
    EventOrganisation: (Organisation, "organisation_id"),
    EventPerson: (Person, "person_id"),
    Citation: (Source, "source_id"),
}


def refresh_counts_of_event(event_pk):
    """Count again the published events of every organisation, person and source the event is linked to."""
    for link_model, (model, target) in COUNTED_LINKS.items():
        refresh_event_counts(model, link_model.objects.filter(event=event_pk).values(target))


def refresh_all_event_counts():
    """Count every record's published events again; the number of records whose count changed."""
    changed = 0
    for model, _target in COUNTED_LINKS.values():
        wrong = counts_out_of_step(model).values("pk")
        changed += refresh_event_counts(model, wrong)
    return changed


def counts_out_of_step(model):
    """``model``'s records whose stored count (or other field ``derived_from_events()`` names) differs from a fresh
    one, each with ``fresh_<field>``."""
    derived = model.derived_from_events()
    fresh = model._base_manager.annotate(**{f"fresh_{field}": expression for field, expression in derived.items()})
    return fresh.exclude(**{field: F(f"fresh_{field}") for field in derived})
