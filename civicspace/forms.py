"""Form pieces shared by the apps: entering a date as the sources bound it; refusing stale saves; text without
control characters."""

from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from civicspace.dates import Interval, PartialDate, bound_columns, interval_to_columns
from civicspace.text import normalise_line_breaks, validate_no_control_characters


def link_field(model, name, label):
    """The form field for a model's optional link: an address typed without its scheme is taken as https."""
    field = model._meta.get_field(name)
    return forms.URLField(
        label=label, required=False, max_length=field.max_length, assume_scheme="https", help_text=field.help_text
    )


def partial_date_widgets(prefix="", label=""):
    """Day, month and year boxes, so that "March 2024" is typed as it is written, with no made-up day."""
    described = f"{label}: " if label else ""
    return {
        f"{prefix}day": forms.NumberInput(
            # vIntegerField: the admin's own width for a number box (HTML allows no size on a number input).
            attrs={
                "min": 1,
                "max": 31,
                "class": "vIntegerField",
                "placeholder": _("day"),
                "aria-label": f"{described}{_('Day')}",
            }
        ),
        f"{prefix}month": forms.Select(
            choices=[("", _("month")), *MONTHS.items()], attrs={"aria-label": f"{described}{_('Month')}"}
        ),
        f"{prefix}year": forms.NumberInput(
            attrs={
                "min": 1000,
                "max": 2999,
                "class": "vIntegerField",
                "placeholder": _("year"),
                "aria-label": f"{described}{_('Year')}",
            }
        ),
    }


class IntervalShape:
    """How the typed date bounds the event: exactly that day, month or year; between it and a second date; or only
    on one side."""

    EXACTLY = ""
    BETWEEN = "between"
    NO_LATER_THAN = "no_later_than"
    NO_EARLIER_THAN = "no_earlier_than"
    CHOICES = [
        (EXACTLY, _("exactly (that day, month or year)")),
        (BETWEEN, _("between it and the second date")),
        (NO_LATER_THAN, _("no later than it")),
        (NO_EARLIER_THAN, _("no earlier than it")),
    ]


class IntervalWidget(forms.MultiWidget):
    """A date typed as far as the source goes, how it bounds the event, and a second date for a range."""

    template_name = "widgets/interval.html"

    def __init__(self, attrs=None):
        # vIntegerField: the admin's own width for a number box (HTML allows no size on a number input).
        widgets = {
            **partial_date_widgets(),
            "shape": forms.Select(choices=IntervalShape.CHOICES, attrs={"aria-label": _("How the date is bounded")}),
            **partial_date_widgets("to_", _("Second date")),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if not isinstance(value, Interval):
            return [None] * 7
        if value.is_single:
            first, shape, second = value.earliest, IntervalShape.EXACTLY, None
        elif value.earliest is None:
            first, shape, second = value.latest, IntervalShape.NO_LATER_THAN, None
        elif value.latest is None:
            first, shape, second = value.earliest, IntervalShape.NO_EARLIER_THAN, None
        else:
            first, shape, second = value.earliest, IntervalShape.BETWEEN, value.latest
        boxes = [first.day, first.month, first.year, shape]
        return boxes + ([second.day, second.month, second.year] if second else [None, None, None])


class IntervalField(forms.MultiValueField):
    """Cleans the boxes of ``IntervalWidget`` to an ``Interval`` (certainty stated: the form's own certainty field
    sets it), or None when nothing is typed. The precision of each date is what was filled in."""

    widget = IntervalWidget
    default_error_messages = {
        "incomplete": _("Enter at least the year."),
        "day_without_month": _("A day needs its month."),
        "no_such_day": _("That day does not exist in that month."),
        "second_missing": _("A range needs its second date: at least the year."),
        "second_unused": _(
            'The second date is only for a range: choose "between it and the second date", or clear it.'
        ),
        "reversed": _("The second date is before the first."),
    }

    def __init__(self, **kwargs):
        day = {"min_value": 1, "max_value": 31, "required": False}
        year = {"min_value": 1000, "max_value": 2999, "required": False}
        fields = (
            forms.IntegerField(**day),
            forms.TypedChoiceField(choices=[("", ""), *MONTHS.items()], coerce=int, required=False),
            forms.IntegerField(**year),
            forms.ChoiceField(choices=IntervalShape.CHOICES, required=False),
            forms.IntegerField(**day),
            forms.TypedChoiceField(choices=[("", ""), *MONTHS.items()], coerce=int, required=False),
            forms.IntegerField(**year),
        )
        super().__init__(fields, require_all_fields=False, **kwargs)

    def partial(self, day, month, year):
        if year in (None, ""):
            if day not in (None, "") or month not in (None, ""):
                raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
            return None
        if day not in (None, "") and month in (None, ""):
            raise forms.ValidationError(self.error_messages["day_without_month"], code="day_without_month")
        try:
            return PartialDate(year, month or None, day or None)
        except ValueError:
            raise forms.ValidationError(self.error_messages["no_such_day"], code="no_such_day") from None

    def compress(self, data_list):
        if not data_list:
            return None
        day, month, year, shape, to_day, to_month, to_year = data_list
        first, second = self.partial(day, month, year), self.partial(to_day, to_month, to_year)
        if first is None:
            if second is not None or shape:
                raise forms.ValidationError(self.error_messages["incomplete"], code="incomplete")
            return None
        if shape == IntervalShape.BETWEEN and second is None:
            raise forms.ValidationError(self.error_messages["second_missing"], code="second_missing")
        if shape != IntervalShape.BETWEEN and second is not None:
            raise forms.ValidationError(self.error_messages["second_unused"], code="second_unused")
        try:
            return {
                IntervalShape.EXACTLY: lambda: Interval.single(first),
                IntervalShape.BETWEEN: lambda: Interval(first, second),
                IntervalShape.NO_LATER_THAN: lambda: Interval(None, first),
                IntervalShape.NO_EARLIER_THAN: lambda: Interval(first, None),
            }[shape or IntervalShape.EXACTLY]()
        except ValueError:
            raise forms.ValidationError(self.error_messages["reversed"], code="reversed") from None


class IntervalFormMixin:
    """For a ModelForm: each name in ``intervals`` is an ``IntervalField`` entering the bounds of the model's
    interval of that name (its certainty stays a field of its own)."""

    intervals = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prefix in self.intervals:
            if prefix in self.fields and self.instance.pk is not None:
                self.initial[prefix] = getattr(self.instance, prefix)

    def _get_validation_exclusions(self):
        # The columns are not form fields, but the form sets them: the model's checks and constraints must see them.
        exclude = super()._get_validation_exclusions()
        for prefix in self.intervals:
            if prefix in self.fields and prefix not in self._errors:
                exclude -= set(bound_columns(prefix))
        return exclude

    def _post_clean(self):
        # Before the model's own validation, which checks the columns: construct_instance knows nothing of them.
        for prefix in self.intervals:
            if prefix in self.fields and prefix in self.cleaned_data:
                values = interval_to_columns(self.cleaned_data[prefix])
                for column, value in zip(bound_columns(prefix), values, strict=False):
                    setattr(self.instance, column, value)
        super()._post_clean()


class UnlabelledBoundField(forms.BoundField):
    """A field with no label in the page: the admin labels every field of its fieldsets, and a label may only
    name a control the reader can see."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None):
        return ""


STALE_MESSAGE = _(
    "This %(model)s was changed by %(user)s at %(time)s since you opened it. Your changes were not saved: "
    "reload the page to see their version, then make your changes again."
)


class VersionCheckForm(forms.Form):
    """Mix into the ModelForm of a ``VersionedModel``: refuse a save made from a form opened on an older version.

    The version the form was opened on travels in a hidden field. ``clean`` locks the stored row (the admin saves
    inside a transaction, so the lock holds until the save) and compares; the whole save, inlines included, is
    refused if anyone saved in between, so the first save is never silently overwritten.
    """

    loaded_version = forms.IntegerField(
        label=_("Loaded version"), widget=forms.HiddenInput, required=False, bound_field_class=UnlabelledBoundField
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Read from the database, not the instance: a restore from history hands the form an old copy.
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            self.initial["loaded_version"] = stored.first()

    def clean(self):
        cleaned_data = super().clean()
        if not self.instance.pk:
            return cleaned_data
        model = type(self.instance)
        stored = model._default_manager.select_for_update().filter(pk=self.instance.pk).values_list("version")
        current = stored.first()
        if current is None:
            return cleaned_data
        if cleaned_data.get("loaded_version") != current[0]:
            # add_error, not raise: the other clean steps (partial dates) must still finish for the form to redisplay.
            self.add_error(None, forms.ValidationError(self.stale_message(), code="stale"))
            return cleaned_data
        self.instance.version = current[0]
        return cleaned_data

    def stale_message(self):
        latest = self.instance.history.order_by("-history_date", "-history_id").select_related("history_user").first()
        user = (latest.history_user.get_username() if latest and latest.history_user else None) or _("someone")
        time = timezone.localtime(latest.history_date).strftime("%H:%M") if latest else "?"
        return STALE_MESSAGE % {"model": self.instance._meta.verbose_name, "user": user, "time": time}


class TextCheckForm(forms.Form):
    """Mix into a form: every text field reads line breaks as LF and refuses the other control characters.

    Line breaks are normalised in the submitted data, before any field reads it, so that a textarea sent back
    unchanged (as CRLF) compares equal to the LF it was stored with and saves unchanged.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        text_fields = [name for name, field in self.fields.items() if isinstance(field, forms.CharField)]
        for name in text_fields:
            field = self.fields[name]
            # The check below names the character and covers U+0000, which Django's own validator refuses alone.
            field.validators = [
                check for check in field.validators if not isinstance(check, ProhibitNullCharactersValidator)
            ]
            field.validators.append(validate_no_control_characters)
        if self.is_bound:
            self.data = self.data.copy()
            for key in map(self.add_prefix, text_fields):
                value = self.data.get(key)
                if isinstance(value, str):
                    self.data[key] = normalise_line_breaks(value)


class TextCheckModelForm(TextCheckForm, forms.ModelForm):
    """The form of an admin inline: a ModelForm whose text is checked."""
