#!/usr/bin/env bash
# Builds the web page into wasm/site/dist, for `raftctl web` to embed:
# xterm.js from npm (versions pinned by package-lock.json), our own pages
# from wasm/web, the WebAssembly program, and wasm_exec.js from the Go
# toolchain that built it (the two must match).
set -euo pipefail
cd "$(dirname "$0")"
dist=site/dist

npm ci --ignore-scripts --no-audit --no-fund --loglevel=error

find "$dist" -mindepth 1 ! -name README.md ! -name .gitignore -delete
mkdir -p "$dist/xterm"
# The source map comments are dropped: the maps are not shipped, and the
# page makes no request that fails.
for file in node_modules/@xterm/xterm/lib/xterm.mjs node_modules/@xterm/addon-fit/lib/addon-fit.mjs; do
	sed '/^\/\/# sourceMappingURL=/d' "$file" > "$dist/xterm/$(basename "$file")"
done
cp node_modules/@xterm/xterm/css/xterm.css "$dist/xterm/"
cp node_modules/@xterm/xterm/LICENSE "$dist/xterm/LICENSE"
cp web/* "$dist/"

GOOS=js GOARCH=wasm go build -trimpath -o "$dist/raftctl.wasm" .
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$dist/"
echo "wasm/build.sh: the page is in wasm/$dist ($(du -sh "$dist/raftctl.wasm" | cut -f1) of wasm)"
