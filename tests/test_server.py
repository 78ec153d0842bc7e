"""`make serve`'s own server command (gunicorn with gunicorn.conf.py) on 127.0.0.1, against the test database.

A full export must complete however long it streams, and one that is cut must look cut. The worker timeout is
2 seconds here, and each export is read at a steady pace, like a researcher on a slow connection, so that the server
is still sending it after that; the server's access log says how long it took. Each export is larger than all that
the kernel can buffer for one connection (the receive buffer set here, and at most tcp_wmem's maximum on the sending
side), so the server cannot finish early by filling buffers. Run these alone with `pytest -m server`.
"""

import csv
import http.client
import io
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

from civicspace.dates import Interval, PartialDate
from events.models import Citation, Event, EventOrganisation, EventStatus
from tests.factories import OrganisationFactory, SourceFactory

WORKER_TIMEOUT = 2
SEND_TIMEOUT = 2
THREADS = 2
PUBLISHED = 2500
# The client's receive buffer, kept small; the kernel buffers at most this much again on the sending side.
RECEIVE_BUFFER = 16 * 1024
MOST_BUFFERED = 2 * RECEIVE_BUFFER + int(Path("/proc/sys/net/ipv4/tcp_wmem").read_text().split()[2])
# Bytes a second the client reads. The exports here are about 10 MB, so the server still has
# (10 MB - MOST_BUFFERED) / PACE, about 3 seconds, to send when the client has read all but the buffered end.
PACE = 2_000_000
# The whole JSON export, streamed (without ``_size=all`` it is one page).
FULL_JSON = "/events.json?_size=all"

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def serve_command(bind):
    """The command that runs gunicorn in `make serve`, as make prints it without running it."""
    lines = subprocess.run(
        ["make", "--dry-run", "--silent", "serve", f"HOST={bind}"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    return shlex.split(next(line for line in lines if "gunicorn " in line))


def database_url(database):
    """The URL that points the server at the database the tests use."""
    if database["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{database['NAME']}"
    login = quote(database["USER"] or "") + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    return f"postgres://{login}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"


class SlowReaderConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RECEIVE_BUFFER)
        self.sock.settimeout(self.timeout)
        self.sock.connect((self.host, self.port))


class Server:
    def __init__(self, process, port, log_path):
        self.process, self.port, self.log_path = process, port, log_path

    def connect(self, timeout=30):
        return SlowReaderConnection("127.0.0.1", self.port, timeout=timeout)

    def log(self):
        return self.log_path.read_text()

    def wait_until_ready(self, within=60):
        """Poll /health/ until a worker answers it (the socket is bound before gunicorn starts, so none is refused)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log()
            client = self.connect(timeout=1)
            try:
                client.request("GET", "/health/")
                if client.getresponse().status == 200:
                    return
            except (OSError, http.client.HTTPException):
                pass
            finally:
                client.close()
        pytest.fail(f"gunicorn did not answer within {within} s:\n{self.log()}")

    def worker_pid(self):
        """The live worker's process id (there is one: WEB_CONCURRENCY=1), from gunicorn's own log."""
        return int(re.findall(r"Booting worker with pid: (\d+)", self.log())[-1])


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    listener = socket.create_server(("127.0.0.1", 0))
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "GUNICORN_"))}
    environment |= {
        "DATABASE_URL": database_url(connection.settings_dict),
        "DJANGO_SECRET_KEY": "server-test-only",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": str(THREADS),
        "GUNICORN_TIMEOUT": str(WORKER_TIMEOUT),
        "GUNICORN_SEND_TIMEOUT": str(SEND_TIMEOUT),
        "GUNICORN_GRACEFUL_TIMEOUT": "2",
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            serve_command(f"fd://{listener.fileno()}"),
            cwd=settings.BASE_DIR,
            env=environment,
            pass_fds=[listener.fileno()],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = Server(process, listener.getsockname()[1], log_path)
    listener.close()  # gunicorn holds its own copy
    try:
        server.wait_until_ready()
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


@pytest.fixture
def published_ids():
    """PUBLISHED events with long summaries, each citing a source and concerning an organisation; and drafts."""
    organisation, source = OrganisationFactory(), SourceFactory()
    events = Event.objects.bulk_create(
        Event(
            title=f"Event {n}",
            event_type="dissolution",
            date=Interval.single(PartialDate(2024, 3, 6)),
            country="ML",
            summary=f"Event {n}: the authorities dissolved an association. " + "Its members were questioned. " * 140,
            status=EventStatus.DRAFT if n % 100 == 0 else EventStatus.PUBLISHED,
        )
        for n in range(PUBLISHED + PUBLISHED // 99 + 1)
    )
    Citation.objects.bulk_create(Citation(event=event, source=source, quote="dissolved") for event in events)
    EventOrganisation.objects.bulk_create(EventOrganisation(event=event, organisation=organisation) for event in events)
    published = {event.pk for event in events if event.status == EventStatus.PUBLISHED}
    assert len(published) == PUBLISHED
    return published


def read_at_pace(response):
    """The whole body, in small pieces and no faster than PACE, like a slow connection that never stops."""
    started = time.monotonic()
    body = bytearray()
    while piece := response.read1(4096):
        body += piece
        ahead = len(body) / PACE - (time.monotonic() - started)
        if ahead > 0:
            time.sleep(ahead)  # the client's pace, not a wait for something to happen
    return bytes(body)


def download_slowly(server, path):
    """(body, seconds the server took by its access log) of a complete, slowly read download of ``path``."""
    client = server.connect()
    try:
        client.request("GET", path)
        response = client.getresponse()
        assert response.status == 200
        assert response.getheader("Transfer-Encoding") == "chunked"
        body = read_at_pace(response)
        # gunicorn logs a request before it reads the next one on the connection: this answer means it is logged.
        client.request("GET", "/health/")
        assert client.getresponse().read()
    finally:
        client.close()
    assert len(body) > 2 * MOST_BUFFERED, "the export must not fit in the connection's buffers"
    logged = re.search(rf'"GET {re.escape(path)} HTTP/1.1" 200 \d+ ([\d.]+)s', server.log())
    return body, float(logged[1])


def test_full_exports_outlast_the_worker_timeout_and_arrive_whole(server, published_ids):
    with ThreadPoolExecutor() as pool:
        csv_download = pool.submit(download_slowly, server, "/events.csv")
        json_download = pool.submit(download_slowly, server, FULL_JSON)
    (csv_body, csv_seconds), (json_body, json_seconds) = csv_download.result(), json_download.result()

    rows = list(csv.DictReader(io.StringIO(csv_body.decode("utf-8-sig"))))
    assert sorted(int(row["id"]) for row in rows) == sorted(published_ids)
    # The document's closing brackets come only after the last row.
    assert json_body.endswith(b"\n]}\n")
    assert sorted(row["id"] for row in json.loads(json_body)["results"]) == sorted(published_ids)
    # Both streamed for longer than a worker may stay silent, and no worker was killed for it.
    assert min(csv_seconds, json_seconds) > WORKER_TIMEOUT
    assert "WORKER TIMEOUT" not in server.log()


def cut_short(response):
    """Read ``response`` to its end: True if it ends without its final chunk (cut), False if it arrives whole."""
    try:
        while response.read1(65536):
            pass
    except (http.client.IncompleteRead, ConnectionResetError):
        return True
    return False


def test_a_download_cut_when_its_worker_dies_is_seen_as_incomplete(server, published_ids):
    client = server.connect()
    client.request("GET", "/events.csv")
    response = client.getresponse()
    assert response.read1(4096).startswith("\ufeffid,".encode())

    os.kill(server.worker_pid(), signal.SIGKILL)

    # The connection closes without the final chunk: an error for the client, never a short file that looks whole.
    assert cut_short(response)
    client.close()
    server.wait_until_ready()  # gunicorn starts a new worker


def test_clients_that_stop_reading_are_cut_off_and_free_the_server(server, published_ids):
    stalled = []
    for _ in range(THREADS):
        client = server.connect()
        client.request("GET", FULL_JSON)
        stalled.append((client, client.getresponse()))

    # Every thread of the only worker is now blocked on a client that does not read: this answer can only come
    # once the send timeout has cut one of them off. (Others may be cut too, or finish if read in time.)
    server.wait_until_ready(within=30)

    assert all(response.status == 200 for _, response in stalled)
    assert any([cut_short(response) for _, response in stalled])
    for client, _ in stalled:
        client.close()
