#!/usr/bin/env bash
# The page's speed in headless Chromium (the page issue's §2): builds the site for release, then
# runs e2e/bench/page-bench.mjs, which prints apply → drawn, re-run, playing frames per second,
# scrub, step and keystroke latencies and DOM element counts for the big scenario
# (e2e/bench/big-run.json) and a small preset, each with its target and PASS or MISS.
# A benchmark, not a test: a MISS fails nothing; a page that does not load fails (exit 1).
# Environment: REPS (fresh pages per scenario, default 3), PLAY_MS, JSON=FILE (see the script).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >/dev/null
trunk build --release --dist dist
node e2e/bench/page-bench.mjs "$@"
