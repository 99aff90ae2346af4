"""Problems readers report with a page: a ticket for editors, never shown publicly."""

from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db import models

# A path on this site ("/trials/NCT03537014/"), never a full URL to elsewhere.
# "//host" and "/\\host" are read by browsers as another site, so they are refused too.
validate_site_path = RegexValidator(
    r"^/(?![/\\])[^\s\\]*$", "Give the path of a page on this site, starting with /."
)


class ProblemReport(models.Model):
    page = models.CharField(
        max_length=300,
        validators=[validate_site_path, ProhibitNullCharactersValidator()],
        help_text="The page the reader was on.",
    )
    message = models.TextField(
        max_length=5000,
        validators=[ProhibitNullCharactersValidator()],
        help_text="What the reader says is wrong.",
    )
    contact = models.CharField(
        max_length=200,
        blank=True,
        validators=[ProhibitNullCharactersValidator()],
        help_text="Optional e-mail or name for a reply.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved = models.BooleanField(default=False, db_index=True)
    editor_notes = models.TextField(blank=True)

    class Meta:
        ordering = ["resolved", "-created_at"]
        indexes = [models.Index(fields=["resolved", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.page}: {self.message[:60]}"
