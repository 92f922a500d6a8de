from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from photos.models import IdPhoto
from photos.services import id_photo_read, signature_ink_read
from staff.decorators import role_required
from staff.roles import Role

from ..selectors import applications_to_review, signature_photo_ids


@role_required(Role.REVIEWER)
def review_console(request):
    applications = list(applications_to_review()[:100])
    signatures = signature_photo_ids(applications=applications)
    for application in applications:
        application.signature_photo_id = signatures.get(application.pk)
    return render(request, "flows/review_console.html", {"applications": applications})


@require_GET
@never_cache
@role_required(Role.REVIEWER)
def review_photo(request, pk: int, variant: str):
    """A photo of a client whose business awaits review: the processed photo, or (`ink`) the
    signature lifted from it as the signed PDFs show it. Any other photo is not found."""
    photo = get_object_or_404(IdPhoto, pk=pk)
    if not applications_to_review().filter(client_id=photo.client_id).exists():
        raise Http404
    try:
        if variant == "ink":
            data, content_type = signature_ink_read(photo=photo), "image/png"
        else:
            data, content_type = id_photo_read(photo=photo), "image/jpeg"
    except (OSError, ValueError) as error:
        raise Http404 from error
    if not data:
        raise Http404
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
