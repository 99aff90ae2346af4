"""The vocabulary of effect estimates, kept apart from the numerical code.

Models and pages need these names; importing them from `evidence.meta_analysis` would
load numpy, scipy and statsmodels (about a second) into every process that only reads
records, `manage.py` commands and start-up checks included.
"""

# z quantile used to read a standard error off a reported 95% CI; the
# Cochrane Handbook's divisor 3.92 is 2 x 1.96, this is the same but sharper.
Z_95 = 1.959964

# Each reported metric is pooled on one scale; the standardised ones all as
# Hedges' g (a reported "SMD" is taken to be g, as RevMan and most papers
# report it), ratios as logs.
SCALE_CODE_OF_METRIC = {
    "cohens_d": "smd",
    "hedges_g": "smd",
    "smd": "smd",
    "md": "md",
    "rr": "log_rr",
    "or": "log_or",
}

# Where an SE came from, in precedence order: the paper's own uncertainty first.
SE_REPORTED = "reported_se"
SE_FROM_CI = "reported_ci"
SE_FROM_GROUP_SIZES = "group_sizes"
