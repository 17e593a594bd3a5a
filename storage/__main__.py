"""`python -m storage upgrade|current|status [--url URL]`: manage the database schema."""

import argparse
import sys
from collections.abc import Sequence

from storage.db import DATABASE_URL_ENV, default_database_url, make_engine
from storage.migrate import current_revision, head_revision, schema_status, upgrade


def main(argv: Sequence[str] | None = None) -> int:
    """Run one schema command; `status` exits 1 unless the schema is current."""
    parser = argparse.ArgumentParser(prog="python -m storage", description=__doc__)
    parser.add_argument("command", choices=["upgrade", "current", "status"])
    parser.add_argument(
        "--url", default=None, help=f"database URL (default: ${DATABASE_URL_ENV} or SQLite file)"
    )
    parser.add_argument("--revision", default="head", help="target of upgrade (default: head)")
    args = parser.parse_args(argv)
    engine = make_engine(args.url or default_database_url())
    try:
        if args.command == "upgrade":
            upgrade(engine, args.revision)
            print(f"database at revision {current_revision(engine)}")
            return 0
        if args.command == "current":
            print(current_revision(engine) or "none")
            return 0
        status = schema_status(engine)
        print(f"{status} (database {current_revision(engine) or 'none'}, code {head_revision()})")
        return 0 if status == "current" else 1
    finally:
        engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
