"""A trial's participant flow as the registry posted it: groups, periods, milestones
and drop/withdraw reasons with a count per group. Counts keep the registry's text
beside the parsed number, which is empty when the text is not plainly a count."""

from django.db import models

from trials.models.results import PostedGroup
from trials.models.trial import Trial


class ParticipantFlow(models.Model):
    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, related_name="participant_flow")
    recruitment_details = models.TextField(blank=True)
    pre_assignment_details = models.TextField(blank=True)
    type_units_analyzed = models.CharField(max_length=200, blank=True)

    def __str__(self):
        return f"Participant flow of {self.trial}"


class FlowGroup(PostedGroup):
    flow = models.ForeignKey(ParticipantFlow, on_delete=models.CASCADE, related_name="groups")

    class Meta:
        ordering = ["flow", "order"]
        constraints = [models.UniqueConstraint(fields=["flow", "code"], name="unique_flow_group")]


class FlowPeriod(models.Model):
    flow = models.ForeignKey(ParticipantFlow, on_delete=models.CASCADE, related_name="periods")
    title = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["flow", "order"]

    def __str__(self):
        return self.title or f"Period {self.order + 1}"


class FlowStep(models.Model):
    """A milestone (STARTED, COMPLETED, or the registry's own words) or a drop/withdraw
    reason within a period."""

    class Kind(models.TextChoices):
        MILESTONE = "milestone", "Milestone"
        DROP_WITHDRAW = "drop_withdraw", "Reason for not completing"

    period = models.ForeignKey(FlowPeriod, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    step_type = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["period", "order"]

    def __str__(self):
        return self.step_type


class FlowCount(models.Model):
    """One group's count for a step. `group` is empty only when the registry names a
    group id its flow does not list; `group_code` always says which one it named."""

    step = models.ForeignKey(FlowStep, on_delete=models.CASCADE, related_name="counts")
    group = models.ForeignKey(
        FlowGroup, on_delete=models.CASCADE, null=True, blank=True, related_name="counts"
    )
    group_code = models.CharField(max_length=20)
    subjects_raw = models.CharField(max_length=100, blank=True)
    subjects = models.PositiveIntegerField(null=True, blank=True)
    units_raw = models.CharField(max_length=100, blank=True)
    units = models.PositiveIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["step", "pk"]

    def __str__(self):
        return f"{self.group_code}: {self.subjects_raw}"
