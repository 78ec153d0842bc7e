import pytest

from tests.factories import ContributorFactory, ReviewerFactory


@pytest.fixture
def contributor(db):
    return ContributorFactory()


@pytest.fixture
def reviewer(db):
    return ReviewerFactory()


@pytest.fixture
def contributor_client(client, contributor):
    client.force_login(contributor)
    return client


@pytest.fixture
def reviewer_client(client, reviewer):
    client.force_login(reviewer)
    return client
