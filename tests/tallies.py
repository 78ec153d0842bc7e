"""Lists read without the tally of published events (events/tally.py), to compare with what they read from it."""


def untallied(monkeypatch):
    """As for filters the tally of events cannot answer (a word, an organisation): the lists count the events, are
    not narrowed by the tally, and read the events for the values present."""
    monkeypatch.setattr("events.views.tallied", lambda filterset: None)
    monkeypatch.setattr("events.views.tally_of", lambda filterset: (None, False))
    monkeypatch.setattr("events.views.TALLIED_FIELDS", ())
