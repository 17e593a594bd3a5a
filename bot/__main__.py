"""``python -m bot``: the same command line as ``gridvoice``."""

import sys

from bot.cli import main

if __name__ == "__main__":
    sys.exit(main())
