from django.apps import AppConfig


class PublicConfig(AppConfig):
    """The top layer: API, feeds, citations and the data package. Nothing imports it."""

    name = "public"
    verbose_name = "Open data"
