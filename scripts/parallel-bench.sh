#!/usr/bin/env bash
# The parallel mode's benchmark (issue 9) in headless Chromium: builds the site for release, then
# runs e2e/bench/parallel-bench.mjs, which prints the speedup of CPU-bound work on N = 1 and 2
# workers, its ratio to the model's prediction, worker start-up and postMessage's copy cost per MiB,
# with the machine's load average. A benchmark, not a test: a MISS fails nothing; a page that does
# not load, panics or merges a wrong answer fails (exit 1).
# Environment: REPS, WORK, MIB, ISOLATION=0 (see the .mjs); SKIP_BUILD=1 uses dist/ as it is.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh >/dev/null
[[ "${SKIP_BUILD:-}" == 1 ]] || trunk build --release --dist dist
node e2e/bench/parallel-bench.mjs "$@"
