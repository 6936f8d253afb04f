import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0005_running_enrolment_masks"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportWorkbook",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("digest", models.CharField(max_length=64, unique=True, verbose_name="SHA-256")),
                ("content", models.BinaryField(verbose_name="innhold (XLSX)")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="opprettet")),
            ],
            options={
                "verbose_name": "rapportvedlegg",
                "verbose_name_plural": "rapportvedlegg",
            },
        ),
        migrations.AddField(
            model_name="reportrun",
            name="workbook",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="runs",
                to="indicators.reportworkbook",
                verbose_name="vedlegg (XLSX)",
            ),
        ),
    ]
