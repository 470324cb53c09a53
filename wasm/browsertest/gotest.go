package browsertest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RunGoTest builds the tests of the Go package in directory for js/wasm
// and runs them in headless Chromium, with arguments (such as "-test.v"),
// failing t when they fail. It is how browser-only code (IndexedDB) runs
// its tests for real: `go test` alone would run a js/wasm test binary in
// Node, which has no IndexedDB.
func RunGoTest(t *testing.T, directory string, arguments ...string) {
	t.Helper()
	if testing.Short() {
		t.Skip("the browser tests run without -short")
	}
	browser := Start(t, filepath.Join(t.TempDir(), "artifacts"))
	site := t.TempDir()
	build := exec.Command("go", "test", "-c", "-o", filepath.Join(site, "test.wasm"), ".")
	build.Dir = directory
	build.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if output, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the tests for js/wasm: %v\n%s", err, output)
	}
	goroot, err := exec.Command("go", "env", "GOROOT").Output()
	if err != nil {
		t.Fatal(err)
	}
	wasmExec, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(goroot)), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"index.html": goTestPage, "files.js": goTestFiles, "wasm_exec.js": string(wasmExec)}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(site, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	server := httptest.NewServer(http.FileServer(http.Dir(site)))
	defer server.Close()
	quoted := make([]string, len(arguments))
	for i, argument := range arguments {
		quoted[i] = fmt.Sprintf("%q", argument)
	}
	browser.Navigate(server.URL + "/?args=" + strings.Join(arguments, ","))
	Poll[bool](browser, "the tests to finish", 5*time.Minute, "globalThis.goTestDone === true")
	output := Evaluate[string](browser, "globalThis.goTestOutput")
	status := Evaluate[int](browser, "globalThis.goTestExitCode")
	t.Logf("go test in Chromium:\n%s", output)
	if status != 0 {
		t.Fatalf("the tests failed in Chromium (exit status %d)", status)
	}
	if !strings.Contains(output, "PASS") {
		t.Fatalf("the tests did not report PASS")
	}
}

// goTestPage runs test.wasm with the arguments of its URL and keeps its
// output and exit status for the host to read.
const goTestPage = `<!doctype html>
<meta charset="utf-8">
<title>go test</title>
<script src="files.js"></script>
<script src="wasm_exec.js"></script>
<script>
(async () => {
	const go = new Go();
	const query = new URLSearchParams(location.search).get("args");
	go.argv = ["test.wasm"].concat(query ? query.split(",") : []);
	go.env = { TMPDIR: "/tmp", HOME: "/home" };
	const exit = go.exit;
	go.exit = (code) => { globalThis.goTestExitCode = code; exit.call(go, code); };
	try {
		const { instance } = await WebAssembly.instantiateStreaming(fetch("test.wasm"), go.importObject);
		await go.run(instance);
	} catch (error) {
		globalThis.goTestOutputText += String(error) + "\n";
		globalThis.goTestExitCode = 3;
	}
	globalThis.goTestOutput = globalThis.goTestOutputText;
	globalThis.goTestDone = true;
})();
</script>
`

// goTestFiles gives the test binary what the testing package needs from a
// file system (t.TempDir and its cleanup: directories only, in memory) and
// collects what it writes to stdout and stderr. wasm_exec.js keeps a
// globalThis.fs that is already defined.
const goTestFiles = `"use strict";
(() => {
	globalThis.goTestOutputText = "";
	const decoder = new TextDecoder("utf-8");
	const directories = new Set(["/", "/tmp"]);
	const open = new Map();
	let nextFD = 100;
	const failure = (code) => { const error = new Error(code); error.code = code; return error; };
	const parent = (path) => path.replace(/\/[^/]*$/, "") || "/";
	const children = (path) => [...directories].filter((d) => d !== path && parent(d) === path).map((d) => d.slice(path.length + 1));
	const stat = (path) => ({
		dev: 0, ino: 0, mode: 0o40755, nlink: 1, uid: 0, gid: 0, rdev: 0, size: 0, blksize: 4096, blocks: 0,
		atimeMs: 0, mtimeMs: 0, ctimeMs: 0, isDirectory: () => true,
	});
	globalThis.fs = {
		constants: { O_WRONLY: -1, O_RDWR: -1, O_CREAT: -1, O_TRUNC: -1, O_APPEND: -1, O_EXCL: -1, O_DIRECTORY: -1 },
		writeSync(fd, buffer) {
			const text = decoder.decode(buffer);
			globalThis.goTestOutputText += text;
			return buffer.length;
		},
		write(fd, buffer, offset, length, position, callback) {
			if (offset !== 0 || length !== buffer.length || position !== null) { callback(failure("ENOSYS")); return; }
			callback(null, this.writeSync(fd, buffer));
		},
		mkdir(path, perm, callback) {
			if (directories.has(path)) { callback(failure("EEXIST")); return; }
			if (!directories.has(parent(path))) { callback(failure("ENOENT")); return; }
			directories.add(path);
			callback(null);
		},
		rmdir(path, callback) {
			if (!directories.has(path)) { callback(failure("ENOENT")); return; }
			if (children(path).length > 0) { callback(failure("ENOTEMPTY")); return; }
			directories.delete(path);
			callback(null);
		},
		unlink(path, callback) { callback(failure(directories.has(path) ? "EISDIR" : "ENOENT")); },
		stat(path, callback) { directories.has(path) ? callback(null, stat(path)) : callback(failure("ENOENT")); },
		lstat(path, callback) { this.stat(path, callback); },
		open(path, flags, mode, callback) {
			if (!directories.has(path)) { callback(failure("ENOENT")); return; }
			const fd = nextFD++;
			open.set(fd, path);
			callback(null, fd);
		},
		fstat(fd, callback) { open.has(fd) ? callback(null, stat(open.get(fd))) : callback(failure("EBADF")); },
		readdir(path, callback) { directories.has(path) ? callback(null, children(path)) : callback(failure("ENOENT")); },
		close(fd, callback) { open.delete(fd); callback(null); },
		fsync(fd, callback) { callback(null); },
	};
	for (const name of ["chmod", "chown", "fchmod", "fchown", "ftruncate", "lchown", "link", "read", "readlink", "rename", "symlink", "truncate", "utimes"]) {
		globalThis.fs[name] = (...args) => args[args.length - 1](failure("ENOSYS"));
	}
	globalThis.process = {
		getuid() { return -1; }, getgid() { return -1; }, geteuid() { return -1; }, getegid() { return -1; },
		getgroups() { throw failure("ENOSYS"); }, pid: -1, ppid: -1,
		umask() { throw failure("ENOSYS"); }, cwd() { return "/"; }, chdir() { throw failure("ENOSYS"); },
	};
})();
`
