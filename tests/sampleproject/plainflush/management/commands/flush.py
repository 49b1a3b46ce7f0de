"""Django's own flush, without django-lbsync's: the sample's leak test must fail with it."""
from django.core.management.commands.flush import Command  # noqa: F401
