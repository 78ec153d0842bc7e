from django.db import migrations
from django.utils import timezone

from events.status import Measure, derive

STATUS_TYPES = ["dissolution", "suspension", "reinstatement"]
FIELDS = ["pk", "event_type", "date_sort", "date_latest", "end_date"]


def derive_every_status(apps, schema_editor):
    # The stored status starts as the one derived from the events already published (events/status.py).
    Organisation = apps.get_model("organisations", "Organisation")
    Event = apps.get_model("events", "Event")
    EventOrganisation = apps.get_model("events", "EventOrganisation")
    counting = Event.objects.filter(status="published", outcome="carried_out", event_type__in=STATUS_TYPES)
    measures = {}
    named = EventOrganisation.objects.filter(role="target", event__in=counting)
    for organisation_pk, *values in named.values_list("organisation_id", *(f"event__{field}" for field in FIELDS)):
        measures.setdefault(organisation_pk, set()).add(Measure(*values))
    today = timezone.localdate()
    for organisation_pk, found in measures.items():
        status, event_pk, until = derive(found, today)
        Organisation.objects.filter(pk=organisation_pk).update(
            status=status, status_event_id=event_pk, status_until=until
        )


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0007_group_targets_and_claims"),
        ("organisations", "0005_stored_status"),
    ]

    operations = [migrations.RunPython(derive_every_status, migrations.RunPython.noop)]
