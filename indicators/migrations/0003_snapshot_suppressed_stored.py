from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("indicators", "0002_official_methods_annual_periods_coverage")]

    operations = [
        migrations.AddField(
            model_name="indicatorsnapshot",
            name="suppressed",
            field=models.BooleanField(
                blank=True,
                help_text=(
                    "Avgjort av personvernkontrollen når perioden beregnes: verdien vises ikke i "
                    "det offentlige API-et eller i rapportene. Tomt: ennå ikke avgjort."
                ),
                null=True,
                verbose_name="skjult i offentlige tall",
            ),
        ),
    ]
