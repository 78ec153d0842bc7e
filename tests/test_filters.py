"""Shared filter pieces (civicspace/filters.py)."""

import pytest
from django import forms

from civicspace.filters import QuickSelect, QuickSelectMultiple
from events.filters import EventFilter
from tests.factories import OrganisationFactory


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
def test_the_organisation_filter_keeps_the_chosen_organisation_selected():
    OrganisationFactory(name="Kaoural Renouveau", slug="kaoural-renouveau")
    OrganisationFactory(name="SADI", slug="sadi")

    html = str(EventFilter({"organisation": ["sadi"]}).form["organisation"])

    assert '<option value="sadi" selected>SADI</option>' in html
    assert '<option value="kaoural-renouveau">Kaoural Renouveau</option>' in html
