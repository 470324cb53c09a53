package site_test

import (
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"raftctl/wasm/browsertest"
	"raftctl/wasm/site"
)

var artifacts = flag.String("artifacts", "", "save the browser tests' screenshots in `DIR` (default: under the test's temp dir)")

// servePage exports the embedded page to a directory and serves it from a
// local static server, as any web server would. Without the page (a
// checkout where make web has not run) the test is skipped, except in CI.
func servePage(t *testing.T) string {
	t.Helper()
	files, err := site.Files()
	if errors.Is(err, site.ErrNotBuilt) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%v: make test runs make web first", err)
		}
		t.Skipf("%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	directory := filepath.Join(t.TempDir(), "site")
	if err := site.Export(files, directory); err != nil {
		t.Fatal(err)
	}
	server := httptest.NewServer(http.FileServer(http.Dir(directory)))
	t.Cleanup(server.Close)
	return server.URL + "/"
}

func artifactsDirectory(t *testing.T) string {
	if *artifacts != "" {
		return *artifacts
	}
	return filepath.Join(t.TempDir(), "artifacts")
}

// openPage starts Chromium on the page and waits for the prompt.
func openPage(t *testing.T) (*browsertest.Browser, string) {
	if testing.Short() {
		t.Skip("the browser tests run without -short")
	}
	url := servePage(t)
	browser := browsertest.Start(t, artifactsDirectory(t))
	browser.Navigate(url)
	waitForPrompt(browser)
	return browser, url
}

func waitForPrompt(browser *browsertest.Browser) {
	browsertest.Poll[bool](browser, "the first prompt", 60*time.Second, `globalThis.raftctlStats && globalThis.raftctlStats.promptMilliseconds !== null`)
}

// run types a command and waits for a line after it that satisfies want.
func run(t *testing.T, browser *browsertest.Browser, command string, want func(string) bool) int {
	t.Helper()
	skip := lastLine(browser.Lines())
	browser.Type(command)
	echo := browser.WaitForLine("the echo of "+command, skip, 10*time.Second, func(line string) bool {
		return strings.HasSuffix(strings.TrimSpace(line), "> "+command) || strings.TrimSpace(line) == "> "+command
	})
	return browser.WaitForLine("the output of "+command, echo+1, 20*time.Second, want)
}

func TestBrowserPutGet(t *testing.T) {
	browser, _ := openPage(t)
	run(t, browser, "put x 1", func(line string) bool { return strings.Contains(line, "put x=1 (index") })
	run(t, browser, "get x", func(line string) bool { return strings.HasPrefix(line, "x=1 ") })
	browser.Screenshot("put-get")

	// Output wraps at a space to the terminal's width, continuation lines
	// indented, and follows the terminal when it is resized: no row is
	// cut mid-word by the terminal itself.
	for _, columns := range []int{0, 60} {
		if columns > 0 {
			browsertest.Evaluate[bool](browser, fmt.Sprintf(`(globalThis.raftctlTerminal.resize(%d, globalThis.raftctlTerminal.rows), true)`, columns))
			browsertest.Poll[bool](browser, "the resize", 10*time.Second, fmt.Sprintf(`globalThis.raftctlTerminal.cols === %d`, columns))
		}
		// Lines written before a resize are reflowed by the terminal: look
		// at the rows after the command's echo only.
		errorLine := run(t, browser, "get x read=lease", func(line string) bool { return strings.HasPrefix(line, "error: ") })
		wrapped := browsertest.Evaluate[string](browser, `(() => {
			const buffer = globalThis.raftctlTerminal.buffer.active;
			let echo = 0;
			for (let i = 0; i < buffer.length; i++)
				if (buffer.getLine(i).translateToString(true).startsWith("> get x read=lease")) echo = i;
			const rows = [];
			for (let i = echo + 1; i < buffer.length; i++)
				if (buffer.getLine(i).isWrapped) rows.push(buffer.getLine(i - 1).translateToString(true));
			return rows.join("\n");
		})()`)
		if wrapped != "" {
			t.Fatalf("rows wrapped by the terminal (width %d), after:\n%s\nthe session does not wrap to the terminal's width", columns, wrapped)
		}
		if next := browser.Lines()[errorLine+1]; !strings.HasPrefix(next, "  ") {
			t.Fatalf("the lease error's second row is %q, want its continuation, indented", next)
		}
	}

	// Trace lines that arrive while a line is being typed go above it, and
	// the line stays whole; Tab completes it.
	run(t, browser, "trace all", func(line string) bool { return strings.Contains(line, "AppendEntries") })
	browser.Insert("stat")
	typing := lastLine(browser.Lines())
	browser.WaitForLine("heartbeats while typing", typing+1, 10*time.Second, func(line string) bool {
		return strings.Contains(line, "sends heartbeats")
	})
	lines := browser.Lines()
	if last := strings.TrimSpace(lines[lastLine(lines)]); last != "> stat" {
		t.Fatalf("the line being typed is %q after trace lines arrived, want \"> stat\"", last)
	}
	browser.Key("Tab", 9, "\t")
	browsertest.Poll[bool](browser, "Tab to complete status", 10*time.Second, `(() => {
		const buffer = globalThis.raftctlTerminal.buffer.active;
		for (let i = buffer.length - 1; i >= 0; i--) {
			const text = buffer.getLine(i).translateToString(true).trim();
			if (text !== "") return text === "> status";
		}
		return false;
	})()`)
	browser.Key("Enter", 13, "\r")
	browser.WaitForLine("the status table", typing, 10*time.Second, func(line string) bool { return strings.HasPrefix(strings.TrimSpace(line), "node  role") })
	skip := lastLine(browser.Lines())
	browser.Type("trace state")
	browser.WaitForLine("trace state", skip, 10*time.Second, func(line string) bool { return strings.TrimSpace(line) == "> trace state" })

	// Ctrl-C interrupts a running command.
	skip = lastLine(browser.Lines())
	browser.Type("sleep 60s")
	browser.WaitForLine("the sleep to start", skip, 10*time.Second, func(line string) bool { return strings.TrimSpace(line) == "> sleep 60s" })
	browser.Control("c")
	browser.WaitForLine("the interrupt", skip, 10*time.Second, func(line string) bool { return strings.HasPrefix(line, "error: interrupted") })

	// Ctrl-L clears the screen: the prompt is on the first row.
	browser.Control("l")
	browsertest.Poll[bool](browser, "Ctrl-L to clear the screen", 10*time.Second, `(() => {
		const buffer = globalThis.raftctlTerminal.buffer.active;
		return buffer.getLine(buffer.viewportY).translateToString(true).trim() === ">";
	})()`)
	browser.CheckNoErrors()
}

// lastLine is the index of the last line with text: the buffer holds the
// empty rows below the prompt too.
func lastLine(lines []string) int {
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.TrimSpace(lines[i]) != "" {
			return i
		}
	}
	return 0
}

// leaderInPicture is the node the picture draws as leader, or "".
const leaderInPicture = `(() => { const node = document.querySelector("#picture .node[data-role=leader]"); return node ? node.dataset.node : ""; })()`

// TestBrowserSession uses the page as a learner does: typing, pasting,
// killing the leader, clicking, reloading, and a lesson.
func TestBrowserSession(t *testing.T) {
	browser, url := openPage(t)

	run(t, browser, "put x 1", func(line string) bool { return strings.Contains(line, "put x=1 (index") })
	run(t, browser, "get x", func(line string) bool { return strings.HasPrefix(line, "x=1 ") })

	// A pasted block runs line by line.
	skip := lastLine(browser.Lines())
	browser.Paste("put a 1\nput b 2\nget a\n")
	for _, command := range []string{"put a 1", "put b 2", "get a"} {
		skip = browser.WaitForLine("the pasted "+command, skip, 20*time.Second, func(line string) bool {
			return strings.TrimSpace(line) == "> "+command
		})
	}
	browser.WaitForLine("the result of the pasted get a", skip, 20*time.Second, func(line string) bool { return strings.HasPrefix(line, "a=1 ") })

	// Kill the leader: another node becomes leader, in the terminal and in
	// the picture.
	leader := browsertest.Poll[string](browser, "a leader in the picture", 10*time.Second, leaderInPicture)
	killed := run(t, browser, "kill "+leader, func(line string) bool { return strings.Contains(line, leader+" killed") })
	browser.WaitForLine("a new leader in the terminal", killed, 20*time.Second, func(line string) bool {
		return strings.Contains(line, "-> leader") && !strings.Contains(line, " "+leader+" ")
	})
	newLeader := browsertest.Poll[string](browser, "the new leader in the picture", 10*time.Second,
		`(() => { const l = `+leaderInPicture+`; return l !== "" && l !== "`+leader+`" ? l : ""; })()`)
	t.Logf("killed %s; %s leads now", leader, newLeader)
	browser.Screenshot("leader-killed")

	// A click types its command into the terminal, which runs it.
	skip = lastLine(browser.Lines())
	browser.Click(`[data-control="isolate-leader"]`)
	browser.WaitForLine("the command of the isolate-leader button", skip, 10*time.Second, func(line string) bool {
		return strings.TrimSpace(line) == "> partition "+newLeader
	})
	browsertest.Poll[bool](browser, "the cut links in the picture", 10*time.Second, `document.querySelectorAll("#picture .link.cut").length > 0`)
	browser.Screenshot("partitioned")
	skip = lastLine(browser.Lines())
	browser.Click(`[data-control="heal"]`)
	browser.WaitForLine("heal, typed by its button", skip, 10*time.Second, func(line string) bool { return strings.TrimSpace(line) == "> heal" })
	skip = lastLine(browser.Lines())
	browser.Click(`#picture .node[data-node="` + leader + `"]`)
	browser.Click(`.node-menu [data-command="restart ` + leader + `"]`)
	browser.WaitForLine("restart, typed from the node's menu", skip, 10*time.Second, func(line string) bool {
		return strings.TrimSpace(line) == "> restart "+leader
	})

	// A reload brings the cluster back from IndexedDB, as a restart of
	// every node from its disk would (thesis §3.8).
	browser.Reload()
	waitForPrompt(browser)
	browser.WaitForLine("the restored cluster", 0, 10*time.Second, func(line string) bool { return strings.Contains(line, "back from the browser's storage") })
	// The history is kept in the browser: Up brings back the last line.
	browser.Key("ArrowUp", 38, "")
	browsertest.Poll[bool](browser, "the history after the reload", 10*time.Second, `(() => {
		const buffer = globalThis.raftctlTerminal.buffer.active;
		for (let i = buffer.length - 1; i >= 0; i--) {
			const text = buffer.getLine(i).translateToString(true).trim();
			if (text !== "") return text === "> restart `+leader+`";
		}
		return false;
	})()`)
	browser.Control("c") // clears the line at the prompt
	run(t, browser, "get x", func(line string) bool { return strings.HasPrefix(line, "x=1 ") })
	browser.Screenshot("reloaded")

	// A second tab leaves the first one's stored cluster alone.
	second := browser.NewTab()
	second.Navigate(url)
	waitForPrompt(second)
	second.WaitForLine("the second tab's warning", 0, 10*time.Second, func(line string) bool { return strings.Contains(line, "another tab keeps its cluster") })
	second.CheckNoErrors()

	// The first two steps of a lesson.
	run(t, browser, "lesson basics", func(line string) bool { return strings.HasPrefix(line, "step 1/") })
	skip = lastLine(browser.Lines())
	browser.Type("")
	skip = browser.WaitForLine("step 2 of the lesson", skip, 10*time.Second, func(line string) bool { return strings.HasPrefix(line, "step 2/") })
	browser.Type("campaign n1")
	browser.WaitForLine("step 3 of the lesson", skip, 20*time.Second, func(line string) bool { return strings.HasPrefix(line, "step 3/") })
	browser.Screenshot("lesson")
	browser.CheckNoErrors()
}

// presentMilliseconds reads the timeline slider: the virtual time of the
// moment shown, in milliseconds.
const timelineValue = `Number(document.querySelector('[data-control="timeline"]').value)`

// TestBrowserTimelineAndShare goes back to a moment before a put, forks
// there, and shares the forked session: the link replays the same cluster
// doing the same things, to the same trace lines.
func TestBrowserTimelineAndShare(t *testing.T) {
	browser, _ := openPage(t)
	run(t, browser, "wait leader", func(line string) bool { return strings.Contains(line, "leader after") })
	before := browsertest.Poll[float64](browser, "the timeline to show the present", 10*time.Second, timelineValue)
	run(t, browser, "put x 1", func(line string) bool { return strings.Contains(line, "put x=1 (index") })
	browsertest.Poll[bool](browser, "the present to move on", 10*time.Second, fmt.Sprintf("%s > %f", timelineValue, before))

	// Scrub back with the slider, to before the put.
	skip := lastLine(browser.Lines())
	browsertest.Evaluate[bool](browser, fmt.Sprintf(`(() => {
		const slider = document.querySelector('[data-control="timeline"]');
		slider.value = "%d";
		slider.dispatchEvent(new Event("change"));
		return true;
	})()`, int(before)))
	browser.WaitForLine("the rewind", skip, 20*time.Second, func(line string) bool { return strings.Contains(line, "-- rewound to") })
	browsertest.Poll[bool](browser, "the picture of the earlier moment", 10*time.Second, `document.body.classList.contains("rewound")`)
	browser.Screenshot("rewound")

	// Typing there forks: x was never written in this timeline.
	run(t, browser, "get x", func(line string) bool { return strings.HasPrefix(line, "x not found") })
	browser.WaitForLine("the fork", skip, 10*time.Second, func(line string) bool { return strings.Contains(line, "-- forked at") })
	leader := browsertest.Poll[string](browser, "a leader in the picture", 10*time.Second, leaderInPicture)
	run(t, browser, "put y 2", func(line string) bool { return strings.Contains(line, "put y=2 (index") })
	killed := run(t, browser, "kill "+leader, func(line string) bool { return strings.Contains(line, leader+" killed") })
	elected := browser.WaitForLine("a new leader", killed, 20*time.Second, func(line string) bool {
		return strings.Contains(line, "-> leader") && !strings.Contains(line, " "+leader+" ")
	})
	election := strings.TrimSpace(browser.Lines()[elected])

	// Share, and open the link: the same election, at the same instant.
	browser.Click(`[data-control="share"]`)
	link := browsertest.Poll[string](browser, "the shared link", 10*time.Second, `document.querySelector(".share-link").value`)
	if !strings.Contains(link, "#replay=") {
		t.Fatalf("shared link %q carries no session", link)
	}
	browser.Navigate("about:blank")
	browser.Navigate(link)
	browsertest.Poll[bool](browser, "the shared session's replay", 60*time.Second, `globalThis.raftctlStats && globalThis.raftctlStats.replayed === true`)
	browser.WaitForLine("the same election in the replay", 0, 10*time.Second, func(line string) bool { return strings.TrimSpace(line) == election })
	browser.WaitForLine("the fork's put in the replay", 0, 10*time.Second, func(line string) bool { return strings.TrimSpace(line) == "> put y 2" })
	run(t, browser, "get y", func(line string) bool { return strings.HasPrefix(line, "y=2 ") })
	browser.Screenshot("shared")
	browser.CheckNoErrors()
}
