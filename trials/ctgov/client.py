"""HTTP client for the ClinicalTrials.gov API v2.

Deliberately free of Django imports: the caller passes every setting in, so the
client can be used (and tested) outside a configured Django project.
"""

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Self
from urllib.parse import quote

import requests
from urllib3.exceptions import InvalidHeader, MaxRetryError
from urllib3.util.retry import Retry

APP_NAME = "mdma-evidence-tracker"
APP_VERSION = "1.0"
DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
DEFAULT_MIN_INTERVAL = 1.0
DEFAULT_RETRIES = 5
DEFAULT_BACKOFF = 2.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_READ_TIMEOUT = 60.0
DEFAULT_PAGE_SIZE = 1000
# Jitter is a fraction of the backoff so parallel clients do not retry in lockstep.
JITTER_FRACTION = 0.25
# Cap absurd Retry-After values so one bad header cannot stall an import for hours.
MAX_RETRY_AFTER = 300.0
# Throttling and server errors are worth another attempt; other statuses are final.
RETRY_STATUSES = frozenset({429, *range(500, 600)})
# How much of an error body to quote in exception messages.
ERROR_TEXT_LIMIT = 300
SINCE_FILTER = "AREA[LastUpdatePostDate]RANGE[{:%Y-%m-%d},MAX]"
# Network failures worth another attempt; other RequestExceptions are bugs.
RETRYABLE_EXCEPTIONS = (
    requests.Timeout,
    requests.ConnectionError,
    requests.exceptions.ChunkedEncodingError,  # truncated body (IncompleteRead)
    requests.exceptions.ContentDecodingError,
)

logger = logging.getLogger(__name__)
Validator = Callable[[Any], bool]
Fields = list[str] | tuple[str, ...] | str | None


class CtgovError(Exception):
    """Any failure talking to ClinicalTrials.gov."""


class CtgovNotFound(CtgovError):
    """The requested resource (usually a study) does not exist (HTTP 404)."""


class CtgovUnavailable(CtgovError):
    """The API kept failing transiently until the attempts ran out."""


class _RetryableResponse(Exception):
    """Internal signal: the response (a 429/5xx, or a 200 without the JSON we need)
    is worth another attempt."""


class RetryPolicy(Retry):
    """urllib3's Retry (attempt budget, Retry-After parsing and its cap) with today's
    timing: doubling from the first retry, jitter proportional to the delay, and a
    Retry-After that lengthens the wait but never shortens it."""

    def get_backoff_time(self) -> float:
        # urllib3 waits nothing before the first retry and adds a fixed jitter.
        delay = self.backoff_factor * 2 ** (len(self.history) - 1)
        return delay + random.uniform(0, delay * JITTER_FRACTION)

    def parse_retry_after(self, retry_after: str) -> float:
        # urllib3 accepts whole seconds or an HTTP date and raises on anything else;
        # fractional seconds are honoured too, and an unreadable header is ignored.
        try:
            return min(max(float(retry_after), 0.0), self.retry_after_max)
        except ValueError:
            pass
        try:
            return super().parse_retry_after(retry_after)
        except InvalidHeader:
            return 0.0

    def delay(self, response: requests.Response | None) -> float:
        """Seconds to wait before the next attempt."""
        retry_after = None
        if response is not None and self.respect_retry_after_header:
            retry_after = self.get_retry_after(response.raw)
        return max(self.get_backoff_time(), retry_after or 0.0)


@dataclass(frozen=True)
class Page:
    """One page of /studies results."""

    number: int
    studies: list[dict[str, Any]]
    total_count: int | None
    next_page_token: str | None


def build_user_agent(contact: str | None = None) -> str:
    """Return the User-Agent naming this app, with an optional contact."""
    agent = f"{APP_NAME}/{APP_VERSION}"
    return f"{agent} (+{contact})" if contact else agent


def _snippet(response: requests.Response) -> str:
    """Shorten a response body for inclusion in an error message."""
    text = " ".join(response.text.split())
    return text if len(text) <= ERROR_TEXT_LIMIT else text[:ERROR_TEXT_LIMIT] + "…"


def _check_status(response: requests.Response) -> None:
    """Raise for any non-200 status: retryable for 429/5xx, fatal otherwise."""
    status = response.status_code
    if status in RETRY_STATUSES:
        raise _RetryableResponse(f"HTTP {status}: {_snippet(response)}")
    if status != 200:
        error = CtgovNotFound if status == 404 else CtgovError
        raise error(f"GET {response.url} returned HTTP {status}: {_snippet(response)}")


def _checked_json(response: requests.Response, validate: Validator) -> Any:
    """Return the response's JSON, or raise a retryable/fatal error."""
    _check_status(response)
    try:
        data = response.json()
    except ValueError:
        data = None  # maintenance pages and cut-off bodies arrive as 200s
    if data is None or not validate(data):
        kind = response.headers.get("Content-Type", "no content type")
        raise _RetryableResponse(f"HTTP 200 with invalid JSON ({kind}): {_snippet(response)}")
    return data


def _is_object(data: Any) -> bool:
    """Accept any JSON object (single study, version)."""
    return isinstance(data, dict)


def _is_studies_page(data: Any) -> bool:
    """Accept only a JSON object carrying a `studies` list."""
    return isinstance(data, dict) and isinstance(data.get("studies"), list)


def _join(values: str | list[str] | tuple[str, ...]) -> str:
    """Join list-valued parameters the way the API expects (comma-separated)."""
    return values if isinstance(values, str) else ",".join(values)


class CtgovClient:
    """Paced, retrying client for the ClinicalTrials.gov API v2."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        min_interval: float = DEFAULT_MIN_INTERVAL,
        retries: int = DEFAULT_RETRIES,
        backoff: float = DEFAULT_BACKOFF,
        connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
        read_timeout: float = DEFAULT_READ_TIMEOUT,
        user_agent: str | None = None,
        contact: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        session: requests.Session | None = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self.retries = max(1, retries)
        self.retry = RetryPolicy(
            total=self.retries - 1,
            backoff_factor=backoff,
            retry_after_max=MAX_RETRY_AFTER,
        )
        self.timeout = (connect_timeout, read_timeout)
        self.sleep = sleep
        self.clock = clock
        self.session = session or requests.Session()
        self.session.headers["User-Agent"] = user_agent or build_user_agent(contact)
        self.session.headers["Accept"] = "application/json"
        self._last_start: float | None = None

    def close(self) -> None:
        """Release pooled connections."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get_version(self) -> dict[str, Any]:
        """Fetch API and data versions (`apiVersion`, `dataTimestamp`)."""
        return self._get_json("/version", {})

    def get_study(self, nct_id: str, fields: Fields = None) -> dict[str, Any]:
        """Fetch one study; alias ids are redirected (301) to the canonical record."""
        params = {"format": "json"}
        if fields:
            params["fields"] = _join(fields)
        return self._get_json(f"/studies/{quote(nct_id, safe='')}", params)

    def iter_pages(
        self,
        query_intr: str | None = None,
        nct_ids: list[str] | None = None,
        since: date | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> Iterator[Page]:
        """Yield every page of a /studies search, following nextPageToken."""
        params = self._search_params(query_intr, nct_ids, since, page_size)
        page = self._fetch_page(1, dict(params, countTotal="true"))
        seen_tokens: set[str] = set()
        while True:
            # A server that hands back a used token would make us loop forever.
            if (token := page.next_page_token) in seen_tokens:
                raise CtgovError(f"page {page.number} repeated pageToken {token!r}")
            yield page
            if page.next_page_token is None:
                return
            seen_tokens.add(page.next_page_token)
            next_params = dict(params, pageToken=page.next_page_token)
            page = self._fetch_page(page.number + 1, next_params)

    def _fetch_page(self, number: int, params: dict[str, str]) -> Page:
        """Fetch one /studies page; only page 1 asks for (and reports) a total."""
        data = self._get_json("/studies", params, validate=_is_studies_page)
        total = data.get("totalCount") if number == 1 else None
        total = total if isinstance(total, int) else None
        return Page(number, data["studies"], total, data.get("nextPageToken") or None)

    @staticmethod
    def _search_params(query_intr, nct_ids, since, page_size) -> dict[str, str]:
        """Build the /studies query parameters shared by every page."""
        params = {"format": "json", "pageSize": str(page_size)}
        if query_intr:
            params["query.intr"] = query_intr
        if nct_ids:
            params["filter.ids"] = _join(nct_ids)
        if since:
            params["filter.advanced"] = SINCE_FILTER.format(since)
        return params

    def _get_json(self, path: str, params: dict[str, str], validate: Validator = _is_object) -> Any:
        """GET a path and return its JSON, retrying transient failures.

        requests reads the body after urllib3's own retry loop has finished, so a
        truncated or non-JSON body could not be retried by mounting the policy on the
        session; this loop drives the one RetryPolicy for status, network and body
        faults alike, so they share one attempt budget."""
        url = self.base_url + path
        retry = self.retry
        while True:
            self._pace()
            response = None
            try:
                response = self.session.get(url, params=params, timeout=self.timeout)
                return _checked_json(response, validate)
            except RETRYABLE_EXCEPTIONS as exc:
                error = f"{type(exc).__name__}: {exc}"
            except _RetryableResponse as exc:
                error = str(exc)
            try:
                retry = retry.increment("GET", url)
            except MaxRetryError:
                message = f"GET {url} failed after {self.retries} attempts; last error: {error}"
                raise CtgovUnavailable(message) from None
            delay = retry.delay(response)
            attempt = len(retry.history)
            message = "ctgov GET %s attempt %d/%d failed (%s); retrying in %.2fs"
            logger.warning(message, url, attempt, self.retries, error, delay)
            self.sleep(delay)

    def _pace(self) -> None:
        """Wait so request starts are at least min_interval apart (API politeness)."""
        if self._last_start is not None:
            wait = self.min_interval - (self.clock() - self._last_start)
            if wait > 0:
                self.sleep(wait)
        self._last_start = self.clock()
