import pytest
from django.test import Client
from django.utils import translation

from tests.factories import ContributorFactory, ReviewerFactory


@pytest.fixture(autouse=True)
def english_unless_asked(settings):
    """Tests assert English text whatever DJANGO_LANGUAGE_CODE says; a French request leaves nothing behind."""
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture
def contributor(db):
    return ContributorFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


def logged_in(user):
    client = Client()
    client.force_login(user)
    return client


# Each role gets its own client, so one test can act as both.
@pytest.fixture
def contributor_client(contributor):
    return logged_in(contributor)


@pytest.fixture
def reviewer_client(reviewer):
    return logged_in(reviewer)
