package site_test

import (
	"errors"
	"flag"
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
