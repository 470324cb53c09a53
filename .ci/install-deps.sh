#!/usr/bin/env bash
# Installs what the tests need beyond Go: tmux for the interactive terminal
# test (cmd/raftctl/tmux_test.go), chromium for the web page's tests
# (wasm/site, wasm/indexeddb), npm for make web (xterm.js), iproute2 for
# the network namespace test (cmd/raftctl/netns_test.go).
set -euo pipefail
command -v tmux || (apt-get update && apt-get install -y tmux)
command -v chromium || (apt-get update && apt-get install -y chromium)
command -v npm || (apt-get update && apt-get install -y npm)
command -v ip || (apt-get update && apt-get install -y iproute2)
