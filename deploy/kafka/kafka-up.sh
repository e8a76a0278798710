#!/usr/bin/env bash
# Start the local single-node Kafka (fetches the jars on first use) and wait until it answers.
# Extra arguments go to `newsmon kafka up`, e.g. --port 29092 --data-dir /tmp/kafka.
set -euo pipefail
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
exec "${PYTHON:-$repo_root/.venv/bin/python}" -m newsmon kafka up "$@"
