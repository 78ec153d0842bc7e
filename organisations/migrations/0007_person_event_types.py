from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisations", "0006_public_event_counts")]

    operations = [
        migrations.AddField(
            model_name="person",
            name="public_event_types",
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name="types of published events"),
        ),
    ]
