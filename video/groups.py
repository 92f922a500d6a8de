"""Channel-layer group names of the video witness, built in one place."""

from __future__ import annotations


def queue_investors(branch_id: int) -> str:
    """The investors waiting in a branch's queue (they hear the waiting count)."""
    return f"video.queue.branch.{branch_id}"


def queue_agents(branch_id: int) -> str:
    """The agents of a branch (they hear the queue as it is)."""
    return f"video.agents.branch.{branch_id}"


def call(session_id: int) -> str:
    """The two ends of one call (signalling)."""
    return f"video.call.{session_id}"


def applicant(application_id: int) -> str:
    """The investor's own witness page (hears "taken", "released", "ended")."""
    return f"video.application.{application_id}"
