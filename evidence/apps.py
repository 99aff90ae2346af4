from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = "Evidence (curated)"

    def ready(self):
        from django.db.models.signals import post_save

        from evidence.models import EffectEstimate, Publication
        from evidence.signals import snapshot_after_commit

        for model in (EffectEstimate, Publication):
            post_save.connect(snapshot_after_commit, sender=model, dispatch_uid=f"snapshot-{model}")
