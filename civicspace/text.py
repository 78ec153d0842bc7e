"""Reading text that people type or send: which characters it may hold, and which numbers it spells.

One definition for every way in (forms, imports, query strings) and every way out that cannot carry them.

Text keeps tabs and line breaks and refuses every other control character: C0 (U+0000 to U+001F), DEL and C1
(U+0080 to U+009F). Word pastes U+000B for Shift+Enter; XML 1.0, and so the Atom feed, cannot carry most of them;
PostgreSQL cannot store U+0000. A line break is stored as LF: browsers send a textarea's lines joined by CRLF, and
spreadsheets may write CR alone, so both are read as LF before anything is checked.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAK = re.compile(r"\r\n?")
DIGITS = re.compile(r"[0-9]+")
# The largest id a record can have (a 64-bit signed integer on SQLite and PostgreSQL).
BIGGEST_ID = 2**63 - 1
# Every control character but tab (U+0009) and line feed (U+000A); a CR left after normalise_line_breaks counts.
CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

CONTROL_CHARACTER_MESSAGE = _(
    "This text holds an invisible control character (%(character)s) that cannot be stored: delete it, or paste the "
    "text again as plain text."
)


def normalise_line_breaks(text):
    """``text`` with each CRLF and each CR alone turned into LF."""
    return LINE_BREAK.sub("\n", text)


def strip_control_characters(text):
    """``text`` with line breaks as LF and every refused control character taken out: for imports and outputs."""
    return CONTROL_CHARACTER.sub("", normalise_line_breaks(text))


def validate_no_control_characters(text):
    """Refuse ``text`` if it holds a control character other than tab and LF, naming the first one."""
    found = CONTROL_CHARACTER.search(text)
    if found:
        raise ValidationError(
            CONTROL_CHARACTER_MESSAGE, code="control_character", params={"character": f"U+{ord(found[0]):04X}"}
        )


def holds_null_character(data):
    """Whether a QueryDict (a query string, form data) has U+0000 in a name or a value: PostgreSQL can neither store
    nor compare it, so it is refused before any query is made."""
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in data.lists())


def parse_number(text, lowest=1, highest=BIGGEST_ID):
    """``text`` as an int if it is written in ASCII digits and lies between ``lowest`` and ``highest``, else None.

    Not ``str.isdigit()``: it also accepts "²" and other digits that ``int()`` refuses. Out of range is None too, so
    that no database is asked about a number it cannot hold.
    """
    if not DIGITS.fullmatch(text) or len(text.lstrip("0")) > len(str(highest)):
        return None
    number = int(text)
    return number if lowest <= number <= highest else None
