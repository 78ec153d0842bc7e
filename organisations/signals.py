"""Signals of the organisations app; the apps that derive an organisation's data listen to them."""

from django.dispatch import Signal

# Sent before organisations' stored statuses are read for the public, so that the app that derives them (events) can
# first bring up to date any status whose deciding suspension has ended since it was stored.
statuses_read = Signal()
