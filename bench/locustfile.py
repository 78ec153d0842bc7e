"""Researchers and editors at once, for Locust; `bench/load.py` prepares the database, runs it and checks the saves.

Researchers browse the lists, open events and download exports; editors log in to the admin and save events, each
editing a draft of their own and adding new ones. Every save the server acknowledges (a redirect after the POST) is
written to the acknowledgements file, which load.py checks against the database afterwards.
"""

import itertools
import json
import os
import random
import re
from html.parser import HTMLParser

from locust import HttpUser, between, task

CONFIG = json.loads(open(os.environ["LOAD_CONFIG"]).read())  # noqa: SIM115 - read once at start
EVENT_TYPES = ["dissolution", "suspension", "arrest", "sentence", "exile", "statement", "harassment"]


class Researcher(HttpUser):
    weight = CONFIG["researchers"]
    wait_time = between(1, 5)

    @task(4)
    def browse_events(self):
        self.client.get(f"/events/?page={random.randint(1, CONFIG['pages'])}", name="/events/?page=N")

    @task(3)
    def filter_events(self):
        self.client.get(f"/events/?type={random.choice(EVENT_TYPES)}&from=2019", name="/events/?type=T&from=2019")

    @task(3)
    def open_an_event(self):
        self.client.get(f"/events/{random.choice(CONFIG['published_ids'])}/", name="/events/ID/")

    @task(2)
    def timeline(self):
        self.client.get("/", name="/")

    @task(2)
    def other_lists(self):
        path = random.choice(["/organisations/", "/people/", "/sources/"])
        self.client.get(path, name="/organisations|people|sources/")

    @task(2)
    def filtered_export(self):
        path = random.choice(["/events.csv?", "/events.json?_size=all&"])
        self.client.get(f"{path}type={random.choice(EVENT_TYPES)}", name=f"{path}type=T")

    @task(1)
    def full_export(self):
        self.client.get("/events.csv", name="/events.csv (all)")


class FormFields(HTMLParser):
    """What a browser would send from the form with ``form_id``: every named field as it is shown."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self.select, self.select_options, self.textarea = None, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name, kind = attrs.get("name"), attrs.get("type", "text")
        if tag == "input" and name and kind not in ("submit", "button", "file", "checkbox", "radio"):
            self.fields.append((name, attrs.get("value", "")))
        elif tag == "input" and name and "checked" in attrs:
            self.fields.append((name, attrs.get("value", "on")))
        elif tag == "select" and name:
            self.select, self.select_options = (name, "multiple" in attrs), []
        elif tag == "option" and self.select:
            self.select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            (name, multiple), options = self.select, self.select_options
            chosen = [value for value, selected in options if selected]
            if not chosen and options and not multiple:
                chosen = [options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea:
            # A browser drops the newline that follows <textarea>.
            self.fields.append((self.textarea[0], self.textarea[1].removeprefix("\n")))
            self.textarea = None

    @classmethod
    def of(cls, html, form_id):
        parser = cls(form_id)
        parser.feed(html)
        return [(name, value) for name, value in parser.fields if "__prefix__" not in name]


accounts = itertools.count()


class Editor(HttpUser):
    fixed_count = len(CONFIG["editors"])
    wait_time = between(2, 6)

    def on_start(self):
        self.account = CONFIG["editors"][next(accounts) % len(CONFIG["editors"])]
        self.saves = 0
        admin = CONFIG["admin"]
        self.client.get(f"{admin}login/", name="admin login form")
        response = self.client.post(
            f"{admin}login/",
            {
                "csrfmiddlewaretoken": self.client.cookies["csrftoken"],
                "username": self.account["username"],
                "password": CONFIG["password"],
                "next": admin,
            },
            allow_redirects=False,
            name="admin login",
        )
        if response.status_code != 302:
            raise RuntimeError(f"{self.account['username']} could not log in: {response.status_code}")

    def save(self, url, overrides, name):
        """Open the form at ``url``, change ``overrides`` and save it; the title saved if acknowledged, or None."""
        page = self.client.get(url, name=f"{name} form")
        if page.status_code != 200:
            return None
        fields = [(key, value) for key, value in FormFields.of(page.text, "event_form") if key not in overrides]
        fields += [*overrides.items(), ("_save", "Save")]
        with self.client.post(url, fields, allow_redirects=False, name=name, catch_response=True) as response:
            if response.status_code == 302:
                return overrides["title"]
            errors = re.findall(r'<ul class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text, re.S)
            response.failure(f"not saved ({response.status_code}): {errors[:2]}")
        return None

    def record(self, kind, title, event_id=None):
        """Note a save in the acknowledgements file: ``kind`` "edit" or "add" once acknowledged, "attempt" before."""
        with open(CONFIG["acknowledgements"], "a") as acknowledgements:
            line = {"kind": kind, "title": title, "event": event_id, "editor": self.account["username"]}
            acknowledgements.write(json.dumps(line) + "\n")

    @task(3)
    def edit_own_draft(self):
        self.saves += 1
        event_id = self.account["event"]
        title = f"{self.account['username']} draft, save {self.saves}"
        # The date as the editor reads it from the source (the boxes are typed, not trusted as shown).
        date = {"date_day": "6", "date_month": "3", "date_year": "2024", "date_shape": "", "date_certainty": "stated"}
        url = f"{CONFIG['admin']}events/event/{event_id}/change/"
        # A save whose answer is lost (the run stops first) may still be made: it is noted before it is sent.
        self.record("attempt", title, event_id)
        if self.save(url, {"title": title, **date}, "admin: edit a draft"):
            self.record("edit", title, event_id)

    @task(1)
    def add_an_event(self):
        self.saves += 1
        title = f"{self.account['username']} new event {self.saves}"
        overrides = {
            "title": title,
            "event_type": random.choice(EVENT_TYPES),
            "date_day": "",
            "date_month": "5",
            "date_year": "2023",
            "date_shape": "",
            "country": "ML",
            "summary": "Added under load.",
            "citations-TOTAL_FORMS": "1",
            "citations-0-source": str(CONFIG["source"]),
            "citations-0-quote": "as reported",
        }
        if self.save(f"{CONFIG['admin']}events/event/add/", overrides, "admin: add an event"):
            self.record("add", title)
