from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from clients.auth import investor_required

from .models import IdPhoto
from .services import id_photo_read, signature_ink_read


@require_GET
@never_cache
@investor_required
def investor_photo(request, pk: int):
    """An investor's own processed ID photo; anyone else's is simply not found."""
    photo = get_object_or_404(IdPhoto, pk=pk, client=request.investor)
    try:
        data = id_photo_read(photo=photo)
    except (OSError, ValueError) as error:
        raise Http404 from error
    response = HttpResponse(data, content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@never_cache
@investor_required
def investor_signature(request, pk: int):
    """The signature lifted from an investor's own signature photo (what signed PDFs show)."""
    photo = get_object_or_404(IdPhoto, pk=pk, client=request.investor)
    data = signature_ink_read(photo=photo)
    if not data:
        raise Http404
    response = HttpResponse(data, content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
