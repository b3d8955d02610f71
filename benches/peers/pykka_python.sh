#!/usr/bin/env bash
# Runs Python Pykka's equivalent of one pykka-benches scenario, if python3 can import
# pykka (pip install pykka). Arguments: <scenario> [warm-up ms] [measure ms].
set -euo pipefail
if ! python3 -c 'import pykka' 2>/dev/null; then
  echo "pykka_python: python3 with pykka is not available (pip install pykka)" >&2
  exit 3
fi
exec python3 "$(dirname "$0")/pykka_python.py" "$@"
