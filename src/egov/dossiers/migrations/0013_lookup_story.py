"""The public lookup's story kept per dossier (models/lookup.py), and the triggers that forget it when
what it shows changes: a row of the control slip or of the status history written, changed or deleted,
or an agency named on the slip renamed. The triggers catch every writer (services, admin, bulk loads);
the periodic job writes the story again."""

import django.db.models.deletion
from django.db import migrations, models

ANSWER = "dossiers_lookupstory"
STORY_TABLES = ("dossiers_controlrow", "dossiers_dossierevent")
# The stories of the dossiers whose control slip names agency {row}.id.
_AGENCY_ANSWERS = (
    f"DELETE FROM {ANSWER} WHERE dossier_id IN (SELECT dossier_id FROM dossiers_controlrow "
    "WHERE from_agency_id = {row}.id OR to_agency_id = {row}.id)"
)

SQLITE = [
    statement
    for table in STORY_TABLES
    for statement in (
        f"CREATE TRIGGER {table}_lookup_ins AFTER INSERT ON {table} "
        f"BEGIN DELETE FROM {ANSWER} WHERE dossier_id = NEW.dossier_id; END",
        f"CREATE TRIGGER {table}_lookup_upd AFTER UPDATE ON {table} "
        f"BEGIN DELETE FROM {ANSWER} WHERE dossier_id IN (OLD.dossier_id, NEW.dossier_id); END",
        f"CREATE TRIGGER {table}_lookup_del AFTER DELETE ON {table} "
        f"BEGIN DELETE FROM {ANSWER} WHERE dossier_id = OLD.dossier_id; END",
    )
] + [
    "CREATE TRIGGER accounts_agency_lookup_name AFTER UPDATE OF name ON accounts_agency "
    f"WHEN OLD.name IS NOT NEW.name BEGIN {_AGENCY_ANSWERS.format(row='NEW')}; END"
]

POSTGRESQL = [
    f"""CREATE FUNCTION dossiers_lookup_story_forget() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP <> 'INSERT' THEN DELETE FROM {ANSWER} WHERE dossier_id = OLD.dossier_id; END IF;
          IF TG_OP <> 'DELETE' THEN DELETE FROM {ANSWER} WHERE dossier_id = NEW.dossier_id; END IF;
          RETURN NULL;
        END $$""",
    *(
        f"CREATE TRIGGER {table}_lookup AFTER INSERT OR UPDATE OR DELETE ON {table} "
        "FOR EACH ROW EXECUTE FUNCTION dossiers_lookup_story_forget()"
        for table in STORY_TABLES
    ),
    f"""CREATE FUNCTION dossiers_lookup_story_forget_agency() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN {_AGENCY_ANSWERS.format(row='NEW')}; RETURN NULL; END $$""",
    "CREATE TRIGGER accounts_agency_lookup_name AFTER UPDATE OF name ON accounts_agency FOR EACH ROW "
    "WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION dossiers_lookup_story_forget_agency()",
]


def create_triggers(apps, schema_editor):
    statements = POSTGRESQL if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in STORY_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_lookup ON {table}")
        schema_editor.execute("DROP TRIGGER IF EXISTS accounts_agency_lookup_name ON accounts_agency")
        schema_editor.execute("DROP FUNCTION IF EXISTS dossiers_lookup_story_forget()")
        schema_editor.execute("DROP FUNCTION IF EXISTS dossiers_lookup_story_forget_agency()")
        return
    for table in STORY_TABLES:
        for suffix in ("ins", "upd", "del"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_lookup_{suffix}")
    schema_editor.execute("DROP TRIGGER IF EXISTS accounts_agency_lookup_name")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0001_initial'),
        ('dossiers', '0012_covering_work_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='LookupStory',
            fields=[
                ('dossier', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='dossiers.dossier')),
                ('stamp', models.CharField(max_length=64, verbose_name='labels')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('story', models.TextField(verbose_name='story')),
            ],
            options={
                'verbose_name': 'public lookup story',
                'verbose_name_plural': 'public lookup stories',
                'default_permissions': (),
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
