"""Settings for the benchmark's server: the project's, plus a bare comparison view."""

from config.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
