from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations and commitments"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
