"""No admin URL or form answers 500, whatever it is sent: a property-based test (hypothesis) for every admin.

The lists' parameters (search, ordering, page, every filter, the date drill-down, ``e``, ``_to_field``), the
autocomplete, forged action POSTs, record and history URLs with odd ids, and CSV imports with odd ids, bytes and
encodings. Every answer must be a page, a redirect, or a 400, 403 or 404; the test client raises any exception a
view lets through, so a failure shows its traceback and hypothesis's smallest example.

Derandomised with a bounded number of examples per admin, so a run is fast and CI sees the same examples each time.
"""

import codecs
import csv
import io
from urllib.parse import quote, quote_from_bytes

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ERROR_FLAG, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR, SEARCH_VAR, TO_FIELD_VAR
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from civicspace.dates import DatePrecision
from events.imports import IMPORTS
from tests.admin_records import PROJECT_ADMINS, admin_url, build

pytestmark = pytest.mark.django_db

EXAMPLES = 25
HOSTILE_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    # The records and clients are made once per test and shared by its examples, which only read or act on them.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
# The changelist tries each of its parameters in turn: the BREAKERS below, then a few made-up values.
PARAMETER_SETTINGS = settings(HOSTILE_SETTINGS, max_examples=3)
ANSWERS = {200, 302, 400, 403, 404}

# Values known to have broken something somewhere: digits int() refuses, numbers no column holds, control
# characters, markup, quotes, and text that reads as other types.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    "1.5",
    "1e3",
    "0x1F",
    "²",
    "¹",
    "٣",
    "１２",
    "𝟚𝟘𝟚𝟜",
    "9998",
    "9999",
    "10000",
    "2024",
    "12",
    "13",
    "31",
    "99999999999999999999",
    "9223372036854775808",
    "9" * 5000,
    "\x00",
    "1\x00",
    "\x0b",
    "\x1b[31m",
    "\x85",
    "\u202e",
    "\ufeff",
    "'",
    '"',
    "%",
    "%00",
    "_",
    "\\",
    "<script>",
    "null",
    "None",
    "true",
    "NaN",
    "-",
    "__",
    "pk",
    "id__gt",
]

# One of each kind that has made a view fail: a digit int() refuses, numbers too large for the database or for
# Python's int(), the last year Python holds (Django's drill-down asks for the next one), zero, and U+0000.
BREAKERS = ["²", "99999999999999999999", "9" * 5000, "9999", "0", "\x00"]

text = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=12)
# Digits of every script: str.isdigit() takes "²" and "٣", int() takes "٣" but not "²".
digits = st.text(st.characters(categories=["Nd", "No"]) | st.sampled_from("0123456789"), min_size=1, max_size=5)
numbers = st.integers(min_value=-(10**25), max_value=10**25).map(str)
# Half of the values from the list above, the rest made up.
values = st.one_of(st.sampled_from(NASTY), st.sampled_from(NASTY), digits, text, numbers)
# As a browser or a script would write them in a URL, including bytes that are not UTF-8.
encoded_values = st.one_of(values.map(lambda value: quote(value, safe="")), st.binary(max_size=6).map(quote_from_bytes))


roles = st.sampled_from(["reviewer", "contributor"])


def query_string(pairs):
    return "&".join(f"{quote(key, safe='')}={value}" for key, value in pairs)


@pytest.fixture
def records(db):
    """Two records of every admin, with rows in each inline, so that filters, actions and ids have something to find."""
    made = {}
    for model_admin in PROJECT_ADMINS:
        made[model_admin.model] = [build(model_admin, precision, "reviewer") for precision in DatePrecision.values[:2]]
    return made


@pytest.fixture
def clients(reviewer_client, contributor_client):
    return {"reviewer": reviewer_client, "contributor": contributor_client}


def answer(response):
    assert response.status_code in ANSWERS, response
    return response


def changelist_parameters(model_admin, user):
    """Every parameter the changelist reads: Django's own, each filter's, and the date drill-down's."""
    request = RequestFactory().get("/")
    request.user = user
    changelist = model_admin.get_changelist_instance(request)
    names = [SEARCH_VAR, ORDER_VAR, PAGE_VAR, ERROR_FLAG, TO_FIELD_VAR, IS_POPUP_VAR, "all", "_changelist_filters"]
    for spec in changelist.filter_specs:
        names.extend(spec.expected_parameters())
    if model_admin.date_hierarchy:
        names.extend(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return names


def test_the_changelist_parameters_include_every_filter_and_the_date_drill_down(records, reviewer):
    event_admin = next(model_admin for model_admin in PROJECT_ADMINS if model_admin.opts.model_name == "event")

    names = changelist_parameters(event_admin, reviewer)

    assert {
        "q",
        "o",
        "p",
        "e",
        "_to_field",
        "status__exact",
        "year",
        "country",
        "date_sort__year",
        "date_sort__month",
    } <= set(names)


def try_parameter(clients, url, name, names):
    """``name`` with each of the values that broke something once, then with made-up ones and up to two others."""

    others = st.lists(st.tuples(st.sampled_from(names), encoded_values), max_size=2)

    @PARAMETER_SETTINGS
    @given(value=encoded_values, others=others, role=roles)
    def check(value, others, role):
        answer(clients[role].get(url, QUERY_STRING=query_string([(name, value), *others])))

    for value in BREAKERS:
        check = example(value=quote(value, safe=""), others=[], role="reviewer")(check)
    check()


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
def test_no_changelist_query_gets_a_500(records, clients, reviewer, model_admin):
    names = changelist_parameters(model_admin, reviewer)

    # Each parameter in turn, so that every one is tried with the nastiest values.
    for name in names:
        try_parameter(clients, admin_url(model_admin, "changelist"), name, names)


def real(value, choices):
    """``value``, or the choice it stands for when it is an index into ``choices`` (a record that exists)."""
    return choices[value] if isinstance(value, int) else value


def with_examples(examples):
    """Hypothesis's explicit examples, one for each dict of arguments: tried first, every run."""

    def decorate(test):
        for arguments in examples:
            test = example(**arguments)(test)
        return test

    return decorate


def breakers_in(targets, **arguments):
    """The arguments with each BREAKER given to each of ``targets`` in turn."""
    return [{**arguments, name: value} for name in targets for value in BREAKERS]


existing = st.sampled_from([0, 1])  # one of the two records of the admin's model
ACTION_NAMES = ["publish", "unpublish", "withdraw", "merge", "delete_selected"]


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
@HOSTILE_SETTINGS
@given(
    action=st.one_of(st.sampled_from(ACTION_NAMES), values),
    selected=st.lists(st.one_of(existing, values), max_size=3),
    index=st.one_of(st.none(), values),
    select_across=st.one_of(st.none(), values),
    confirmation=st.dictionaries(st.sampled_from(["post", "reason", "keep"]), st.one_of(existing, values), max_size=3),
    role=roles,
)
@with_examples(
    breakers_in(
        ["action", "selected", "index", "select_across"],
        action="merge",
        selected=[0, 1],
        index="0",
        select_across="0",
        confirmation={},
        role="reviewer",
    )
)
def test_no_forged_action_gets_a_500(
    records, clients, model_admin, action, selected, index, select_across, confirmation, role
):
    ids = [str(record.pk) for record in records[model_admin.model]]
    post = {
        "action": action,
        ACTION_CHECKBOX_NAME: [real(value, ids) for value in selected] if isinstance(selected, list) else [selected],
        **{name: real(value, ids) for name, value in confirmation.items()},
    }
    if index is not None:
        post["index"] = index
    if select_across is not None:
        post["select_across"] = select_across

    answer(clients[role].post(admin_url(model_admin, "changelist"), post))


def autocomplete_fields():
    """(app_label, model_name, field_name) of every autocomplete in the admins' forms and inlines."""
    fields = []
    for model_admin in PROJECT_ADMINS:
        for owner in [model_admin, *model_admin.inlines]:
            model = owner.model
            fields.extend((model._meta.app_label, model._meta.model_name, name) for name in owner.autocomplete_fields)
    return fields


def test_autocomplete_fields_are_found_in_every_inline():
    assert ("events", "eventorganisation", "organisation") in autocomplete_fields()
    assert ("organisations", "affiliation", "person") in autocomplete_fields()


AUTOCOMPLETE = autocomplete_fields()


@HOSTILE_SETTINGS
@given(
    field=st.sampled_from(AUTOCOMPLETE),
    term=values,
    app_label=st.none() | values,
    model_name=st.none() | values,
    field_name=st.none() | values,
    page=st.none() | values,
    role=roles,
)
@with_examples(
    breakers_in(
        ["term", "app_label", "model_name", "field_name", "page"],
        field=AUTOCOMPLETE[0],
        term="",
        app_label=None,
        model_name=None,
        field_name=None,
        page="1",
        role="reviewer",
    )
)
def test_no_autocomplete_query_gets_a_500(records, clients, field, term, app_label, model_name, field_name, page, role):
    # None stands for the real app, model and field (and for no page), so that the term and page reach the search.
    parameters = {
        "term": term,
        "app_label": field[0] if app_label is None else app_label,
        "model_name": field[1] if model_name is None else model_name,
        "field_name": field[2] if field_name is None else field_name,
        "page": page,
    }
    pairs = [(name, quote(value, safe="")) for name, value in parameters.items() if value is not None]

    answer(clients[role].get(reverse("admin:autocomplete"), QUERY_STRING=query_string(pairs)))


RECORD_PATHS = ["{}/change/", "{}/delete/", "{}/history/", "{}/history/{}/"]


@pytest.mark.parametrize("model_admin", PROJECT_ADMINS, ids=lambda model_admin: model_admin.opts.model_name)
@HOSTILE_SETTINGS
@given(
    path=st.sampled_from(RECORD_PATHS),
    object_id=existing | values,
    version_id=existing | values,
    posted=st.none() | values,
    role=roles,
)
@with_examples(
    breakers_in(
        ["object_id", "version_id"], path=RECORD_PATHS[-1], object_id=0, version_id=0, posted=None, role="reviewer"
    )
    + breakers_in(["object_id", "posted"], path=RECORD_PATHS[0], object_id=0, version_id=0, posted="", role="reviewer")
)
def test_no_odd_id_in_a_record_or_history_address_gets_a_500(
    records, clients, model_admin, path, object_id, version_id, posted, role
):
    record_ids = [str(record.pk) for record in records[model_admin.model]]
    version_ids = [str(record.history.earliest().history_id) for record in records[model_admin.model]]
    url = admin_url(model_admin, "changelist") + path.format(
        quote(real(object_id, record_ids), safe=""), quote(real(version_id, version_ids), safe="")
    )

    if posted is None:
        answer(clients[role].get(url))
    else:
        answer(clients[role].post(url, {"loaded_version": posted, "title": posted, "name": posted}))


# How the file is written: a text encoding, or "nul" for UTF-8 with NUL bytes after each comma.
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1", "cp1252", "mac-roman", "nul"]


def csv_file(header, rows, encoding):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    if encoding == "nul":
        return codecs.BOM_UTF8 + out.getvalue().encode().replace(b",", b",\x00")
    return out.getvalue().encode(encoding, errors="replace")


@HOSTILE_SETTINGS
@given(
    kind=st.sampled_from(sorted(IMPORTS)),
    extra_columns=st.lists(values, max_size=2),
    rows=st.lists(st.lists(st.one_of(existing, values), max_size=12), max_size=3),
    encoding=st.sampled_from(ENCODINGS),
    raw=st.none() | st.binary(max_size=200),
    kind_sent=st.none() | values,
)
@with_examples(
    breakers_in(["kind_sent"], kind="events", extra_columns=[], rows=[], encoding="utf-8", raw=None, kind_sent=None)
    # Each BREAKER as the id of a row.
    + [
        {"kind": kind, "extra_columns": [], "rows": [[value]], "encoding": "utf-8", "raw": None, "kind_sent": None}
        for kind in ("events", "organisations")
        for value in BREAKERS
    ]
)
def test_no_import_file_gets_a_500(records, reviewer_client, kind, extra_columns, rows, encoding, raw, kind_sent):
    header = [*IMPORTS[kind].required_columns, *extra_columns]
    model = IMPORTS[kind].model
    ids = [str(record.pk) for record in records[model]]
    # Every row as long as the header: made-up cells first, then the id of a record or "x".
    cells = [[real(value, ids) for value in row][: len(header)] + ["x"] * (len(header) - len(row)) for row in rows]
    content = csv_file(header, cells, encoding) if raw is None else raw
    url = reverse("admin:events_import")

    checked = answer(reviewer_client.post(url, {"kind": kind_sent or kind, "file": upload(content)}))

    token = checked.context.get("token") if checked.context else None
    if token:
        answer(reviewer_client.post(url, {"token": token, "_commit": "1"}))


def upload(content):
    return SimpleUploadedFile("hostile.csv", content, content_type="text/csv")
