from trials.admin import imports, trial  # noqa: F401  (registers the ModelAdmins)
