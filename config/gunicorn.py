"""gunicorn settings for `make serve`, read from the environment.

Threaded workers (gthread): a slow client ties up one thread, not a whole worker,
and the timeouts below cut off clients that send their request too slowly.
In production nginx (deploy/nginx-mdma-tracker.conf) buffers slow clients first.
"""

import multiprocessing
import os

_cores = multiprocessing.cpu_count()

bind = os.environ.get("BIND") or f"127.0.0.1:{os.environ.get('PORT', '8000')}"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, _cores)))
# Many cheap threads: a client that trickles its headers holds one until it is done.
threads = int(os.environ.get("WEB_THREADS", 32))
# A worker takes no more connections than it has threads: a worker whose threads
# are all held by slow clients stops accepting, and the other workers answer.
worker_connections = int(os.environ.get("WEB_CONNECTIONS", threads))
# A request that takes longer than this is killed and its worker restarted.
timeout = int(os.environ.get("WEB_TIMEOUT", 30))
graceful_timeout = 30
# Idle keep-alive connections are closed after this many seconds.
keepalive = 5
# Recycle workers now and then so a slow leak can never build up.
max_requests = 2000
max_requests_jitter = 200
# Header limits: a client cannot hold a thread with an endless header.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# The app logs every request itself, with its request id (config.middleware).
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Only trust X-Forwarded-* from the local proxy.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "mdma-tracker"
