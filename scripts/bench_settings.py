"""Settings for the benchmark's server: the project's, plus a bare comparison view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"

# The benchmark measures serving, not the API's per-address rate limit (120/min by
# default), which would answer most of its requests with 429.
API_ANON_RATE = "1000000/min"
