from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [
        migrations.CreateModel(
            name="Note",
            fields=[("id", models.AutoField(primary_key=True, serialize=False)), ("text", models.CharField(max_length=50))],
        ),
    ]
