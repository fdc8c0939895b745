from egov.core.models.base import TimeStampedModel

__all__ = ["TimeStampedModel"]
