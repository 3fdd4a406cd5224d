"""`moto_server` with the local stack's fixes applied: the entry point `local/moto/moto-server.ts` starts.

Run with the project's virtual environment: `.venv/bin/python local/moto/server.py -H 127.0.0.1 -p 5050`.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import patches  # noqa: E402

patches.apply()

from moto.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
