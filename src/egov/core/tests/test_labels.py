"""Remembered translations of labels follow the active language."""

from __future__ import annotations

from django.utils import translation

from egov.core.text import translated_label
from egov.dossiers.lookup import Timeliness


def test_a_remembered_label_is_given_in_the_language_asked_for() -> None:
    with translation.override("vi"):
        first, second = Timeliness.ON_TIME.label, Timeliness.ON_TIME.label
    with translation.override("en"):
        english = Timeliness.ON_TIME.label
    with translation.override("vi"):
        again = Timeliness.ON_TIME.label

    assert first == second == again == "Đã giải quyết đúng hạn"
    assert english == "Done on time"


def test_equal_values_of_two_enumerations_keep_their_own_labels() -> None:
    with translation.override("en"):
        assert translated_label(Timeliness.OVERDUE, "Being handled, past the deadline") != translated_label(
            "overdue", "a plain string"
        )
