// Package browsertest drives headless Chromium for the page's tests: it
// starts the browser (Debian's chromium; .ci/install-deps.sh installs it),
// collects page errors, types into the xterm.js terminal as a user does,
// reads its buffer, and saves screenshots.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Browser is one headless Chromium tab.
type Browser struct {
	t   testing.TB
	ctx context.Context
	// Artifacts is where screenshots go.
	Artifacts string

	mu     sync.Mutex
	errors []string
	logs   []string
}

// executables are the names Chromium goes by.
var executables = []string{"chromium", "chromium-browser", "google-chrome"}

// findChromium returns Chromium's path. Without it the test is skipped,
// except in CI, where .ci/install-deps.sh must have installed it.
func findChromium(t testing.TB) string {
	for _, name := range executables {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is missing: .ci/install-deps.sh installs it (apt-get install chromium)")
	}
	t.Skip("chromium is missing: install it (apt-get install chromium) to run the browser tests")
	return ""
}

// Start opens a tab in a new headless Chromium; artifacts is where
// screenshots go (created when missing).
func Start(t testing.TB, artifacts string) *Browser {
	path := findChromium(t)
	if err := os.MkdirAll(artifacts, 0o755); err != nil {
		t.Fatal(err)
	}
	options := append(chromedp.DefaultExecAllocatorOptions[:0:0],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // Chromium refuses to run as root with its sandbox
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		// No internet here, and a test must not reach for it.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.WindowSize(1400, 820),
	)
	allocator, cancelAllocator := chromedp.NewExecAllocator(context.Background(), options...)
	ctx, cancel := chromedp.NewContext(allocator)
	t.Cleanup(func() { cancel(); cancelAllocator() })
	b := &Browser{t: t, ctx: ctx, Artifacts: artifacts}
	// The first Run starts the browser; it gets no timeout (PITFALLS).
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting chromium: %v", err)
	}
	if err := chromedp.Listen(ctx, b.listen); err != nil {
		t.Fatal(err)
	}
	return b
}

// listen keeps console errors and uncaught exceptions (page errors), and
// every console line for failure reports.
func (b *Browser) listen(event any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch event := event.(type) {
	case *runtime.EventConsoleAPICalled:
		var parts []string
		for _, argument := range event.Args {
			if argument.Value != nil {
				parts = append(parts, string(argument.Value))
			} else {
				parts = append(parts, argument.Description)
			}
		}
		line := fmt.Sprintf("console.%s: %s", event.Type, strings.Join(parts, " "))
		b.logs = append(b.logs, line)
		// A Go panic goes to console.log, line by line.
		goPanic := strings.Contains(line, "panic: ") || strings.Contains(line, "fatal error: ")
		if goPanic || event.Type == runtime.ConsoleAPICalledTypeError || event.Type == runtime.ConsoleAPICalledTypeAssert {
			b.errors = append(b.errors, line)
		}
	case *runtime.EventExceptionThrown:
		b.errors = append(b.errors, (&chromedp.ExceptionError{ExceptionDetails: event.ExceptionDetails}).Error())
	}
}

// Errors returns the page errors so far.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.errors...)
}

// Logs returns the console lines so far.
func (b *Browser) Logs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.logs...)
}

// CheckNoErrors fails the test when the page reported an error.
func (b *Browser) CheckNoErrors() {
	b.t.Helper()
	if errors := b.Errors(); len(errors) > 0 {
		b.t.Errorf("the page reported errors:\n%s", strings.Join(errors, "\n"))
	}
}

// Do runs actions with a timeout.
func (b *Browser) Do(timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%v\nconsole:\n%s", err, strings.Join(b.Logs(), "\n"))
	}
}

// Evaluate returns the value of a JavaScript expression.
func Evaluate[T any](b *Browser, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	value, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression, func(p *runtime.EvaluateParams) {
		await := true
		p.AwaitPromise = &await
	}))
	if err != nil {
		b.t.Fatalf("evaluating %s: %v", expression, err)
	}
	return value
}

// Poll waits until a JavaScript expression is truthy and returns its value.
func Poll[T any](b *Browser, what string, timeout time.Duration, expression string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, timeout+5*time.Second)
	defer cancel()
	value, err := chromedp.Run(ctx, chromedp.Poll[T](expression, chromedp.WithPollingTimeout(timeout), chromedp.WithPollingInterval(50*time.Millisecond)))
	if err != nil {
		b.t.Fatalf("waiting for %s: %v\nterminal:\n%s\nconsole:\n%s", what, err, b.Screen(), strings.Join(b.Logs(), "\n"))
	}
	return value
}

// Navigate opens url and waits for the page's load event.
func (b *Browser) Navigate(url string) {
	b.t.Helper()
	b.Do(60*time.Second, chromedp.Navigate(url))
}

// Reload reloads the page.
func (b *Browser) Reload() {
	b.t.Helper()
	b.Do(60*time.Second, chromedp.Reload())
}

// screenScript reads xterm.js's buffer as text, joining wrapped lines.
const screenScript = `(() => {
	const buffer = globalThis.raftctlTerminal.buffer.active;
	const lines = [];
	for (let i = 0; i < buffer.length; i++) {
		const line = buffer.getLine(i);
		const text = line.translateToString(true);
		if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
		else lines.push(text);
	}
	return lines.join("\n");
})()`

// Screen returns the terminal's buffer (scrollback included) as text.
func (b *Browser) Screen() string {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	text, err := chromedp.Run(ctx, chromedp.Evaluate[string](`globalThis.raftctlTerminal ? `+screenScript+` : ""`))
	if err != nil {
		return "(cannot read the terminal: " + err.Error() + ")"
	}
	return text
}

// Lines returns the terminal's lines.
func (b *Browser) Lines() []string { return strings.Split(b.Screen(), "\n") }

// WaitForLine waits until a line of the terminal, after the first skip
// lines, satisfies match, and returns its index.
func (b *Browser) WaitForLine(what string, skip int, timeout time.Duration, match func(string) bool) int {
	b.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		lines := b.Lines()
		for i := skip; i < len(lines); i++ {
			if match(lines[i]) {
				return i
			}
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waiting for %s: not in the terminal after %v:\n%s\nconsole:\n%s", what, timeout, strings.Join(lines, "\n"), strings.Join(b.Logs(), "\n"))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Type types text into the terminal as a keyboard would deliver it to
// xterm.js's input element, then presses Enter. chromedp's KeyEvent
// doubles characters in xterm.js (PITFALLS): the text is inserted the way
// an input method does it, and Enter is one raw key.
func (b *Browser) Type(text string) {
	b.t.Helper()
	b.Do(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if _, err := cdp.Call(ctx, t, runtime.Evaluate, runtime.EvaluateParams{Expression: "globalThis.raftctlTerminal.focus()"}); err != nil {
			return err
		}
		if text != "" {
			if _, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text}); err != nil {
				return err
			}
		}
		return nil
	}))
	b.Key("Enter", 13, "\r")
}

// Key presses one key: its DOM name, Windows key code and text.
func (b *Browser) Key(key string, code int64, text string) {
	b.t.Helper()
	b.Do(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeRawKeyDown, Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}
		if text != "" {
			down.Type = input.DispatchKeyEventTypeKeyDown
			down.Text = text
			down.UnmodifiedText = text
		}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyUp, Key: key, Code: key, WindowsVirtualKeyCode: code, NativeVirtualKeyCode: code}
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	}))
}

// Paste pastes text into the terminal the way xterm.js handles a
// clipboard paste event.
func (b *Browser) Paste(text string) {
	b.t.Helper()
	b.Do(10*time.Second, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => {
		const data = new DataTransfer();
		data.setData("text/plain", %q);
		const textarea = document.querySelector(".xterm-helper-textarea");
		textarea.focus();
		textarea.dispatchEvent(new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true }));
	})()`, text)))
}

// Click clicks the first element that matches a CSS selector.
func (b *Browser) Click(selector string) {
	b.t.Helper()
	b.Do(10*time.Second, chromedp.Click(chromedp.CSS(selector)))
}

// Screenshot saves the page as a PNG in Artifacts and returns its path.
func (b *Browser) Screenshot(name string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	data, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(b.Artifacts, name+".png")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		b.t.Fatal(err)
	}
	b.t.Logf("screenshot: %s", path)
	return path
}

// Control presses Ctrl and a letter ("c" for Ctrl-C).
func (b *Browser) Control(letter string) {
	b.t.Helper()
	code := int64(strings.ToUpper(letter)[0])
	b.Do(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		// Control goes down first, as on a keyboard: xterm.js reads
		// ctrlKey from the letter's event.
		events := []input.DispatchKeyEventParams{
			{Type: input.DispatchKeyEventTypeRawKeyDown, Modifiers: 2, Key: "Control", Code: "ControlLeft", WindowsVirtualKeyCode: 17},
			{Type: input.DispatchKeyEventTypeKeyDown, Modifiers: 2, Key: letter, Code: "Key" + strings.ToUpper(letter), WindowsVirtualKeyCode: code},
			{Type: input.DispatchKeyEventTypeKeyUp, Modifiers: 2, Key: letter, Code: "Key" + strings.ToUpper(letter), WindowsVirtualKeyCode: code},
			{Type: input.DispatchKeyEventTypeKeyUp, Key: "Control", Code: "ControlLeft", WindowsVirtualKeyCode: 17},
		}
		for _, event := range events {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, event); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Insert types text without pressing Enter.
func (b *Browser) Insert(text string) {
	b.t.Helper()
	b.Do(10*time.Second, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, input.InsertText, input.InsertTextParams{Text: text})
		return err
	}))
}

// NewTab opens another tab of the same browser (same profile, same
// storage).
func (b *Browser) NewTab() *Browser {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx)
	b.t.Cleanup(cancel)
	tab := &Browser{t: b.t, ctx: ctx, Artifacts: b.Artifacts}
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("opening a tab: %v", err)
	}
	if err := chromedp.Listen(ctx, tab.listen); err != nil {
		b.t.Fatal(err)
	}
	return tab
}
