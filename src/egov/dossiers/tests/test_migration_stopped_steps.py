"""Migration 0010 ends the running steps that dossiers stopped before the fix had kept."""

from __future__ import annotations

import importlib
from datetime import timedelta

from django.apps import apps as global_apps
from django.utils import timezone

from egov.dossiers.models import Dossier, DossierStep, Status, StepHolding
from egov.dossiers.tests.test_work import build_world

MIGRATION = "egov.dossiers.migrations.0010_close_steps_of_stopped_dossiers"
close_steps = importlib.import_module(MIGRATION).close_steps


def test_the_steps_of_a_stopped_dossier_end_when_it_was_closed(province, applicant):
    world = build_world(province, applicant)
    dossier, appraisal = world["dossier"], world["appraisal"]
    closed_at = timezone.now() - timedelta(days=3)
    # As the old _stop left it: stopped, closed, its step still running and held.
    Dossier.objects.filter(pk=dossier.pk).update(status=Status.STOPPED, closed_at=closed_at)
    assert DossierStep.objects.filter(pk=appraisal.pk, state=DossierStep.State.ACTIVE).exists()
    assert StepHolding.objects.filter(step=appraisal, ended_at__isnull=True).exists()

    close_steps(global_apps, None)

    appraisal.refresh_from_db()
    assert (appraisal.state, appraisal.finished_at) == (DossierStep.State.DONE, closed_at)
    assert not StepHolding.objects.filter(step=appraisal, ended_at__isnull=True).exists()
    assert StepHolding.objects.filter(step=appraisal, ended_at=closed_at).exists()
