from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0011_figures"),
    ]

    operations = [
        migrations.AlterField(
            model_name="storediscount",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting for the store"),
                    ("created", "Created in the store"),
                    ("deactivated", "Deactivated in the store"),
                    ("failed", "The store refused it"),
                ],
                default="pending",
                max_length=12,
            ),
        ),
    ]
