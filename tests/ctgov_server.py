"""Scripted local HTTP server that imitates the ClinicalTrials.gov API v2.

Usage::

    with CtgovServer() as server:
        server.add("/studies", json=studies_page([...], next_page_token="t1"))
        server.add("/studies", status=503, headers={"Retry-After": "1"})
        server.add("/studies/NCT00000001", json={...}, repeat=True)
        client = CtgovClient(server.url, min_interval=0, backoff=0.01)
        ...
        assert server.received_for("/studies")[0].param("countTotal") == "true"

Paths given to `add` are relative to the API root (`/studies`, `/studies/<nct>`,
`/version`); `server.url` is the API root, e.g. ``http://127.0.0.1:PORT/api/v2``.
One-shot responses for a path are served in the order they were added; once
they are used up, a `repeat=True` response for that path is served every time.
Anything unscripted gets HTTP 418 with a text body naming the request, so a
missing script fails fast and visibly instead of looking like a real 404.
`server.publish(*studies)` answers `/studies?filter.ids=A,B` with the published
studies among those ids, as the API does, when nothing scripted matches.
"""

import contextlib
import json as jsonlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

API_PREFIX = "/api/v2"
UNSCRIPTED_STATUS = 418
# Short poll so stop() returns quickly; tests start and stop many servers.
POLL_INTERVAL = 0.02
_UNSET = object()


def studies_page(
    studies: list[dict[str, Any]],
    next_page_token: str | None = None,
    total_count: int | None = None,
) -> dict[str, Any]:
    """Build a /studies response body the way the real API shapes it."""
    body: dict[str, Any] = {"studies": studies}
    if total_count is not None:
        body["totalCount"] = total_count
    if next_page_token is not None:
        body["nextPageToken"] = next_page_token
    return body


def study(nct_id: str, **protocol_modules: Any) -> dict[str, Any]:
    """Build a minimal study record with the given NCT id."""
    section = {"identificationModule": {"nctId": nct_id}, **protocol_modules}
    return {"protocolSection": section}


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str  # relative to the API prefix, e.g. "/studies"
    params: dict[str, list[str]]
    headers: dict[str, str]  # lower-cased names
    received_at: float  # server clock (default time.monotonic()) on arrival

    def param(self, name: str) -> str | None:
        """Return the (first) value of a query parameter, or None if absent."""
        values = self.params.get(name)
        return values[0] if values else None

    def header(self, name: str) -> str | None:
        """Return a request header by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass
class ScriptedResponse:
    """A canned response and the requests it applies to."""

    path: str
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate: bool = False
    params: dict[str, str | None] | None = None
    repeat: bool = False

    def matches(self, request: RecordedRequest) -> bool:
        """Is this response meant for that request (path and param filter)?"""
        if request.path != self.path:
            return False
        # A None value in the filter means "parameter must be absent".
        return all(request.param(k) == v for k, v in (self.params or {}).items())


class CtgovServer:
    """Threaded local HTTP server serving scripted ClinicalTrials.gov responses."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        prefix: str = API_PREFIX,
        clock: Callable[[], float] = time.monotonic,
    ):
        """clock stamps `received_at`; share a test's fake clock with the client to
        measure pacing in virtual time."""
        self.host, self.port, self.prefix = host, port, prefix.rstrip("/")
        self.clock = clock
        self._lock = threading.Lock()
        self._script: list[ScriptedResponse] = []
        self._received: list[RecordedRequest] = []
        self._published: dict[str, dict[str, Any]] = {}
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The API root to hand to the client, e.g. http://127.0.0.1:PORT/api/v2."""
        return f"http://{self.host}:{self.port}{self.prefix}"

    def start(self) -> Self:
        """Bind (port 0 picks a free port) and serve in a daemon thread."""
        handler = type("Handler", (_Handler,), {"server_state": self})
        self._httpd = ThreadingHTTPServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_INTERVAL},
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the listening socket."""
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def add(
        self,
        path: str,
        *,
        json: Any = _UNSET,
        status: int = 200,
        headers: dict[str, str] | None = None,
        delay: float = 0.0,
        body: str | bytes | None = None,
        content_type: str | None = None,
        truncate: bool = False,
        params: dict[str, str | None] | None = None,
        repeat: bool = False,
    ) -> ScriptedResponse:
        """Script a response for `path`.

        json: serialised as application/json. body: raw str/bytes (text/plain unless
        content_type says otherwise). delay: seconds to wait before answering (to
        provoke read timeouts). truncate: announce the full Content-Length but send
        only half the body, then close. params: only answer requests whose query has
        these values (None = must be absent). repeat: serve it every time once the
        one-shot responses for the path are used up.
        """
        if json is not _UNSET:
            raw = jsonlib.dumps(json).encode()
            content_type = content_type or "application/json"
        else:
            raw = body.encode() if isinstance(body, str) else (body or b"")
            content_type = content_type or "text/plain; charset=utf-8"
        all_headers = {"Content-Type": content_type, **(headers or {})}
        response = ScriptedResponse(path, status, raw, all_headers, delay, truncate, params, repeat)
        with self._lock:
            self._script.append(response)
        return response

    def publish(self, *studies: dict[str, Any]) -> None:
        """Make studies findable by NCT id (or alias) through `filter.ids`."""
        with self._lock:
            for record in studies:
                ident = record["protocolSection"]["identificationModule"]
                for nct_id in [ident["nctId"], *ident.get("nctIdAliases", [])]:
                    self._published[nct_id] = record

    @property
    def received(self) -> list[RecordedRequest]:
        """All requests received so far, oldest first."""
        with self._lock:
            return list(self._received)

    def received_for(self, path: str) -> list[RecordedRequest]:
        """Requests received for one API path (e.g. "/studies")."""
        return [r for r in self.received if r.path == path]

    def pending(self) -> list[ScriptedResponse]:
        """One-shot responses not served yet (assert empty to check a script ran)."""
        with self._lock:
            return [r for r in self._script if not r.repeat]

    def reset(self) -> None:
        """Forget the script and the recorded requests."""
        with self._lock:
            self._script.clear()
            self._received.clear()

    def _take(self, request: RecordedRequest) -> ScriptedResponse | None:
        """Record a request and pick its response: one-shots first, then repeats."""
        with self._lock:
            self._received.append(request)
            candidates = [r for r in self._script if r.matches(request)]
            for response in candidates:
                if not response.repeat:
                    self._script.remove(response)
                    return response
            if candidates:
                return candidates[0]
            return self._search_published(request)

    def _search_published(self, request: RecordedRequest) -> ScriptedResponse | None:
        """Answer a `filter.ids` search from the published studies (caller holds the lock)."""
        wanted = request.param("filter.ids")
        if request.path != "/studies" or wanted is None or not self._published:
            return None
        found = {
            self._published[i]["protocolSection"]["identificationModule"]["nctId"]: None
            for i in wanted.split(",")
            if i in self._published
        }
        studies = [self._published[nct_id] for nct_id in found]
        body = jsonlib.dumps(studies_page(studies, total_count=len(studies))).encode()
        return ScriptedResponse(
            request.path, body=body, headers={"Content-Type": "application/json"}
        )


class _Handler(BaseHTTPRequestHandler):
    """Answers every GET from the owning CtgovServer's script."""

    server_state: CtgovServer

    def do_GET(self) -> None:
        state = self.server_state
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith(state.prefix):
            path = path[len(state.prefix) :] or "/"
        request = RecordedRequest(
            method="GET",
            path=path,
            params=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            received_at=state.clock(),
        )
        response = state._take(request)
        if response is None:
            text = f"unscripted request: GET {self.path}".encode()
            response = ScriptedResponse(
                path, UNSCRIPTED_STATUS, text, {"Content-Type": "text/plain"}
            )
        # The client may have given up first (e.g. read timeout); that is the point.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            self._send(response)

    def _send(self, response: ScriptedResponse) -> None:
        """Write a scripted response, honouring delay and truncation."""
        if response.delay:
            time.sleep(response.delay)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        body = response.body[: len(response.body) // 2] if response.truncate else response.body
        self.wfile.write(body)
        self.wfile.flush()
        if response.truncate:
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""
