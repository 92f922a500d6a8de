from __future__ import annotations

from clients.models import Client

from .models import IdPhoto


def id_photos_on_file(*, client: Client) -> dict[str, IdPhoto]:
    """The newest photo of each side the client has on file."""
    latest: dict[str, IdPhoto] = {}
    for photo in IdPhoto.objects.filter(client=client).order_by("-created_at", "-pk"):
        latest.setdefault(photo.side, photo)
    return latest
