"""The investor's page of each step kind of flows: thin adapters over the step services."""

from .base import FLASH_KEY, Flash, FormActionsPage, StepPage, flash_keep, flash_take

__all__ = ["FLASH_KEY", "Flash", "FormActionsPage", "StepPage", "flash_keep", "flash_take"]
