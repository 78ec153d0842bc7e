"""Time full exports through the production server, `make serve` (a benchmark, not a test).

Starts `make serve` on a free port of 127.0.0.1 with gunicorn's settings as deployed (gunicorn.conf.py, its 30 s
worker timeout included), downloads /events.csv and /events.json?_size=all to the end, one after the other, checks
that each holds every public event, and prints the time, size, rows a second and the peak memory of the worker.

    python bench/export_server.py [ROWS]                   # a throwaway SQLite database of ROWS events (100000)
    DATABASE_URL=postgres://... python bench/export_server.py   # an existing database, used as it is

Run from the project root after `make install`.
"""

import csv
import io
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port, static_root, log=subprocess.DEVNULL):
    """`make serve` in its own process group, so that it can be stopped with everything it started."""
    environment = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-not-secret"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
    }
    return subprocess.Popen(
        ["make", "--silent", "serve", f"HOST=127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_ready(server, port, within=300):
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("make serve stopped before it answered")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health/", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)  # gunicorn is not listening yet
    raise SystemExit(f"make serve did not answer within {within} s")


def descendants(pid):
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children] + [grand for child in children for grand in descendants(int(child))]


def peak_worker_memory(server):
    """The largest peak resident memory (VmHWM) among gunicorn's processes, in MiB."""
    peaks = []
    for pid in descendants(server.pid):
        status = Path(f"/proc/{pid}/status").read_text()
        if "gunicorn" in Path(f"/proc/{pid}/cmdline").read_text():
            peaks += [int(line.split()[1]) / 1024 for line in status.splitlines() if line.startswith("VmHWM")]
    return max(peaks)


def download(port, path):
    """(rows, bytes, seconds) of one full download; the JSON must end with its closing bracket."""
    started = time.perf_counter()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=600) as response:
        counter = ByteCounter(response)
        if path.partition("?")[0].endswith(".csv"):
            rows = sum(1 for _ in csv.reader(io.TextIOWrapper(counter, encoding="utf-8-sig", newline=""))) - 1
        else:
            # The first line is the document's head; then one record a line, then the closing brackets.
            lines = iter(io.BufferedReader(counter, buffer_size=1 << 16))  # lines, not bytes one at a time
            next(lines)
            rows, last = 0, b""
            for line in lines:
                rows += line.startswith(b"{")
                last = line
            if last != b"]}\n":
                raise SystemExit(f"{path} ended without its closing brackets")
    return rows, counter.size, time.perf_counter() - started


class ByteCounter(io.RawIOBase):
    def __init__(self, stream):
        self.stream, self.size = stream, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        data = self.stream.read(len(buffer))
        buffer[: len(data)] = data
        self.size += len(data)
        return len(data)


def main():
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        if "DATABASE_URL" not in os.environ:
            from csv_memory import configure

            started = time.perf_counter()
            configure(Path(folder) / "bench.sqlite3")
            from events.synthetic import add_events, settle

            add_events(0, rows)
            settle()
            print(f"built a SQLite database of {rows} events in {time.perf_counter() - started:.0f} s")
        else:
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civicspace.settings")
            os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-secret")
            import django

            django.setup()
        from csv_memory import public_events

        expected = public_events()
        port = free_port()
        server = start_server(port, Path(folder) / "static")
        try:
            wait_until_ready(server, port)
            print(f"make serve on 127.0.0.1:{port}, {expected} public events")
            print(f"{'export':<22} {'rows':>9} {'MiB':>8} {'seconds':>8} {'rows/s':>8}  complete")
            for path in ("/events.csv", "/events.json?_size=all"):
                got, size, seconds = download(port, path)
                complete = "yes" if got == expected else f"NO ({expected - got} missing)"
                print(f"{path:<22} {got:>9} {size / 2**20:>8.1f} {seconds:>8.1f} {got / seconds:>8.0f}  {complete}")
            print(f"peak memory of a gunicorn process: {peak_worker_memory(server):.0f} MiB")
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
