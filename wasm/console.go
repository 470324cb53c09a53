//go:build js && wasm

package main

import (
	"syscall/js"
)

// console is the byte stream between x/term's Terminal and xterm.js.
// Reads wait for input on a goroutine; pushes come from js.FuncOf
// callbacks and never wait.
type console struct {
	page  js.Value
	input chan []byte
	// pending is what the last Read could not hand over.
	pending []byte
}

// inputChunks bounds input waiting to be read: a chunk is one onData call
// (a key, or a whole paste).
const inputChunks = 4096

func newConsole(page js.Value) *console {
	return &console{page: page, input: make(chan []byte, inputChunks)}
}

// push queues input without waiting; past the bound it is dropped, with a
// warning in the browser's console.
func (c *console) push(data []byte) {
	if len(data) == 0 {
		return
	}
	select {
	case c.input <- data:
	default:
		js.Global().Get("console").Call("warn", "raftctl: input dropped (too much typed ahead)")
	}
}

// Read waits for input.
func (c *console) Read(buffer []byte) (int, error) {
	if len(c.pending) == 0 {
		c.pending = <-c.input
	}
	n := copy(buffer, c.pending)
	c.pending = c.pending[n:]
	return n, nil
}

// Write puts output on the screen.
func (c *console) Write(data []byte) (int, error) {
	c.write(data)
	return len(data), nil
}

func (c *console) write(data []byte) {
	c.page.Call("write", string(data))
}
