//go:build js && wasm

package main

import (
	"errors"
	"fmt"
	"syscall/js"
)

var errStorageUnavailable = errors.New("the browser keeps no local storage for this page")

// catch runs f and turns a JavaScript exception (a full localStorage, a
// refused IndexedDB) into an error.
func catch(f func()) (err error) {
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
