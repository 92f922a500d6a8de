#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys
from pathlib import Path


def main() -> None:
    # The project's install puts `platform/` on the import path (a .pth file); this keeps
    # `python manage.py` working from a checkout too. `platform/` itself is never a package.
    source = str(Path(__file__).resolve().parent / "platform")
    if source not in sys.path:
        sys.path.insert(1, source)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onboarding.settings.demo")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
