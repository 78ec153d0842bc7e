"""Read a form out of rendered HTML and give back what a browser would submit from it, unchanged.

Follows the HTML standard's "constructing the entry list" closely enough to catch a form that does not survive its
own round trip: hidden inputs count, unchecked boxes and disabled controls do not, a select without a selected
option sends its first one, a text input loses the line breaks the browser strips, and a textarea loses the line
break after its start tag and sends its lines joined by CRLF.
"""

import re
from html.parser import HTMLParser

SKIPPED_INPUT_TYPES = {"submit", "image", "button", "reset", "file"}
# Types whose value the browser sanitises by removing line breaks (and, for url and email, surrounding spaces).
LINE_INPUT_TYPES = {"text", "search", "tel", "password", "url", "email"}
FLOATING_POINT_NUMBER = re.compile(r"-?(\d+(\.\d+)?|\.\d+)([eE][+-]?\d+)?")
ASCII_WHITESPACE = " \t\n\f\r"


def sanitised(input_type, value):
    """The value an input of ``input_type`` holds once the browser's value sanitisation has run."""
    if input_type in LINE_INPUT_TYPES:
        value = value.replace("\n", "").replace("\r", "")
        if input_type in ("url", "email"):
            value = value.strip(ASCII_WHITESPACE)
    elif input_type == "number" and not FLOATING_POINT_NUMBER.fullmatch(value):
        value = ""
    return value


class FormReader(HTMLParser):
    """Reads every form of a page: the entries each would submit, and its submit buttons."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []  # {"id", "entries", "buttons"} in page order
        self.current = None  # the form being read
        self.select = None  # (form, name, multiple, disabled, options) while inside a <select>
        self.option = None  # the attributes and text of the <option> being read
        self.optgroup_disabled = False
        self.textarea = None  # (form, name, disabled, text so far) while inside a <textarea>

    def owner(self, attrs):
        """The form a control belongs to: the one it is in, unless its form attribute names another."""
        if "form" in attrs:
            return next((form for form in self.forms if form["id"] == attrs["form"]), None)
        return self.current

    def handle_starttag(self, tag, attr_list):
        attrs = {name: value if value is not None else "" for name, value in attr_list}
        if tag == "form":
            self.current = {"id": attrs.get("id"), "entries": [], "buttons": []}
            self.forms.append(self.current)
        elif tag == "input":
            self.read_input(attrs)
        elif tag == "button":
            self.read_button(attrs)
        elif tag == "select" and self.owner(attrs):
            self.select = (self.owner(attrs), attrs.get("name"), "multiple" in attrs, "disabled" in attrs, [])
        elif tag == "optgroup":
            self.optgroup_disabled = "disabled" in attrs
        elif tag == "option" and self.select is not None:
            self.end_option()
            self.option = {**attrs, "text": ""}
        elif tag == "textarea" and self.owner(attrs):
            self.textarea = (self.owner(attrs), attrs.get("name"), "disabled" in attrs, [])

    def handle_startendtag(self, tag, attr_list):
        self.handle_starttag(tag, attr_list)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "optgroup":
            self.optgroup_disabled = False
        elif tag == "option":
            self.end_option()
        elif tag == "select" and self.select is not None:
            self.end_option()
            self.end_select()
        elif tag == "textarea" and self.textarea is not None:
            form, name, disabled, parts = self.textarea
            text = "".join(parts)
            # The parser drops one line break right after <textarea>; the submission writes line breaks as CRLF.
            text = text.removeprefix("\n").replace("\n", "\r\n")
            if name and not disabled:
                form["entries"].append((name, text))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[3].append(data)
        elif self.option is not None:
            self.option["text"] += data

    def read_input(self, attrs):
        input_type = attrs.get("type", "text").lower()
        name, form = attrs.get("name"), self.owner(attrs)
        if form is None or not name or "disabled" in attrs:
            return
        if input_type in SKIPPED_INPUT_TYPES:
            if input_type in ("submit", "image"):
                form["buttons"].append((name, attrs.get("value", "")))
            return
        if input_type in ("checkbox", "radio"):
            if "checked" in attrs:
                form["entries"].append((name, attrs.get("value", "on")))
            return
        form["entries"].append((name, sanitised(input_type, attrs.get("value", ""))))

    def read_button(self, attrs):
        name, form = attrs.get("name"), self.owner(attrs)
        if form is not None and name and "disabled" not in attrs and attrs.get("type", "submit").lower() == "submit":
            form["buttons"].append((name, attrs.get("value", "")))

    def end_option(self):
        if self.option is None:
            return
        option = self.option
        value = option["value"] if "value" in option else " ".join(option["text"].split())
        disabled = "disabled" in option or self.optgroup_disabled
        self.select[4].append((value, "selected" in option, disabled))
        self.option = None

    def end_select(self):
        form, name, multiple, disabled, options = self.select
        self.select = None
        if not name or disabled:
            return
        chosen = [value for value, selected, option_disabled in options if selected and not option_disabled]
        if multiple:
            form["entries"].extend((name, value) for value in chosen)
            return
        if not chosen:
            # A drop-down with nothing selected shows, and sends, its first option that can be chosen.
            chosen = [value for value, _selected, option_disabled in options if not option_disabled][:1]
        # When several options say selected, the last one parsed wins.
        form["entries"].extend((name, value) for value in chosen[-1:])


def submitted_data(html, submitter):
    """The (name, value) pairs a browser sends from ``html`` when the submit button named ``submitter`` is clicked
    (the first of that name, as the admin repeats its buttons at the top and bottom)."""
    reader = FormReader()
    # The browser's tokenizer turns every CRLF and lone CR into LF before anything else reads the page.
    reader.feed(html.replace("\r\n", "\n").replace("\r", "\n"))
    reader.close()
    for form in reader.forms:
        for name, value in form["buttons"]:
            if name == submitter:
                return [*form["entries"], (name, value)]
    raise AssertionError(f"no submit button named {submitter!r} in the page")


def as_post_data(entries):
    """The entries as the test client posts them: each name with its values, in order."""
    data = {}
    for name, value in entries:
        data.setdefault(name, []).append(value)
    return data
