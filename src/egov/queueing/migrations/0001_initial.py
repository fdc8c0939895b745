import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0001_initial"),
        ("catalog", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="Counter",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                ("number", models.PositiveSmallIntegerField(verbose_name="counter number")),
                ("name", models.CharField(blank=True, max_length=255, verbose_name="name")),
                (
                    "serves_all_fields",
                    models.BooleanField(
                        default=False,
                        help_text="Calls tickets of every line of the centre.",
                        verbose_name="serves every field",
                    ),
                ),
                ("is_open", models.BooleanField(default=False, verbose_name="open")),
                (
                    "centre",
                    models.ForeignKey(
                        limit_choices_to={"level": "one_stop_centre"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.agency",
                        verbose_name="one-stop centre",
                    ),
                ),
                (
                    "fields",
                    models.ManyToManyField(
                        blank=True,
                        related_name="+",
                        to="catalog.field",
                        verbose_name="fields of procedures served",
                    ),
                ),
            ],
            options={
                "verbose_name": "counter",
                "verbose_name_plural": "counters",
                "ordering": ["centre", "number"],
            },
        ),
        migrations.CreateModel(
            name="TicketLine",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated at")),
                (
                    "letter",
                    models.CharField(
                        help_text="Starts the code of every ticket of this line, e.g. A for A012.",
                        max_length=2,
                        validators=[
                            django.core.validators.RegexValidator(
                                "^[A-Z]{1,2}$",
                                "Use one or two capital letters without diacritics, e.g. A.",
                                code="invalid_letter",
                            )
                        ],
                        verbose_name="letter",
                    ),
                ),
                ("name", models.CharField(max_length=255, verbose_name="name")),
                ("order", models.PositiveSmallIntegerField(default=0, verbose_name="order on the kiosk")),
                ("is_active", models.BooleanField(default=True, verbose_name="offered at the kiosk")),
                (
                    "centre",
                    models.ForeignKey(
                        limit_choices_to={"level": "one_stop_centre"},
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.agency",
                        verbose_name="one-stop centre",
                    ),
                ),
                (
                    "fields",
                    models.ManyToManyField(
                        blank=True,
                        help_text="The fields of procedures this line is for; a line without fields is served only by counters that serve every field.",
                        related_name="+",
                        to="catalog.field",
                        verbose_name="fields of procedures",
                    ),
                ),
            ],
            options={
                "verbose_name": "ticket line",
                "verbose_name_plural": "ticket lines",
                "ordering": ["centre", "order", "letter"],
            },
        ),
        migrations.CreateModel(
            name="Ticket",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField(verbose_name="day")),
                ("number", models.PositiveIntegerField(verbose_name="number")),
                (
                    "code",
                    models.CharField(
                        help_text="Letter and number, e.g. A012.", max_length=12, verbose_name="ticket number"
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("waiting", "Waiting"),
                            ("called", "Called"),
                            ("serving", "Being served"),
                            ("done", "Done"),
                            ("no_show", "Not present"),
                        ],
                        default="waiting",
                        max_length=16,
                        verbose_name="status",
                    ),
                ),
                ("taken_at", models.DateTimeField(verbose_name="taken at")),
                ("called_at", models.DateTimeField(blank=True, null=True, verbose_name="first called at")),
                (
                    "last_called_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="last called at"),
                ),
                (
                    "calls",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="1 when first called; each recall adds one.",
                        verbose_name="times called",
                    ),
                ),
                (
                    "serving_started_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="service started at"),
                ),
                ("finished_at", models.DateTimeField(blank=True, null=True, verbose_name="finished at")),
                (
                    "called_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="called by",
                    ),
                ),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="accounts.agency",
                        verbose_name="one-stop centre",
                    ),
                ),
                (
                    "counter",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="queueing.counter",
                        verbose_name="counter",
                    ),
                ),
                (
                    "line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="tickets",
                        to="queueing.ticketline",
                        verbose_name="line",
                    ),
                ),
            ],
            options={
                "verbose_name": "queue ticket",
                "verbose_name_plural": "queue tickets",
                "ordering": ["-day", "taken_at", "pk"],
            },
        ),
        migrations.CreateModel(
            name="TicketSequence",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("day", models.DateField()),
                ("last_number", models.PositiveIntegerField(default=0)),
                (
                    "centre",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT, related_name="+", to="accounts.agency"
                    ),
                ),
                (
                    "line",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="queueing.ticketline",
                    ),
                ),
            ],
        ),
        migrations.AddConstraint(
            model_name="counter",
            constraint=models.UniqueConstraint(
                fields=("centre", "number"), name="queueing_counter_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketline",
            constraint=models.UniqueConstraint(
                fields=("centre", "letter"), name="queueing_line_letter_unique"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=["centre", "day", "status", "taken_at"], name="queueing_ticket_queue_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(fields=["counter", "status"], name="queueing_ticket_counter_idx"),
        ),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.UniqueConstraint(
                fields=("centre", "line", "day", "number"), name="queueing_ticket_number_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="ticket",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("status", "waiting"),
                    models.Q(("called_at__isnull", False), ("counter__isnull", False)),
                    _connector="OR",
                ),
                name="queueing_ticket_called_has_counter",
            ),
        ),
        migrations.AddConstraint(
            model_name="ticketsequence",
            constraint=models.UniqueConstraint(
                fields=("centre", "line", "day"), name="queueing_sequence_unique"
            ),
        ),
    ]
