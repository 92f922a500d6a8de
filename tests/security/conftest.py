"""The signing fixtures (an application at the signing step, its documents, a certificate) for
the access matrix."""

from tests.signing.conftest import application, ca, certificate, documents, key  # noqa: F401
