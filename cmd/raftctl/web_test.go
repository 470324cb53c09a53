package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

func TestWebHandlerServesThePage(t *testing.T) {
	files := fstest.MapFS{
		"index.html":   {Data: []byte("<!doctype html><title>raftctl</title>")},
		"raftctl.wasm": {Data: []byte("\x00asm")},
	}
	server := httptest.NewServer(webHandler(files))
	defer server.Close()
	for path, want := range map[string]string{"/": "text/html; charset=utf-8", "/raftctl.wasm": "application/wasm"} {
		response, err := http.Get(server.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, response.Body)
		response.Body.Close()
		if response.StatusCode != http.StatusOK || response.Header.Get("Content-Type") != want {
			t.Fatalf("GET %s: %d %q, want 200 %q", path, response.StatusCode, response.Header.Get("Content-Type"), want)
		}
	}
}
