#!/usr/bin/env bash
# Installs what the tests need beyond Go: tmux for the interactive terminal
# test (cmd/raftctl/tmux_test.go).
set -euo pipefail
command -v tmux || (apt-get update && apt-get install -y tmux)
