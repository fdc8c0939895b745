"""Dossiers stopped before 222c76f kept their running steps: they stayed in work queues and warnings.
End them as ``intake._stop`` now does: the steps done at the moment the dossier was closed, their
holders freed then."""

from django.db import migrations
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def close_steps(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    DossierStep = apps.get_model("dossiers", "DossierStep")
    StepHolding = apps.get_model("dossiers", "StepHolding")
    stale = DossierStep.objects.filter(state="active", dossier__status="stopped")
    closed = Dossier.objects.filter(pk=OuterRef("dossier_id")).values(
        moment=Coalesce("closed_at", "updated_at")
    )[:1]
    StepHolding.objects.filter(step__in=stale.values("pk"), ended_at__isnull=True).update(
        ended_at=Subquery(
            DossierStep.objects.filter(pk=OuterRef("step_id")).values(
                moment=Coalesce("dossier__closed_at", "dossier__updated_at")
            )[:1]
        )
    )
    DossierStep.objects.filter(pk__in=stale.values("pk")).update(state="done", finished_at=Subquery(closed))


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_step_pool_index")]

    operations = [migrations.RunPython(close_steps, migrations.RunPython.noop)]
