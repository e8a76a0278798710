#!/usr/bin/env bash
# Stop the local Kafka started by kafka-up.sh (no-op when it is not running).
# Extra arguments go to `newsmon kafka down`, e.g. --data-dir /tmp/kafka.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "${PYTHON:-$repo_root/.venv/bin/python}" -m newsmon kafka down "$@"
