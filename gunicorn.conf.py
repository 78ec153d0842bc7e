"""gunicorn's settings for `make serve` (gunicorn also reads this file by itself when started in this folder).

Threaded workers (gthread): each worker process answers up to GUNICORN_THREADS requests at once, and its main loop
tells the arbiter it is alive every second whatever its threads are doing. GUNICORN_TIMEOUT therefore kills a
worker that has hung as a whole, never a request that is still sending: a full CSV or JSON export streams for as
long as it takes. A client that stops reading is cut off after GUNICORN_SEND_TIMEOUT seconds (SendTimeoutWorker),
so stalled downloads cannot keep every thread busy. See the README, "Deployment".
"""

import os

from gunicorn.workers.gthread import ThreadWorker


def env_int(name, default):
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Seconds one write to a client (a chunk of a response) may wait on a client that does not read, or one read may
# wait on a client that does not send, before the connection is dropped and the thread freed.
send_timeout = env_int("GUNICORN_SEND_TIMEOUT", 60)


class SendTimeoutWorker(ThreadWorker):
    """gthread, with a limit on how long a request's socket may block.

    gthread leaves the socket blocking with no limit while a request runs (it bounds only HTTP/2 streams), so a
    client that stops reading a long export would hold its thread for good.
    """

    def handle_request(self, req, conn):
        conn.sock.settimeout(send_timeout)
        return super().handle_request(req, conn)


wsgi_app = "civicspace.wsgi:application"
worker_class = SendTimeoutWorker
# Processes: about one per core (the classic 2 x cores + 1 is for single-threaded workers).
workers = env_int("WEB_CONCURRENCY", 3)
# Requests answered at once by each process; each holds a database connection while it runs.
threads = env_int("GUNICORN_THREADS", 8)
# A worker whose main loop is silent this long (seconds) is hung and is restarted; requests are not timed.
timeout = env_int("GUNICORN_TIMEOUT", 30)
# On restart or shutdown (SIGTERM, a deployment), running downloads get this long to finish.
graceful_timeout = env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Seconds an idle keep-alive connection is held open between requests, waiting in the poller, not a thread.
keepalive = env_int("GUNICORN_KEEPALIVE", 5)
accesslog = "-"
# The access log gives each request's time in seconds (%(L)s), so a long export can be seen to have completed.
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(L)ss pid=%(p)s'
# gunicornc's control socket defaults to one path per user, which two servers on one machine would fight over:
# off unless GUNICORN_CONTROL_SOCKET names a path for it.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
