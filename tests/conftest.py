import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import translation

from tests.factories import ContributorFactory, ReviewerFactory


@pytest.fixture(autouse=True)
def english_unless_asked(settings):
    """Tests assert English text whatever DJANGO_LANGUAGE_CODE says; a French request leaves nothing behind."""
    settings.LANGUAGE_CODE = "en"
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def facets_counted_whatever_the_load(settings):
    """A busy machine must not turn a counted facet into one shown without counts: that changes a page's queries.
    tests/test_facets.py tests the time limit itself."""
    settings.TRACKER_FACET_TIME_LIMIT_MS = 60_000


@pytest.fixture(autouse=True)
def empty_cache():
    """Facet counts kept by one test must not answer for another's data."""
    cache.clear()


@pytest.fixture(autouse=True)
def media_in_a_temporary_folder(settings, tmp_path):
    """Files kept as copies of sources go to a folder of the test's own, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def import_staging_folder(settings, tmp_path):
    """Checked import files wait in the test's own folder, not in the machine's shared one."""
    settings.IMPORT_STAGING_DIR = tmp_path / "staged-imports"
    return settings.IMPORT_STAGING_DIR


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
