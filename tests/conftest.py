import pytest
from django.test import Client

from tests.factories import ContributorFactory, ReviewerFactory


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
