"""Form pieces shared by the apps: entering a date known only to the month or year; refusing stale saves."""

import datetime
from typing import NamedTuple

from django import forms
from django.utils import timezone
from django.utils.dates import MONTHS
from django.utils.translation import gettext_lazy as _

from civicspace.dates import DatePrecision


class PartialDate(NamedTuple):
    year: int
    month: int | None
    day: int | None


class PartialDateWidget(forms.MultiWidget):
    """Day, month and year boxes, so that "March 2024" is typed as it is written, with no made-up day."""

    def __init__(self, attrs=None):
        widgets = {
            "day": forms.NumberInput(
                attrs={"min": 1, "max": 31, "size": 3, "placeholder": _("day"), "aria-label": _("Day")}
            ),
            "month": forms.Select(choices=[("", _("month")), *MONTHS.items()], attrs={"aria-label": _("Month")}),
            "year": forms.NumberInput(
                attrs={"min": 1000, "max": 2999, "size": 5, "placeholder": _("year"), "aria-label": _("Year")}
            ),
        }
        super().__init__(widgets, attrs)

    def decompress(self, value):
        if isinstance(value, PartialDate):
            return [value.day, value.month, value.year]
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class PartialDateField(forms.MultiValueField):
    widget = PartialDateWidget

    def __init__(self, **kwargs):
        fields = (
            forms.IntegerField(min_value=1, max_value=31, required=False),
            forms.IntegerField(min_value=1, max_value=12, required=False),
            forms.IntegerField(min_value=1000, max_value=2999),
        )
        kwargs.setdefault("error_messages", {"incomplete": _("Enter at least the year.")})
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return None
        day, month, year = data_list
        return PartialDate(year, month, day)


def to_partial(value, precision):
    """The PartialDate a stored date shows as, hiding the day (and month) its precision does not know."""
    if value is None:
        return None
    return PartialDate(
        value.year,
        None if precision == DatePrecision.YEAR else value.month,
        value.day if precision == DatePrecision.DAY else None,
    )


def resolve_partial(value, precision):
    """The date to store for a PartialDate at ``precision``, or raise ValidationError saying what to fix."""
    year, month, day = value
    if precision == DatePrecision.DAY and day is None:
        raise forms.ValidationError(_("A day-precision date needs a day."), code="day_missing")
    if precision in (DatePrecision.DAY, DatePrecision.MONTH) and month is None:
        raise forms.ValidationError(_("A day- or month-precision date needs a month."), code="month_missing")
    if precision == DatePrecision.MONTH and day is not None:
        raise forms.ValidationError(
            _("You entered a day but chose month precision: choose day precision, or clear the day."),
            code="day_not_allowed",
        )
    if precision == DatePrecision.YEAR and (month is not None or day is not None):
        raise forms.ValidationError(
            _("You entered a month or day but chose year precision: choose a finer precision, or clear them."),
            code="month_not_allowed",
        )
    try:
        return datetime.date(year, month or 1, day or 1)
    except ValueError:
        raise forms.ValidationError(_("That day does not exist in that month."), code="invalid_date") from None


class PartialDateFormMixin:
    """For a ModelForm: each ``partial_dates`` entry maps a date field to the field that holds its precision."""

    partial_dates = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, precision_field in self.partial_dates.items():
            value = getattr(self.instance, field, None)
            if value is not None:
                self.initial[field] = to_partial(value, getattr(self.instance, precision_field))

    def clean(self):
        cleaned_data = super().clean()
        for field, precision_field in self.partial_dates.items():
            value, precision = cleaned_data.get(field), cleaned_data.get(precision_field)
            if not isinstance(value, PartialDate):
                continue
            if not precision:
                # The precision field already carries its own error; never hand the model a half-read date.
                del cleaned_data[field]
                continue
            try:
                cleaned_data[field] = resolve_partial(value, precision)
            except forms.ValidationError as error:
                self.add_error(field, error)
        return cleaned_data


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

    loaded_version = forms.IntegerField(label=_("Loaded version"), widget=forms.HiddenInput, required=False)

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
