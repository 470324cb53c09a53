//go:build js && wasm

// Command wasm is raftctl in a browser tab: the same repl.Session as the
// terminal (command table, rendering, lessons, checkers) on a live-paced
// cluster.Local, behind an xterm.js terminal, with a picture of the
// cluster drawn beside it. Build it with `make web`; `raftctl web` serves
// the page.
//
// Go owns the state; the page's JavaScript only draws and forwards keys.
// The surface between them:
//
//   - the page defines globalThis.raftctlPage before starting the program:
//     write(text) puts terminal output on the screen, draw(json) redraws
//     the picture from a snapshot, ready() says the prompt is up,
//     fatal(message) reports a start that failed;
//   - the program defines globalThis.raftctl: input(data) takes what the
//     terminal's onData gives (keys, pastes, lines typed by the picture's
//     buttons), resize(columns, rows) follows the terminal's size.
//
// js.FuncOf callbacks never block: input goes through a buffered channel
// to the goroutine that edits lines and runs commands (PITFALLS).
package main

import (
	"fmt"
	"syscall/js"

	"github.com/fatih/color"
)

func main() {
	// fatih/color turns itself off under wasm (no terminal file): the page
	// is a colour terminal, as the console is (PITFALLS).
	color.NoColor = false
	page := js.Global().Get("raftctlPage")
	if page.IsUndefined() {
		fmt.Println("raftctl: globalThis.raftctlPage is missing: open the page raftctl web serves")
		return
	}
	browser, err := start(page)
	if err != nil {
		page.Call("fatal", err.Error())
		return
	}
	browser.run()
}
