"""Shared filter pieces (civicspace/filters.py)."""

import pytest
from django import forms

from civicspace.filters import QuickSelect, QuickSelectMultiple
from events.filters import EventFilter
from tests.factories import EventOrganisationFactory, OrganisationFactory, PublishedEventFactory


def test_a_quick_select_marks_the_chosen_options_and_escapes_labels():
    widget = QuickSelectMultiple(choices=[("a", "Alpha <b>"), ("b", "Beta"), ("c", "Gamma")])

    html = widget.render("organisation", ["a", "c"], attrs={"id": "id_organisation"})

    opening = html[: html.index(">") + 1]
    assert opening.startswith("<select ") and opening.endswith(" multiple>")
    assert 'name="organisation"' in opening and 'id="id_organisation"' in opening
    assert '<option value="a" selected>Alpha &lt;b&gt;</option>' in html
    assert '<option value="b">Beta</option>' in html
    assert '<option value="c" selected>Gamma</option>' in html


def test_a_quick_select_parses_like_django_s_own():
    class Form(forms.Form):
        choice = forms.ChoiceField(choices=[("", "---------"), ("x", "X")], widget=QuickSelect, required=False)

    form = Form({"choice": "x"})

    assert form.is_valid() and form.cleaned_data["choice"] == "x"
    assert '<option value="x" selected>X</option>' in str(form["choice"])
    assert '<option value="">---------</option>' in str(form["choice"])


@pytest.mark.django_db
def test_the_organisation_filter_keeps_the_chosen_organisations_and_lists_no_other():
    for name, slug in (("Kaoural Renouveau", "kaoural-renouveau"), ("SADI", "sadi")):
        EventOrganisationFactory(event=PublishedEventFactory(), organisation=OrganisationFactory(name=name, slug=slug))

    filterset = EventFilter({"organisation": ["sadi", "Kaoural renouveau"]})
    html = str(filterset.form["organisation"])

    assert filterset.is_valid(), filterset.errors
    assert '<input type="hidden" name="organisation" value="sadi">' in html
    assert '<input type="hidden" name="organisation" value="Kaoural renouveau">' in html
    # A box to add one more, suggestions coming from the site as one types: no list of every organisation.
    assert 'data-suggest="/suggest/organisations.json"' in html
    assert "<option" not in html
    assert filterset.form.fields["organisation"].labels == {"sadi": "SADI", "Kaoural renouveau": "Kaoural Renouveau"}
