#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blufio.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as error:  # a setting: one clear line, not a traceback
        sys.exit(f"{error} (on a development machine: DJANGO_DEBUG=1, here or in .env)")


if __name__ == "__main__":
    main()
