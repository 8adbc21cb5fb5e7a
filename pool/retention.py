"""Retention of the pool's free text about a case, called by `cases.retention`."""

from django.db.models import Q

from ipgar.retention import empty_text

from .models import CaseloadReviewItem, Instruction


def retention_empty_case(*, case) -> dict[str, int]:
    """Empty what caseload reviews say about this case: progress, content, registration, instructions."""
    case_id = case.pk
    return {
        **empty_text(CaseloadReviewItem, Q(case_id=case_id), ("progress", "content", "registration")),
        **empty_text(Instruction, Q(case_id=case_id), ("text",)),
    }
