#!/usr/bin/env bash
# Installs what the tests need beyond Go: tmux for the interactive terminal
# test (cmd/raftctl/tmux_test.go), iproute2 for the network namespace test
# (cmd/raftctl/netns_test.go).
set -euo pipefail
command -v tmux || (apt-get update && apt-get install -y tmux)
command -v ip || (apt-get update && apt-get install -y iproute2)
