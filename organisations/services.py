"""Finding organisations and people that look like ones already recorded, and merging two records into one."""

import unicodedata

from django.db import transaction
from django.db.models import Q

from organisations.models import Organisation, Person


def normalise(text):
    """The form two names share when they differ only by case, accents or spacing: "Société" and "societe"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(bare.casefold().split())


class LookAlikes:
    """Every organisation or person indexed by their normalised names (and, for organisations, acronym and country),
    so that many names can be checked against one read of the table.

    Normalising accents is not portable SQL, and the tracker holds thousands of records, not millions: revisit with
    a stored normalised column if that changes.
    """

    def __init__(self, model):
        fields = ["name", "other_names"] + (["acronym", "country"] if model is Organisation else [])
        self.by_name, self.by_acronym = {}, {}
        for record in model.objects.only(*fields):
            for name in [record.name, *record.other_names_list]:
                self.by_name.setdefault(normalise(name), []).append(record)
            if getattr(record, "acronym", ""):
                self.by_acronym.setdefault((normalise(record.acronym), str(record.country)), []).append(record)

    def like(self, name, acronym="", country="", exclude_pk=None):
        """Records named ``name`` (ignoring case and accents), or with ``acronym`` in ``country``."""
        found = self.by_name.get(normalise(name), []) if normalise(name) else []
        if normalise(acronym):
            found = found + self.by_acronym.get((normalise(acronym), country), [])
        return [record for record in dict.fromkeys(found) if record.pk != exclude_pk]


def similar_organisations(name, acronym="", country="", exclude_pk=None):
    """Organisations named ``name`` (or with it among their other names), or with the same acronym in the same
    country."""
    return LookAlikes(Organisation).like(name, acronym, str(country or ""), exclude_pk)


def public_address_taken(slug, exclude_pk, field):
    """Whether another person's slug or pseudonym's slug is already ``slug``: the public address of one person must
    never lead to another."""
    others = Person.objects.exclude(pk=exclude_pk)
    return others.filter(Q(slug=slug) | Q(pseudonym_slug=slug)).exists()


def similar_people(name, exclude_pk=None):
    """People named ``name`` (or with it among their other names)."""
    return LookAlikes(Person).like(name, exclude_pk=exclude_pk)


def merge_organisations(keep, other):
    """Move every event link and affiliation of ``other`` to ``keep``, keep its names, then delete it.

    Citations belong to events and sources, not to organisations, so they need no moving.
    """
    with transaction.atomic():
        keep, other = _locked(keep, other)
        _move_links(other.event_links.all(), "organisation", keep, clash=["event", "role"])
        _move_links(other.affiliations.all(), "organisation", keep, clash=["person", "role"])
        extra = [other.name, *other.other_names_list]
        if other.acronym and not keep.acronym:
            keep.acronym = other.acronym
        elif other.acronym and normalise(other.acronym) != normalise(keep.acronym):
            extra.append(other.acronym)
        if other.founded and not keep.founded:
            keep.founded = other.founded
        _absorb(keep, other, extra, fill=["description", "country"])
    return keep


def merge_people(keep, other):
    """Move every event link and affiliation of ``other`` to ``keep``, keep their names, then delete them."""
    with transaction.atomic():
        keep, other = _locked(keep, other)
        _move_links(other.event_links.all(), "person", keep, clash=["event", "role"])
        _move_links(other.affiliations.all(), "person", keep, clash=["organisation", "role"])
        _absorb(keep, other, [other.name, *other.other_names_list], fill=["description", "country"])
    return keep


def _locked(keep, other):
    """Both records as stored now, locked until the merge commits, so no edit made meanwhile is lost."""
    rows = type(keep)._base_manager.select_for_update().in_bulk([keep.pk, other.pk])
    return rows[keep.pk], rows[other.pk]


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
