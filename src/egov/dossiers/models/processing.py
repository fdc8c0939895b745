"""Processing after reception (Decree 118/2025 Art. 19–23): the steps each agency works, who held them,
the applicant's pauses, consultations, the one extension, delegations, and the rating."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from egov.core.permissions import Role


class DossierStep(models.Model):
    """One step of the dossier's internal process, instantiated from the procedure version's step
    templates when the dossier is transferred; its due moment comes from its quota in working hours."""

    class State(models.TextChoices):
        PENDING = "pending", _("Not started")
        ACTIVE = "active", _("In progress")
        DONE = "done", _("Done")
        SENT_BACK = "sent_back", _("Sent back")

    class Outcome(models.TextChoices):
        EARLY = "early", _("Before the deadline")
        ON_TIME = "on_time", _("On time")
        LATE = "late", _("Late")

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField(_("order"))
    name = models.CharField(_("name"), max_length=255)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    quota_hours = models.DecimalField(_("time quota (working hours)"), max_digits=7, decimal_places=2)
    is_parallel = models.BooleanField(
        _("in parallel with the previous step"),
        default=False,
        help_text=_("Inter-agency steps worked at once."),
    )
    is_lead = models.BooleanField(_("lead agency"), default=False)
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.PENDING, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("result"), max_length=16, choices=Outcome.choices, blank=True)
    proposal = models.CharField(_("proposal"), max_length=16, blank=True)
    note = models.TextField(_("note"), blank=True)
    warned_at = models.DateTimeField(_("due-soon warning sent at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("processing step")
        verbose_name_plural = _("processing steps")
        ordering = ["dossier", "order", "id"]
        # The work queue's three parts (dossiers.selectors_work._branches). Each index also carries the
        # columns the queue reads of a step (the dossier, the holder, the state), so that its count, its
        # page and the reload's fingerprint are read from the index alone, without the table
        # (docs/benchmarks.md: the fingerprint of a 1,351-step queue 3.1 → 1.3 ms).
        indexes = [
            models.Index(
                fields=["agency", "state", "due_at", "dossier", "assignee", "role"], name="step_queue_idx"
            ),
            models.Index(
                fields=["assignee", "state", "due_at", "dossier", "agency", "role"], name="step_assignee_idx"
            ),
            # The unassigned steps waiting for a role in an agency: one half of every work queue.
            models.Index(
                fields=["agency", "role", "due_at", "dossier", "assignee", "state"],
                condition=models.Q(state="active", assignee__isnull=True),
                name="step_pool_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"


class StepHolding(models.Model):
    """Who held a step and for how long: assignment, reassignment, delegation."""

    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="holdings")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("step holding")
        verbose_name_plural = _("step holdings")
        ordering = ["step", "started_at"]

    def __str__(self) -> str:
        return f"{self.step} – {self.holder}"


class Pause(models.Model):
    """Time that belongs to the applicant (a request to supplement during processing), recorded as an
    interval; the statutory time restarts when it ends (Decree 118/2025 Art. 19.5, spec §2)."""

    dossier = models.ForeignKey("dossiers.Dossier", on_delete=models.CASCADE, related_name="pauses")
    supplement_request = models.OneToOneField(
        "dossiers.SupplementRequest", on_delete=models.PROTECT, null=True, blank=True, related_name="pause"
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("pause")
        verbose_name_plural = _("pauses")
        ordering = ["dossier", "started_at"]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.started_at:%d/%m/%Y}"


class Extension(models.Model):
    """The one re-appointment allowed, with the apology (form 04, Decree 118/2025 Art. 19.6)."""

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="extension")
    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(_("requested at"))
    previous_due_at = models.DateTimeField(_("previous appointment"))
    new_due_at = models.DateTimeField(_("new appointment"))
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("extension")
        verbose_name_plural = _("extensions")

    def __str__(self) -> str:
        return f"{self.dossier_id} → {self.new_due_at:%d/%m/%Y}"


class Consultation(models.Model):
    """Another unit's opinion asked during a step, with its own deadline (Art. 19.4)."""

    step = models.ForeignKey(DossierStep, on_delete=models.CASCADE, related_name="consultations")
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("consulted agency"), on_delete=models.PROTECT, related_name="+"
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(_("asked at"))
    due_at = models.DateTimeField(_("answer due"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["step", "asked_at"]

    def __str__(self) -> str:
        return f"{self.step} → {self.agency}"


class Delegation(models.Model):
    """While an officer is away, another holds their work in that agency."""

    agency = models.ForeignKey("accounts.Agency", on_delete=models.PROTECT, related_name="+")
    absent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    delegate = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    valid_from = models.DateTimeField(_("from"))
    valid_to = models.DateTimeField(_("until"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__gt=models.F("valid_from")), name="delegation_period"
            ),
            models.CheckConstraint(condition=~Q(absent=models.F("delegate")), name="delegation_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.absent} → {self.delegate}"


class Rating(models.Model):
    """The applicant's rating of the service after the return (Decree 118/2025 Art. 33)."""

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        KIOSK = "kiosk", _("Kiosk at the counter")

    dossier = models.OneToOneField("dossiers.Dossier", on_delete=models.PROTECT, related_name="rating")
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    scores = models.JSONField(_("scores"), default=dict)
    is_satisfied = models.BooleanField(_("satisfied"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")

    def __str__(self) -> str:
        return f"{self.dossier_id} {'+' if self.is_satisfied else '-'}"
