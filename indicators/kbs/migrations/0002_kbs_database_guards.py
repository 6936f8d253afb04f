"""The database's own guards for the KBS report, whatever code writes.

* A reporting period keeps its year, is never deleted, and is not changed once finalised.
* A finalised period's decisions and figures are not added to, changed or deleted.
* The change log, the final report files and the periods' history refuse UPDATE and DELETE.

PostgreSQL gets all of them. SQLite (development and most tests) gets the guards on UPDATE and
INSERT only: its test flush empties tables with DELETE, which a delete guard would stop.
"""

from django.db import migrations

from sites.history import protect_tables

PG_SQL = r"""
CREATE OR REPLACE FUNCTION kbs_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'KBS reporting periods are never deleted (year %)', OLD.year
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.year <> OLD.year THEN
        RAISE EXCEPTION 'The year of a KBS reporting period never changes (% to %)', OLD.year, NEW.year
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status = 'finalised' THEN
        RAISE EXCEPTION 'KBS reporting period % is finalised', OLD.year
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION kbs_refuse_in_finalised(period bigint) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM kbs_reportingperiod WHERE id = period AND status = 'finalised') THEN
        RAISE EXCEPTION 'KBS reporting period is finalised: its reports do not change'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION kbs_project_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN PERFORM kbs_refuse_in_finalised(OLD.period_id); END IF;
    IF TG_OP <> 'DELETE' THEN PERFORM kbs_refuse_in_finalised(NEW.period_id); END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE OR REPLACE FUNCTION kbs_site_number_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    project_id bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.project_id ELSE NEW.project_id END;
BEGIN
    PERFORM kbs_refuse_in_finalised((SELECT period_id FROM kbs_kbsproject WHERE id = project_id));
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;

CREATE TRIGGER kbs_period_guard BEFORE UPDATE OR DELETE ON kbs_reportingperiod
    FOR EACH ROW EXECUTE FUNCTION kbs_period_guard();
CREATE TRIGGER kbs_project_guard BEFORE INSERT OR UPDATE OR DELETE ON kbs_kbsproject
    FOR EACH ROW EXECUTE FUNCTION kbs_project_guard();
CREATE TRIGGER kbs_site_number_guard BEFORE INSERT OR UPDATE OR DELETE ON kbs_kbssitenumber
    FOR EACH ROW EXECUTE FUNCTION kbs_site_number_guard();
"""

PG_REVERSE = """
DROP TRIGGER IF EXISTS kbs_period_guard ON kbs_reportingperiod;
DROP TRIGGER IF EXISTS kbs_project_guard ON kbs_kbsproject;
DROP TRIGGER IF EXISTS kbs_site_number_guard ON kbs_kbssitenumber;
DROP FUNCTION IF EXISTS kbs_period_guard();
DROP FUNCTION IF EXISTS kbs_project_guard();
DROP FUNCTION IF EXISTS kbs_site_number_guard();
DROP FUNCTION IF EXISTS kbs_refuse_in_finalised(bigint);
"""

_FINALISED = "(SELECT status FROM kbs_reportingperiod WHERE id = {period}) = 'finalised'"
_SITE_PERIOD = "(SELECT period_id FROM kbs_kbsproject WHERE id = {row}.project_id)"

SQLITE_TRIGGERS = {
    "kbs_period_year_fixed": (
        "BEFORE UPDATE ON kbs_reportingperiod WHEN NEW.year <> OLD.year",
        "The year of a KBS reporting period never changes",
    ),
    "kbs_period_finalised": (
        "BEFORE UPDATE ON kbs_reportingperiod WHEN OLD.status = 'finalised'",
        "KBS reporting period is finalised",
    ),
    "kbs_project_insert": (
        "BEFORE INSERT ON kbs_kbsproject WHEN " + _FINALISED.format(period="NEW.period_id"),
        "KBS reporting period is finalised: its reports do not change",
    ),
    "kbs_project_update": (
        "BEFORE UPDATE ON kbs_kbsproject WHEN " + _FINALISED.format(period="OLD.period_id"),
        "KBS reporting period is finalised: its reports do not change",
    ),
    "kbs_site_number_insert": (
        "BEFORE INSERT ON kbs_kbssitenumber WHEN "
        + _FINALISED.format(period=_SITE_PERIOD.format(row="NEW")),
        "KBS reporting period is finalised: its reports do not change",
    ),
    "kbs_site_number_update": (
        "BEFORE UPDATE ON kbs_kbssitenumber WHEN "
        + _FINALISED.format(period=_SITE_PERIOD.format(row="OLD")),
        "KBS reporting period is finalised: its reports do not change",
    ),
}


def forward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_SQL, None)
    elif vendor == "sqlite":
        for name, (when, message) in SQLITE_TRIGGERS.items():
            schema_editor.execute(
                f"CREATE TRIGGER {name} {when} BEGIN SELECT RAISE(ABORT, '{message}'); END", None
            )


def backward(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(PG_REVERSE, None)
    elif vendor == "sqlite":
        for name in SQLITE_TRIGGERS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}", None)


class Migration(migrations.Migration):
    dependencies = [("kbs", "0001_yearly_kbs_report")]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
        protect_tables("kbs_kbschange", "kbs_kbsreportfile", "kbs_historicalreportingperiod"),
    ]
