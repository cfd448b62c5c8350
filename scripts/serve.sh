#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh), then serves Threadlab with live rebuilds:
#   bash scripts/serve.sh                  # http://127.0.0.1:8080/
#   bash scripts/serve.sh --port 9000      # extra arguments go to `trunk serve`
#   ADDRESS=0.0.0.0 PORT=8081 bash scripts/serve.sh
# Trunk.toml adds the COOP/COEP headers (cross-origin isolation, for SharedArrayBuffer).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/setup.sh
source scripts/setup.sh
ADDRESS="${ADDRESS:-127.0.0.1}"
PORT="${PORT:-8080}"
# Our defaults only where the extra arguments don't set them (trunk rejects a repeated flag).
defaults=()
case " $* " in *" --address"* | *" -a "*) ;; *) defaults+=(--address "$ADDRESS") ;; esac
case " $* " in *" --port"* | *" -p "*) ;; *) defaults+=(--port "$PORT") ;; esac
echo "[serve] trunk serve ${defaults[*]} $*  (default http://$ADDRESS:$PORT/; Ctrl-C stops)"
exec trunk serve "${defaults[@]}" "$@"
