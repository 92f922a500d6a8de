from tests.signing.conftest import application, ca, certificate, documents, key  # noqa: F401
