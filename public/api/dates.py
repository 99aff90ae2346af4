"""The one way the API writes a date: as precisely as the source gave it, with its type.

``partial_date(obj, "start_date")`` reads ``start_date`` and, when the model has them,
``start_date_precision`` and ``start_date_type`` (e.g. ACTUAL / ESTIMATED). New date
fields on the models slot in by naming convention, with no change here.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from trials.dates import Precision, format_partial_date


def partial_date(obj, name: str) -> dict | None:
    value = getattr(obj, name, None)
    if value is None:
        return None
    precision = getattr(obj, f"{name}_precision", "") or Precision.DAY
    kind = getattr(obj, f"{name}_type", "") or None
    return {
        "value": format_partial_date(value, precision),
        "precision": str(precision),
        "type": str(kind) if kind else None,
    }


class PartialDateSchema(serializers.Serializer):
    value = serializers.CharField(
        help_text="YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source."
    )
    precision = serializers.ChoiceField(choices=Precision.choices)
    type = serializers.CharField(
        allow_null=True, help_text="ACTUAL or ESTIMATED where the registry says; null if unknown."
    )


@extend_schema_field(PartialDateSchema(allow_null=True))
class PartialDateField(serializers.Field):
    """A read-only partial date; reads the model field of the same name unless told another."""

    def __init__(self, model_field: str = "", **kwargs):
        self.model_field = model_field
        super().__init__(source="*", read_only=True, **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.model_field = self.model_field or field_name

    def to_representation(self, obj):
        return partial_date(obj, self.model_field)
