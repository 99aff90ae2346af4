"""What the synthesis page calls each pooling method, interval and data source."""

METHOD_NAMES = {
    "REML": "Random effects (restricted maximum likelihood)",
    "DL": "Random effects (DerSimonian-Laird)",
    "PM": "Random effects (Paule-Mandel)",
    "FE": "Fixed effect (inverse variance)",
}
CI_NAMES = {
    "wald": "Wald (normal quantile)",
    "hk_adhoc": "Hartung-Knapp-Sidik-Jonkman, ad hoc corrected (never narrower than Wald)",
    "hk": "Hartung-Knapp-Sidik-Jonkman",
}
# Where the estimates come from: the curated published effect sizes, or effects
# computed from the Metapsy dataset's per-arm numbers; never both in one pool.
SOURCES = {
    "published": "Published effect sizes (curated)",
    "metapsy": "Computed from the Metapsy / Sypres living dataset",
}
