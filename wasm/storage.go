//go:build js && wasm

package main

import (
	"encoding/json"
	"slices"
	"syscall/js"

	"raftctl/lessons"
	"raftctl/wasm/indexeddb"
)

// What the page remembers between visits lives in the browser: the
// command history and the completed lessons in localStorage (small, and
// written whole), the nodes' persistent state in IndexedDB.

const (
	historyKey  = "raftctl.history"
	progressKey = "raftctl.lessons-completed"
	// maximumHistory bounds the history kept, as in the terminal.
	maximumHistory = 1000
)

// localStorage returns the page's localStorage, or undefined when the
// browser refuses it (storage disabled): the page then remembers nothing.
func localStorage() js.Value {
	return js.Global().Get("localStorage")
}

// loadStrings reads a JSON list of strings kept under key.
func loadStrings(key string) []string {
	storage := localStorage()
	if storage.IsUndefined() || storage.IsNull() {
		return nil
	}
	item := storage.Call("getItem", key)
	if item.IsNull() || item.IsUndefined() {
		return nil
	}
	var values []string
	if json.Unmarshal([]byte(item.String()), &values) != nil {
		return nil
	}
	return values
}

// saveStrings keeps a list of strings under key.
func saveStrings(key string, values []string) error {
	storage := localStorage()
	if storage.IsUndefined() || storage.IsNull() {
		return errStorageUnavailable
	}
	data, err := json.Marshal(values)
	if err != nil {
		return err
	}
	return indexeddb.Catch(func() { storage.Call("setItem", key, string(data)) })
}

// history is x/term's History kept in localStorage, oldest line first.
type history struct{ lines []string }

func loadHistory() *history { return &history{lines: loadStrings(historyKey)} }

func (h *history) Add(line string) {
	if line == "" || (len(h.lines) > 0 && h.lines[len(h.lines)-1] == line) {
		return
	}
	h.lines = append(h.lines, line)
	if len(h.lines) > maximumHistory {
		h.lines = slices.Clone(h.lines[len(h.lines)-maximumHistory:])
	}
	// A full or disabled storage keeps the history for this visit only.
	_ = saveStrings(historyKey, h.lines)
}

func (h *history) Len() int { return len(h.lines) }

// At returns the entry i lines back: 0 is the newest.
func (h *history) At(i int) string { return h.lines[len(h.lines)-1-i] }

// progress keeps the completed lessons in localStorage (repl.ProgressKeeper).
type progress struct{}

func (progress) Load() (lessons.Progress, error) {
	names := loadStrings(progressKey)
	slices.Sort(names)
	return lessons.Progress{Completed: slices.Compact(names)}, nil
}

func (p progress) MarkCompleted(name string) error {
	current, _ := p.Load()
	if current.Done(name) {
		return nil
	}
	return saveStrings(progressKey, append(current.Completed, name))
}
