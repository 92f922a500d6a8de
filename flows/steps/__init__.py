"""Step kinds are plugins: this package defines the interface and the registry, and the generic
kinds (photos, basic information, exchanges, agreements). Capability apps register theirs in
their own `steps.py` (video: the witness; signing: certificate and signing; revisit: the
questionnaire). flows imports none of them."""

from .registry import StepKind, registry

__all__ = ["StepKind", "registry"]
