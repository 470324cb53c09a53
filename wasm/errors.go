//go:build js && wasm

package main

import "errors"

var errStorageUnavailable = errors.New("the browser keeps no local storage for this page")
