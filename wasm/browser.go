//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"syscall/js"
	"time"

	"golang.org/x/term"

	"raftctl/cluster"
	"raftctl/repl"
)

// browser is the page's program: the terminal's line editor, the session
// it runs, and the picture it feeds.
type browser struct {
	page     js.Value
	console  *console
	terminal *term.Terminal
	// session is the session the terminal drives: the timeline replaces
	// it (timeline.go). turn is held while a line runs and while the
	// session is replaced, so neither happens in the middle of the other.
	session atomic.Pointer[repl.Session]
	turn    sync.Mutex
	// options build the page's own session (IndexedDB, progress).
	options repl.Options
	// timeline is the rewound state, when the learner scrubbed back.
	timeline timeline
	// running is set while a line runs: Ctrl-C then interrupts it.
	running atomic.Bool
	// functions exposed to the page; kept so they are never collected.
	functions []js.Func
	// restored: the cluster came back from the browser's storage;
	// warning is shown above the first prompt when not empty.
	restored bool
	warning  string
	// shared is the script of a shared link the page opened with.
	shared []string
}

// welcome is printed above the first prompt.
const welcome = "raftctl in your browser: a live %d-node cluster (Raft, thesis of D. Ongaro, 2014).\n" +
	"Type help for the commands, lesson for the guided lessons; Tab completes, Ctrl-C interrupts.\n"

func start(page js.Value) (*browser, error) {
	b := &browser{page: page, console: newConsole(page)}
	b.terminal = term.NewTerminal(b.console, "> ")
	b.terminal.History = loadHistory()
	b.terminal.AutoCompleteCallback = b.complete
	if script, ok := sharedScript(); ok {
		// A shared link: its session, replayed in memory (timeline.go).
		session, err := repl.NewSession(replayOptions(terminalOutput{b.terminal}))
		if err != nil {
			return nil, err
		}
		b.session.Store(session)
		b.shared = script
		b.exposeAll()
		return b, nil
	}
	options, restored, warning := sessionOptions(page, terminalOutput{b.terminal})
	session, err := repl.NewSession(options)
	if err != nil && restored {
		// What the browser kept does not make a cluster: say so, start over.
		warning = fmt.Sprintf("warning: the stored cluster does not open (%v): starting a new one", err)
		options.Nodes, options.Seed = 0, 0
		open := options.OpenCluster
		options.OpenCluster = func(nodes int, seed uint64, settings cluster.Settings, first bool) (*cluster.Local, error) {
			return open(nodes, seed, settings, false)
		}
		session, err = repl.NewSession(options)
	}
	if err != nil {
		return nil, err
	}
	b.session.Store(session)
	b.options, b.restored, b.warning = options, restored, warning
	b.exposeAll()
	return b, nil
}

// exposeAll gives the page the program's functions.
func (b *browser) exposeAll() {
	b.expose("input", func(arguments []js.Value) {
		if len(arguments) == 1 {
			b.input(arguments[0].String())
		}
	})
	b.expose("resize", func(arguments []js.Value) {
		if len(arguments) == 2 {
			columns, rows := arguments[0].Int(), arguments[1].Int()
			terminalColumns.Store(int64(columns))
			// SetSize takes the terminal's lock: never wait in a callback.
			go func() { _ = b.terminal.SetSize(columns, rows) }()
		}
	})
	b.exposeTimeline()
}

// terminalColumns is the terminal's width, set by resize: every session
// of the page wraps its output to it (repl.Options.Width), so a trace line
// wider than the terminal breaks at a space and its continuation is
// indented, as in raftctl repl.
var terminalColumns atomic.Int64

// terminalWidth is repl.Options.Width for the page's sessions; 0 (no
// wrapping) until the page reports a size.
func terminalWidth() int { return int(terminalColumns.Load()) }

// expose makes f callable from the page as raftctl.name(...).
func (b *browser) expose(name string, f func([]js.Value)) {
	function := js.FuncOf(func(this js.Value, arguments []js.Value) any {
		f(arguments)
		return nil
	})
	b.functions = append(b.functions, function)
	object := js.Global().Get("raftctl")
	if object.IsUndefined() {
		object = js.Global().Get("Object").New()
		js.Global().Set("raftctl", object)
	}
	object.Set(name, function)
}

// input takes data from the terminal. It runs in a js.FuncOf callback, so
// it never blocks. Ctrl-C interrupts a running command; at the prompt it
// clears the line (x/term would take it as the end of input, PITFALLS).
// Ctrl-D deletes the character under the cursor: a tab has nothing to
// quit.
func (b *browser) input(data string) {
	if strings.ContainsRune(data, '\x03') {
		if b.running.Load() {
			b.session.Load().Interrupt()
			data = strings.ReplaceAll(data, "\x03", "")
		} else {
			data = strings.ReplaceAll(data, "\x03", "\x05\x15")
		}
	}
	data = strings.ReplaceAll(data, "\x04", "\x1b[3~")
	b.console.push([]byte(data))
}

// run edits lines and runs them, for as long as the page lives.
func (b *browser) run() {
	terminalColumns.Store(int64(b.page.Call("columns").Int()))
	local := b.session.Load().LocalCluster()
	text := fmt.Sprintf(welcome, local.Size())
	if b.restored {
		text += fmt.Sprintf("The cluster is back from the browser's storage (seed %d), as after a restart of every node (thesis §3.8); reset starts over.\n", local.Seed())
	}
	if b.warning != "" {
		text += b.warning + "\n"
	}
	b.writeString(text)
	go b.drawLoop()
	b.page.Call("ready")
	if b.shared != nil {
		b.playShared()
	}
	for {
		prompt := "> "
		if b.timeline.active() {
			prompt = "(rewound) > "
		}
		if lessonPrompt := b.session.Load().Prompt(); lessonPrompt != "" {
			prompt = lessonPrompt
		}
		b.terminal.SetPrompt(prompt)
		line, err := b.terminal.ReadLine()
		if errors.Is(err, io.EOF) {
			continue
		}
		if err != nil && !errors.Is(err, term.ErrPasteIndicator) {
			b.writeString("error: " + err.Error() + "\r\n")
			continue
		}
		b.turn.Lock()
		b.fork()
		b.running.Store(true)
		quit, _ := b.session.Load().Exec(line)
		b.running.Store(false)
		b.turn.Unlock()
		if quit {
			b.writeString("This is a web page: close the tab to leave. The cluster runs on.\r\n")
		}
		// Give the thread back to the browser for a moment, so it draws
		// what the line printed (and the picture) before the next line of
		// a paste runs (PITFALLS: one thread).
		time.Sleep(time.Millisecond)
	}
}

// writeString writes the page's own text to the terminal, wrapped to its
// width as the session's lines are.
func (b *browser) writeString(text string) {
	text = repl.Wrap(strings.ReplaceAll(text, "\r\n", "\n"), terminalWidth())
	b.console.write([]byte(strings.ReplaceAll(text, "\n", "\r\n")))
}

// terminalOutput is the session's output: the terminal's Write keeps the
// prompt and the line being edited below lines that arrive while it is
// on the screen (live traces).
type terminalOutput struct{ terminal *term.Terminal }

func (o terminalOutput) Write(data []byte) (int, error) { return o.terminal.Write(data) }
