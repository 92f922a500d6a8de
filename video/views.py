from django.shortcuts import render

from staff.decorators import role_required
from staff.roles import Role
from staff.selectors import agent_branch_id


@role_required(Role.WITNESS_AGENT)
def witness_console(request):
    """The agent's console for their own branch (the queue and calls come with the witness
    issue)."""
    profile = getattr(request.user, "staff_profile", None)
    return render(
        request,
        "video/witness_console.html",
        {"branch": profile.branch if profile else None, "branch_id": agent_branch_id(request.user)},
    )
