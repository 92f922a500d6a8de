"""The writes of flows: starting an application, its lifecycle (one service per transition),
and its steps (submissions and actions through the step kinds' services)."""

from .applications import acceptance_number_next, application_start
from .lifecycle import (
    application_abandon,
    application_approve,
    application_leave_queue,
    application_queue,
    application_reject,
    application_return,
    application_submit,
    application_witness_release,
    application_witness_start,
    transition_perform,
)
from .steps import (
    StepSubmission,
    step_act,
    step_submit,
    step_summaries,
    steps_reopen,
)

__all__ = [
    "StepSubmission",
    "acceptance_number_next",
    "application_abandon",
    "application_approve",
    "application_leave_queue",
    "application_queue",
    "application_reject",
    "application_return",
    "application_start",
    "application_submit",
    "application_witness_release",
    "application_witness_start",
    "step_act",
    "step_submit",
    "step_summaries",
    "steps_reopen",
    "transition_perform",
]
