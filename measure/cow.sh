#!/usr/bin/env bash
# Builds and runs measure/cow.c (the time of a write that copies a copy-on-write page after
# fork, against a write to a private page) and writes measure/cow-results.json with the machine
# it ran on. Threadlab's default `machine.cow_copy_ticks` cites that file. Needs gcc and Linux.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
source ./record.sh
record cow -- "${1:-4096}" "${2:-20}"
