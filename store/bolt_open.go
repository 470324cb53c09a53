//go:build !js

package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	bbolt "go.etcd.io/bbolt"
	bbolterrors "go.etcd.io/bbolt/errors"
)

// OpenBolt opens the store in the file at path, creating it when the path
// does not exist or is an empty file.
//
// An existing file is first opened read-only and read through, and only
// opened for writing if it is a raftctl store that reads back cleanly.
// Whatever is wrong with it (ErrNotAStore, ErrCorrupt), the file is left
// byte for byte as it was: it may be someone's only copy of a log, or not
// ours at all. If another process holds the file, OpenBolt waits up to
// options.LockTimeout and returns an error wrapping ErrInUse.
func OpenBolt(path string, options BoltOptions) (*Bolt, error) {
	options = options.withDefaults()
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		err = createBolt(path, false)
	case err != nil:
		err = fmt.Errorf("store: open %s: %w", path, err)
	case !info.Mode().IsRegular():
		err = fmt.Errorf("%w: %s is not a regular file (%s); give the node a file path inside its data dir",
			ErrNotAStore, path, info.Mode().Type())
	case info.Size() == 0:
		err = createBolt(path, true)
	}
	if err != nil {
		return nil, err
	}
	if err := validateBolt(path, options); err != nil {
		return nil, err
	}
	var database *bbolt.DB
	err = guardAgainstPanics(path, func() error {
		database, err = openDatabase(path, &bbolt.Options{Timeout: options.LockTimeout, NoSync: options.NoSync}, options)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &Bolt{database: database, path: path}, nil
}

// validateBolt opens path read-only, so nothing can be written to it, and
// reads everything a restart would read. (The free-page list is read by
// the open for writing, which is guarded too and writes nothing first.)
// bbolt opens a read-only file under a shared lock, which a writer's
// exclusive lock excludes, so a file in use is reported here already.
func validateBolt(path string, options BoltOptions) error {
	return guardAgainstPanics(path, func() error {
		database, err := openDatabase(path, &bbolt.Options{Timeout: options.LockTimeout, ReadOnly: true}, options)
		if err != nil {
			return err
		}
		defer database.Close()
		return database.View(func(transaction *bbolt.Tx) error {
			// bbolt grows the file before a commit that needs more pages, so a
			// shorter file lost its end, and reading pages there would fail
			// obscurely or fault. Only the meta page has been read so far.
			info, err := os.Stat(path)
			if err != nil {
				return fmt.Errorf("store: open %s: %w", path, err)
			}
			if need := transaction.Size(); info.Size() < need {
				return fmt.Errorf("%w: %s is %d bytes, but its pages reach byte %d: the file was truncated; "+
					"it was left unchanged: restore it from a backup, or wipe the node's data dir",
					ErrCorrupt, path, info.Size(), need)
			}
			_, _, err = readStore(transaction, path)
			return err
		})
	})
}

// openDatabase is bbolt.Open with its errors turned into ours.
func openDatabase(path string, boltOptions *bbolt.Options, options BoltOptions) (*bbolt.DB, error) {
	database, err := bbolt.Open(path, 0o600, boltOptions)
	switch {
	case err == nil:
		return database, nil
	case errors.Is(err, bbolterrors.ErrTimeout):
		return nil, fmt.Errorf("%w: data dir %s is in use by another raftctl process (%s stayed locked for %v); "+
			"stop that node first, or give this one another data dir",
			ErrInUse, filepath.Dir(path), filepath.Base(path), options.LockTimeout)
	case errors.Is(err, bbolterrors.ErrInvalid), errors.Is(err, bbolterrors.ErrVersionMismatch):
		return nil, fmt.Errorf("%w: %s is not a bbolt database (%v); it was left unchanged: "+
			"move it away or give the node another data dir", ErrNotAStore, path, err)
	case errors.Is(err, bbolterrors.ErrChecksum):
		return nil, fmt.Errorf("%w: %s: both of bbolt's meta pages are damaged (%v); it was left unchanged: "+
			"restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, err)
	case errors.As(err, new(*fs.PathError)):
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	default:
		// bbolt read the file and found something it does not accept, such
		// as a file shorter than its two meta pages.
		return nil, fmt.Errorf("%w: %s cannot be opened by bbolt (%v); it was left unchanged: "+
			"restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, err)
	}
}

// guardAgainstPanics runs open, turning a panic into an ErrCorrupt error.
// bbolt trusts its file: on a damaged one it can panic, and where a
// truncated file leaves its memory map without pages behind it a read
// faults (SIGBUS), which SetPanicOnFault turns into a panic on this
// goroutine instead of a crash of the process.
func guardAgainstPanics(path string, open func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if recovered := recover(); recovered != nil {
			err = fmt.Errorf("%w: %s cannot be read (bbolt failed with: %v); it was left unchanged: "+
				"restore it from a backup, or wipe the node's data dir", ErrCorrupt, path, recovered)
		}
	}()
	return open()
}
