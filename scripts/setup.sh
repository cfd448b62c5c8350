#!/usr/bin/env bash
# Installs what Threadlab needs to build, serve and test, and nothing that is already there.
# Idempotent: on a machine that has everything it only checks versions (a second or two).
#
#   bash scripts/setup.sh          # install what is missing
#   source scripts/setup.sh        # same, and keep the PATH it sets in your shell
#
# What it makes sure of (versions verified in shared/TOOLCHAIN.md):
#   - rustup target wasm32-unknown-unknown, components rustfmt and clippy
#   - trunk 0.21.14            (cargo install --locked; ~7 min on 2 cores the first time)
#   - wasm-bindgen-cli 0.2.130 (cargo install without --locked; gives wasm-bindgen and
#                               wasm-bindgen-test-runner; must equal Cargo.toml's wasm-bindgen)
#   - Debian chromium, chromium-driver, fonts-dejavu-core (apt-get; for browser tests)
#   - npm ci: binaryen@132 (wasm-opt for Trunk's release build) and playwright-core
#   - PATH: ~/.cargo/bin and node_modules/.bin (so Trunk finds wasm-opt 132)
# Nothing here downloads a browser or a prebuilt tool from outside the package registries.

# Works both when executed and when sourced.
_tl_setup_main() {
    local root
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

    local TRUNK_VERSION=0.21.14
    local WASM_BINDGEN_VERSION=0.2.130

    export PATH="$HOME/.cargo/bin:$root/node_modules/.bin:$PATH"

    _tl_log() { printf '[setup] %s\n' "$*"; }

    # Another `cargo install` of the same tool already running (e.g. a background job):
    # wait for it instead of racing it (two installs would fight over ~/.cargo/bin).
    _tl_wait_cargo_install() {
        local what="$1" waited=0
        while pgrep -f "cargo install.*$what" >/dev/null 2>&1; do
            if (( waited % 60 == 0 )); then
                _tl_log "waiting for a running 'cargo install $what' to finish (${waited}s)"
            fi
            sleep 5
            waited=$((waited + 5))
            if (( waited > 1800 )); then
                _tl_log "gave up waiting for the other 'cargo install $what' after 30 min"
                return 1
            fi
        done
    }

    # --- Rust wasm target -----------------------------------------------------------------
    if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
        _tl_log "adding rustup target wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown || return 1
    fi

    # --- rustfmt and clippy (the test command checks formatting and lints) -----------------
    if ! cargo fmt --version >/dev/null 2>&1; then
        _tl_log "adding rustup component rustfmt"
        rustup component add rustfmt || return 1
    fi
    if ! cargo clippy --version >/dev/null 2>&1; then
        _tl_log "adding rustup component clippy"
        rustup component add clippy || return 1
    fi

    # --- trunk ------------------------------------------------------------------------------
    _tl_trunk_ok() { trunk --version 2>/dev/null | grep -q "trunk $TRUNK_VERSION\$"; }
    if ! _tl_trunk_ok; then
        _tl_wait_cargo_install trunk || return 1
        if ! _tl_trunk_ok; then
            _tl_log "installing trunk $TRUNK_VERSION (cargo install --locked; takes several minutes)"
            cargo install --locked "trunk@$TRUNK_VERSION" || return 1
        fi
    fi

    # --- wasm-bindgen-cli (wasm-bindgen + wasm-bindgen-test-runner) -------------------------
    _tl_wbg_ok() {
        wasm-bindgen --version 2>/dev/null | grep -q "wasm-bindgen $WASM_BINDGEN_VERSION\$" &&
            wasm-bindgen-test-runner --version 2>/dev/null | grep -q "$WASM_BINDGEN_VERSION"
    }
    if ! _tl_wbg_ok; then
        _tl_wait_cargo_install wasm-bindgen-cli || return 1
        if ! _tl_wbg_ok; then
            _tl_log "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (cargo install; no --locked on purpose)"
            # --force replaces a different installed version.
            cargo install --force "wasm-bindgen-cli@$WASM_BINDGEN_VERSION" || return 1
        fi
    fi

    # --- Chromium + ChromeDriver + fonts (Debian) ------------------------------------------
    if [[ ! -x /usr/bin/chromium || ! -x /usr/bin/chromedriver ]] ||
        ! dpkg-query -W -f='${Status}' fonts-dejavu-core 2>/dev/null | grep -q "ok installed"; then
        local sudo=""
        if [[ "$(id -u)" != 0 ]]; then sudo="sudo"; fi
        _tl_log "installing Debian chromium, chromium-driver, fonts-dejavu-core (apt-get)"
        $sudo apt-get update -q || return 1
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q \
            chromium chromium-driver fonts-dejavu-core || return 1
    fi

    # --- npm packages (wasm-opt from binaryen, playwright-core) -----------------------------
    # npm ci when node_modules is missing or older than package-lock.json (npm writes
    # node_modules/.package-lock.json at each install; compare it with the lock file).
    local lock="$root/package-lock.json" hidden="$root/node_modules/.package-lock.json"
    if [[ ! -f "$hidden" ]] || [[ "$lock" -nt "$hidden" ]] ||
        [[ ! -x "$root/node_modules/.bin/wasm-opt" ]] ||
        [[ ! -d "$root/node_modules/playwright-core" ]]; then
        _tl_log "npm ci (binaryen, playwright-core)"
        # PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: playwright-core never downloads one anyway; belt and braces.
        (cd "$root" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund) || return 1
    fi

    # --- summary ------------------------------------------------------------------------------
    local missing=0 tool
    for tool in cargo trunk wasm-bindgen wasm-bindgen-test-runner wasm-opt node; do
        if ! command -v "$tool" >/dev/null 2>&1; then
            _tl_log "MISSING after setup: $tool"
            missing=1
        fi
    done
    [[ $missing == 0 ]] || return 1
    _tl_log "ok: $(trunk --version), $(wasm-bindgen --version), $(wasm-opt --version | cut -d' ' -f1-3)," \
        "$(/usr/bin/chromium --version 2>/dev/null | head -1), node $(node --version)"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    set -euo pipefail
    _tl_setup_main
else
    _tl_setup_main
fi
