from django.db import migrations

from django_lbsync.operations import AutoUpdate


class Migration(migrations.Migration):
    dependencies = []
    operations = [AutoUpdate(models=["CustomerTest"])]
