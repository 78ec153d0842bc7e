"""The words that events and the organisations and people they concern share: the closed lists both apps use."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# What the tracker calls itself where a page, feed or dataset names its publisher.
SITE_NAME = _("Civic Space Tracker")


class EventType(models.TextChoices):
    DISSOLUTION = "dissolution", _("Dissolution")
    SUSPENSION = "suspension", _("Suspension")
    FUNDING_RESTRICTION = "funding_restriction", _("Funding restriction")
    RESTRICTIVE_LAW = "restrictive_law", _("Restrictive law")
    ASSEMBLY_BAN = "assembly_ban", _("Assembly ban")
    PROTEST_REPRESSED = "protest_repressed", _("Protest repressed")
    CENSORSHIP = "censorship", _("Censorship")
    ARREST = "arrest", _("Arrest")
    ENFORCED_DISAPPEARANCE = "enforced_disappearance", _("Enforced disappearance")
    PROSECUTION = "prosecution", _("Prosecution")
    SENTENCE = "sentence", _("Sentence")
    EXILE = "exile", _("Exile")
    HARASSMENT = "harassment", _("Harassment")
    ATTACK = "attack", _("Attack")
    RELEASE = "release", _("Release")
    REINSTATEMENT = "reinstatement", _("Reinstatement")
    COURT_RULING = "court_ruling", _("Court ruling")
    STATEMENT = "statement", _("Statement")
    POLITICAL_TRANSITION = "political_transition", _("Political transition")
    DIPLOMATIC = "diplomatic", _("Diplomatic")
    CIVIL_SOCIETY_INITIATIVE = "civil_society_initiative", _("Civil-society initiative")


class Outcome(models.TextChoices):
    CARRIED_OUT = "carried_out", _("Carried out")
    ATTEMPTED = "attempted", _("Attempted but failed")
    REVERSED = "reversed", _("Later reversed")
    PENDING = "pending", _("Pending")


class Role(models.TextChoices):
    TARGET = "target", _("Target")
    PERPETRATOR = "perpetrator", _("Perpetrator")
    AUTHOR = "author", _("Author")
    SPOKESPERSON = "spokesperson", _("Spokesperson")
    SUPPORTER = "supporter", _("Supporter")
    OTHER = "other", _("Other")


ROLE_HELP = _(
    "Target: the measure is aimed at them. Perpetrator: they carried it out. Author: they made the statement "
    "or led the initiative. Spokesperson: they spoke for a party to it. Supporter: they funded or backed it."
)

# Each type's name (lazy: shown in the reader's language), for the charts' legends.
EVENT_TYPE_LABELS = dict(EventType.choices)
