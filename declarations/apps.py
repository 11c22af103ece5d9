from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations and commitments"

    def ready(self):
        from .models.status import StatusPeriod
        from .models.versions import LedgerVersion, bump_on_write

        # Any write to the ledger, from a service, the admin or a fixture, makes
        # the cached figures stale. Derived rows and history move with the write
        # that caused them.
        derived = (LedgerVersion, StatusPeriod)
        for model in self.get_models():
            if model in derived or model.__name__.startswith("Historical"):
                continue
            uid = f"ledger-version-{model._meta.label_lower}"
            post_save.connect(bump_on_write, sender=model, dispatch_uid=uid)
            post_delete.connect(bump_on_write, sender=model, dispatch_uid=uid)
        m2m_changed.connect(
            bump_on_write,
            sender=self.get_model("Assessment").evidence.through,
            dispatch_uid="ledger-version-assessment-evidence",
        )
