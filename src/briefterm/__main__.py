"""Allow ``python -m briefterm``."""

from briefterm.cli import main

raise SystemExit(main())
