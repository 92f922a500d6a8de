from django.shortcuts import render

from staff.decorators import role_required
from staff.roles import Role

from ..selectors import applications_to_review


@role_required(Role.REVIEWER)
def review_console(request):
    return render(
        request, "flows/review_console.html", {"applications": applications_to_review()[:100]}
    )
