//go:build js && wasm

package indexeddb

import (
	"errors"
	"fmt"
	"syscall/js"
)

// await waits for an IndexedDB request or transaction to fire one of its
// events, and returns its result (requests) or an error. It must run on a
// goroutine of its own, never in a js.FuncOf callback: waiting there would
// keep the event loop from ever firing the event. The handlers only send
// on a buffered channel. blocked, when not empty, is an event that means
// the operation is stuck behind another tab's connection.
func await(target js.Value, success, failure, blocked string) (js.Value, error) {
	type outcome struct {
		value js.Value
		err   error
	}
	// The first outcome counts. A transaction can fire more events (each
	// failing request bubbles up to it), so handlers never wait to send.
	done := make(chan outcome, 1)
	report := func(result outcome) {
		select {
		case done <- result:
		default:
		}
	}
	handlers := map[string]js.Func{
		success: js.FuncOf(func(js.Value, []js.Value) any {
			report(outcome{value: target.Get("result")})
			return nil
		}),
		failure: js.FuncOf(func(_ js.Value, arguments []js.Value) any {
			report(outcome{err: eventError(target, arguments)})
			return nil
		}),
	}
	if blocked != "" {
		handlers[blocked] = js.FuncOf(func(js.Value, []js.Value) any {
			report(outcome{err: errors.New("blocked: another tab holds the database open in an older version; close it")})
			return nil
		})
	}
	if failure == "onerror" && success == "oncomplete" {
		// A transaction that aborts reports onabort too (after onerror).
		handlers["onabort"] = js.FuncOf(func(_ js.Value, arguments []js.Value) any {
			report(outcome{err: fmt.Errorf("transaction aborted: %w", eventError(target, arguments))})
			return nil
		})
	}
	for event, handler := range handlers {
		target.Set(event, handler)
	}
	result := <-done
	for event, handler := range handlers {
		target.Set(event, js.Null())
		handler.Release()
	}
	return result.value, result.err
}

// eventError is the error of a failure event: the failing request's,
// which bubbles up to its transaction, else the target's own.
func eventError(target js.Value, arguments []js.Value) error {
	if len(arguments) > 0 {
		if source := arguments[0].Get("target"); source.Truthy() {
			if err := source.Get("error"); err.Truthy() {
				return domError(err)
			}
		}
	}
	return domError(target.Get("error"))
}

// domError turns a DOMException (or null) into an error.
func domError(value js.Value) error {
	if value.IsUndefined() || value.IsNull() {
		return errors.New("unknown error")
	}
	return fmt.Errorf("%s: %s", value.Get("name").String(), value.Get("message").String())
}

// Catch runs f and turns a JavaScript exception into an error. The page's
// own calls into the browser (localStorage) use it too.
func Catch(f func()) (err error) {
	defer func() {
		if recovered := recover(); recovered != nil {
			if jsError, ok := recovered.(js.Error); ok {
				err = jsError
				return
			}
			err = fmt.Errorf("%v", recovered)
		}
	}()
	f()
	return nil
}

// uint8Array copies data into a new Uint8Array.
func uint8Array(data []byte) js.Value {
	array := js.Global().Get("Uint8Array").New(len(data))
	js.CopyBytesToJS(array, data)
	return array
}

// bytesOf copies a Uint8Array (or ArrayBuffer) out.
func bytesOf(value js.Value) []byte {
	if value.InstanceOf(js.Global().Get("ArrayBuffer")) {
		value = js.Global().Get("Uint8Array").New(value)
	}
	data := make([]byte, value.Get("length").Int())
	js.CopyBytesToGo(data, value)
	return data
}
