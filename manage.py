#!/usr/bin/env python
"""Django's command-line utility for Pilote."""

import os
import sys


def main():
    from config.allocator import tune_for

    tune_for(sys.argv)  # before Polars is loaded (config/allocator.py)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    from config.safety import UnsafeProduction

    try:
        execute_from_command_line(sys.argv)
    except UnsafeProduction as refusal:  # a French message, not a traceback (config/safety.py)
        sys.stderr.write(f"{refusal}\n")
        sys.exit(1)


if __name__ == "__main__":
    main()
