from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "events"
    verbose_name = _("Events and sources")

    def ready(self):
        from events import signals  # noqa: F401  (connects the receivers that keep statuses in step)
        from events.status import refresh_expired_statuses
        from organisations.signals import statuses_read

        statuses_read.connect(
            lambda sender, **kwargs: refresh_expired_statuses(), weak=False, dispatch_uid="refresh_expired_statuses"
        )
