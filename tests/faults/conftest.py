from tests.revisit.test_revisit import questionnaire  # noqa: F401
from tests.signing.conftest import application, ca, certificate, documents, key  # noqa: F401
