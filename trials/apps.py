from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = "Trials (registry)"

    def ready(self):
        from trials import signals

        signals.connect()
