#!/usr/bin/env bash
# Builds and runs measure/creation.c (thread creation vs fork vs spawn, and their memory) and
# writes measure/creation-results.json with the machine it ran on. Threadlab's defaults for
# thread and process creation cite that file. Needs gcc (on the machine) and Linux's /proc.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./record.sh
record creation -lpthread -- "${1:-2000}" "${2:-32}"
