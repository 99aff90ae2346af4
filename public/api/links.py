"""Absolute links every record carries: its page (`url`) and its API address (`api_url`)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """A read-only absolute URL built from the record by `path_of(record)`."""

    def __init__(self, path_of, **kwargs):
        self.path_of = path_of
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        path = self.path_of(obj)
        return absolute(self.context, path) if path else None


class PageLinkField(LinkField):
    """A read-only absolute URL of the record's public page."""

    def __init__(self, **kwargs):
        super().__init__(lambda record: record.get_absolute_url(), **kwargs)


class SourceSerializer(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField(help_text="Empty when the source cannot be linked.")
    kind = serializers.ChoiceField(choices=["doi", "pmid", "url", "citation"])


def trial_api_path(trial) -> str:
    return reverse("public:api-trial", args=[trial.url_key])


def publication_api_path(publication) -> str:
    return reverse("public:api-publication", args=[publication.pk])


def milestone_api_path(milestone) -> str:
    return reverse("public:api-milestone", args=[milestone.pk])


def estimate_api_path(estimate) -> str:
    return reverse("public:api-estimate", args=[estimate.pk])


def family_api_path(family) -> str:
    return reverse("public:api-family", args=[family.slug])


def synthesis_api_path(family) -> str:
    return reverse("public:api-synthesis", args=[family.slug])


class EditorialFields(serializers.Serializer):
    """What every curated record shares in the API: verification and its sources."""

    verified = serializers.BooleanField(read_only=True)
    unverified_note = serializers.CharField(read_only=True)
    sources = SourceSerializer(source="source_list", many=True, read_only=True)
