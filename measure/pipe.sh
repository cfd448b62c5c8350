#!/usr/bin/env bash
# Builds and runs measure/pipe.c (the cost of a message through a pipe between two processes:
# one hop of an 8-byte message, and bytes copied per microsecond) and writes
# measure/pipe-results.json with the machine it ran on. Threadlab's channel costs cite that file.
# Needs gcc (on the machine).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./record.sh
record pipe -- "${1:-20000}" "${2:-256}"
