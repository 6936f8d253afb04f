import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models

# The content types (model names) of the two models that move.
MOVED_MODELS = ("enrolment", "historicalenrolment")


def _move_content_types(apps, source: str, target: str) -> None:
    """Permissions, group grants and admin log entries point at the content type row, so renaming
    the row (not creating a new one) keeps them. A target row made in between is left alone, as
    Django's own RenameContentType does."""
    from django.contrib.contenttypes.models import ContentType as CurrentContentType

    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in MOVED_MODELS:
        if ContentType.objects.filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.filter(app_label=source, model=model).update(app_label=target)
    CurrentContentType.objects.clear_cache()


def forwards(apps, schema_editor) -> None:
    _move_content_types(apps, "trials", "consents")


def backwards(apps, schema_editor) -> None:
    _move_content_types(apps, "consents", "trials")


class Migration(migrations.Migration):
    """Enrolments move from ``trials`` to ``consents``, which does every write, the export and the
    admin for them. The models keep their tables (``trials_enrolment``, ``trials_historicalenrolment``)
    with the same indexes, constraints and append-only trigger: only Django's state changes, and
    the content types are renamed so permissions and the admin log follow."""

    # Reviewed: the schema part is state only (database_operations is empty); the data part renames
    # two content type rows and is reversible.
    unsafe_reviewed = True

    dependencies = [
        ("consents", "0005_export_batch"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("trials", "0010_enrolment_moves_to_consents"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalEnrolment',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('included_on', models.DateField(verbose_name='inkludert')),
                        ('status', models.CharField(choices=[('included', 'Inkludert'), ('completed', 'Fullført'), ('withdrawn', 'Trukket seg'), ('lost', 'Tapt for oppfølging')], default='included', max_length=10, verbose_name='status')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='avsluttet')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='årsak til avslutning')),
                        ('created_at', models.DateTimeField(blank=True, editable=False, verbose_name='registrert')),
                        ('updated_at', models.DateTimeField(blank=True, editable=False, verbose_name='sist endret')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('participant', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='consents.participant', verbose_name='deltaker')),
                        ('site', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='trials.studysite', verbose_name='studiested')),
                        ('study', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='trials.study', verbose_name='studie')),
                    ],
                    options={
                        'verbose_name': 'historikk for inklusjon',
                        'verbose_name_plural': 'historical inklusjoner',
                        'db_table': 'trials_historicalenrolment',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='Enrolment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('included_on', models.DateField(verbose_name='inkludert')),
                        ('status', models.CharField(choices=[('included', 'Inkludert'), ('completed', 'Fullført'), ('withdrawn', 'Trukket seg'), ('lost', 'Tapt for oppfølging')], default='included', max_length=10, verbose_name='status')),
                        ('ended_on', models.DateField(blank=True, null=True, verbose_name='avsluttet')),
                        ('end_reason', models.CharField(blank=True, max_length=200, verbose_name='årsak til avslutning')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='registrert')),
                        ('updated_at', models.DateTimeField(auto_now=True, verbose_name='sist endret')),
                        ('version', models.PositiveIntegerField(db_default=1, default=1, editable=False, verbose_name='versjon')),
                        ('participant', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='consents.participant', verbose_name='deltaker')),
                        ('site', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='trials.studysite', verbose_name='studiested')),
                        ('study', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='enrolments', to='trials.study', verbose_name='studie')),
                    ],
                    options={
                        'verbose_name': 'inklusjon',
                        'verbose_name_plural': 'inklusjoner',
                        'db_table': 'trials_enrolment',
                        'ordering': ['-included_on', '-id'],
                        'base_manager_name': 'objects',
                        'indexes': [models.Index(fields=['study', 'status'], name='enrolment_study_status_idx'), models.Index(fields=['site', 'included_on'], name='enrolment_site_included_idx'), models.Index(fields=['included_on'], name='enrolment_included_idx')],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'included')), fields=('participant', 'study'), name='enrolment_one_active', violation_error_message='Deltakeren er allerede inkludert i denne studien.'), models.CheckConstraint(condition=models.Q(('ended_on__isnull', True), ('ended_on__gte', models.F('included_on')), _connector='OR'), name='enrolment_ended_after_included', violation_error_message='Sluttdato kan ikke være før inklusjonsdato.')],
                    },
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
