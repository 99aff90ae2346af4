"""Django REST Framework, drf-spectacular and CORS settings for the public API.

Imported at the end of config/settings.py so the app's knobs live beside its code.
"""

REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["public.api.http.AnonymousRateThrottle"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "public.api.http.AlwaysJSON",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "public.api.http.problem_handler",
    "UNAUTHENTICATED_USER": None,
    # ?format= is a trial-list parameter on the HTML side; the API only speaks JSON.
    "URL_FORMAT_OVERRIDE": None,
}

SPECTACULAR_SETTINGS = {
    "TITLE": "MDMA Evidence Tracker API",
    "DESCRIPTION": (
        "Read-only open data: trials as ClinicalTrials.gov describes them, and the curated "
        "evidence beside them (publications with retractions, regulatory milestones, effect "
        "estimates, pooled syntheses). Only published records appear, exactly as on the site. "
        "Dates carry their precision: a value of '2019-05' with precision 'month' is not "
        "2019-05-01. Errors are RFC 9457 problem details."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # check --deploy would build the schema and print its notes on untyped filter methods as
    # warnings; the contract test validates the served schema instead.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
}

# Public data may be read from any origin, for GET only; nothing else is cross-origin.
CORS_ALLOW_ALL_ORIGINS = True
CORS_URLS_REGEX = r"^/(api|feeds|data|cite)/.*$"
CORS_ALLOW_METHODS = ("GET", "HEAD", "OPTIONS")
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ("ETag", "Last-Modified", "Link", "Retry-After")
