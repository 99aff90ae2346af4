"""The lookup tables trials point to: phases, organisations, conditions."""

from django.db import models


class PhaseManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Phase(models.Model):
    """A trial phase as ClinicalTrials.gov codes it; a Phase 2/3 trial has two."""

    code = models.CharField(max_length=20, unique=True)
    label = models.CharField(max_length=50)
    order = models.PositiveSmallIntegerField(default=0)

    # Backups name phases by code: a fresh database's migration gives them other ids.
    objects = PhaseManager()

    class Meta:
        ordering = ["order"]

    def __str__(self):
        return self.label

    def natural_key(self):
        return (self.code,)


class NamedLookup(models.Model):
    """A lookup row known by its unique name, listed alphabetically."""

    name = models.CharField(max_length=300, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(NamedLookup):
    agency_class = models.CharField(max_length=20, blank=True)


class Condition(NamedLookup):
    mesh_term = models.CharField(max_length=300, blank=True)
    mesh_id = models.CharField(max_length=20, blank=True)
