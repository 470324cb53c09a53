//go:build !js

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	bbolt "go.etcd.io/bbolt"
)

// createBolt makes a new, empty store at path, atomically: it builds the
// store in a temporary file beside path and only then gives it the name.
// A crash half way leaves no file at path (at worst a stray
// "<name>.creating-*" beside it), never a bbolt file without the marker,
// which the next start would refuse as not a store.
//
// replaceEmpty says path is an existing empty file, which is replaced.
// Otherwise the store is linked into place, which fails if another
// process created path meanwhile; that file is then used instead.
func createBolt(path string, replaceEmpty bool) error {
	directory := filepath.Dir(path)
	temporary, err := os.CreateTemp(directory, filepath.Base(path)+".creating-*")
	if err != nil {
		return fmt.Errorf("store: create %s: %w (does the data dir exist and is it writable?)", path, err)
	}
	temporaryPath := temporary.Name()
	defer os.Remove(temporaryPath)
	if err := temporary.Close(); err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if err := initializeBolt(temporaryPath); err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	if replaceEmpty {
		err = os.Rename(temporaryPath, path)
	} else {
		err = os.Link(temporaryPath, path)
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		if err != nil {
			// Some file systems have no hard links; rename is atomic too,
			// and only loses to a creator racing us on such a file system.
			err = os.Rename(temporaryPath, path)
		}
	}
	if err != nil {
		return fmt.Errorf("store: create %s: %w", path, err)
	}
	return syncDirectory(directory)
}

// initializeBolt writes the buckets and the format marker into the empty
// file at path, durably.
func initializeBolt(path string) error {
	database, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: defaultLockTimeout})
	if err != nil {
		return err
	}
	err = database.Update(func(transaction *bbolt.Tx) error {
		meta, err := transaction.CreateBucket(metaBucket)
		if err != nil {
			return err
		}
		if err := meta.Put(formatKey, []byte(boltFormat)); err != nil {
			return err
		}
		_, err = transaction.CreateBucket(entriesBucket)
		return err
	})
	return errors.Join(err, database.Close())
}

// syncDirectory makes a new name in directory durable: without it, a
// power cut may forget the name even though the file's data is on disk.
func syncDirectory(directory string) error {
	handle, err := os.Open(directory)
	if err != nil {
		return fmt.Errorf("store: sync %s: %w", directory, err)
	}
	err = handle.Sync()
	return errors.Join(err, handle.Close())
}
