from django.apps import AppConfig


class LbsyncConfig(AppConfig):
    name = "django_lbsync"
    label = "django_lbsync"
    verbose_name = "LoopBack schema sync"

    def ready(self):
        from . import checks  # noqa: F401 - registers the system checks
