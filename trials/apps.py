from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = "Trials (registry)"

    def ready(self):
        from trials import any_of, signals  # noqa: F401  (any_of registers `__any`)

        signals.connect()
