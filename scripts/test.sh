#!/usr/bin/env bash
# Set up (idempotent) and run the whole test suite: lint, layer contract, pytest under Xvfb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/ruff check rnnviz tests bench
.venv/bin/lint-imports
exec .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
