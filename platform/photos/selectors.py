from __future__ import annotations

from clients.models import Client
from common.prepared import PreparedRead

from .models import IdPhoto

# on every photos step page: its SQL built once
_photos_of = PreparedRead(
    lambda client_id: IdPhoto.objects.filter(client_id=client_id).order_by("-created_at", "-pk")
)


def id_photos_on_file(*, client: Client) -> dict[str, IdPhoto]:
    """The newest photo of each side the client has on file."""
    latest: dict[str, IdPhoto] = {}
    for photo in _photos_of(client_id=client.pk):
        photo.client = client
        latest.setdefault(photo.side, photo)
    return latest
