"""Finding organisations and people that look like ones already recorded, and merging two records into one."""

import unicodedata

from django.db import transaction

from organisations.models import Organisation, Person


def normalise(text):
    """The form two names share when they differ only by case, accents or spacing: "Société" and "societe"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


def known_names(record):
    return {normalise(name) for name in [record.name, *record.other_names_list]}


# Both lookups read every record once and compare in Python: normalising accents is not portable SQL, and the
# tracker holds thousands of organisations, not millions. Revisit with a stored normalised column if that changes.
def similar_organisations(name, acronym="", country="", exclude_pk=None):
    """Organisations whose name (or one of their other names) matches ``name``, or with the same acronym in the
    same country."""
    key, short = normalise(name), normalise(acronym)
    candidates = Organisation.objects.exclude(pk=exclude_pk).only("name", "acronym", "other_names", "country")
    return [
        organisation
        for organisation in candidates
        if (key and key in known_names(organisation))
        or (short and normalise(organisation.acronym) == short and organisation.country == country)
    ]


def similar_people(name, exclude_pk=None):
    """People whose name (or one of their other names) matches ``name``."""
    key = normalise(name)
    candidates = Person.objects.exclude(pk=exclude_pk).only("name", "other_names")
    return [person for person in candidates if key and key in known_names(person)]


def merge_organisations(keep, other):
    """Move every event link and affiliation of ``other`` to ``keep``, keep its names, then delete it.

    Citations belong to events and sources, not to organisations, so they need no moving.
    """
    with transaction.atomic():
        _move_links(other.event_links.all(), "organisation", keep, clash=["event", "role"])
        _move_links(other.affiliations.all(), "organisation", keep, clash=["person", "role"])
        extra = [other.name, *other.other_names_list]
        if other.acronym and not keep.acronym:
            keep.acronym = other.acronym
        elif other.acronym and normalise(other.acronym) != normalise(keep.acronym):
            extra.append(other.acronym)
        if other.founded_on and not keep.founded_on:
            keep.founded_on, keep.founded_precision = other.founded_on, other.founded_precision
        _absorb(keep, other, extra, fill=["description", "country"])
    return keep


def merge_people(keep, other):
    """Move every event link and affiliation of ``other`` to ``keep``, keep their names, then delete them."""
    with transaction.atomic():
        _move_links(other.event_links.all(), "person", keep, clash=["event", "role"])
        _move_links(other.affiliations.all(), "person", keep, clash=["organisation", "role"])
        _absorb(keep, other, [other.name, *other.other_names_list], fill=["description", "country"])
    return keep


def _move_links(links, field, keep, clash):
    """Point each link at ``keep``; a link ``keep`` already has (same ``clash`` fields) is dropped instead."""
    for link in links.select_for_update():
        same = {name: getattr(link, name if name == "role" else f"{name}_id") for name in clash}
        if type(link)._default_manager.filter(**{field: keep}, **same).exists():
            link.delete()
        else:
            setattr(link, field, keep)
            link.save()


def _absorb(keep, other, names, fill):
    """Add ``names`` to ``keep``'s other names (each once), fill ``keep``'s empty ``fill`` fields, delete ``other``."""
    seen = {normalise(name) for name in [keep.name, *keep.other_names_list]}
    added = []
    for name in names:
        if normalise(name) not in seen:
            seen.add(normalise(name))
            added.append(name)
    keep.other_names = "\n".join([*keep.other_names_list, *added])
    for field in fill:
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    # Delete first: a unique name the two share must be free before ``keep`` takes the other's details.
    other.delete()
    keep.save()
