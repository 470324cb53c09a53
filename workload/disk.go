package workload

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// diskSystem writes and syncs a small file twice per command, in series:
// what bbolt's commit costs at least (its data pages, then its meta page),
// with no Raft around it.
type diskSystem struct {
	file   *os.File
	block  []byte
	next   int
	synced int
}

// FdatasyncPairTarget is two fdatasyncs in series per command, the disk's
// floor for one durable write on one node. It runs one command at a time.
func FdatasyncPairTarget() Target {
	return Target{Name: "fdatasync-pair", Durable: true, MaxInFlight: 1, Start: func(_ uint64, dir string) (System, error) {
		if dir == "" {
			return nil, errors.New("fdatasync-pair: needs a directory to write in")
		}
		file, err := os.Create(filepath.Join(dir, "fdatasync"))
		if err != nil {
			return nil, fmt.Errorf("fdatasync-pair: %w", err)
		}
		return &diskSystem{file: file, block: make([]byte, 512)}, nil
	}}
}

func (s *diskSystem) Commit(count, _ int, stamps *Stamps) error {
	for j := range count {
		stamps.Issued(j)
		for page := range int64(2) {
			s.block[0] = byte(s.next)
			if _, err := s.file.WriteAt(s.block, page*4096); err != nil {
				return fmt.Errorf("fdatasync-pair: %w", err)
			}
			if err := fdatasync(s.file); err != nil {
				return fmt.Errorf("fdatasync-pair: %w", err)
			}
			s.synced++
		}
		s.next++
		stamps.Applied(j)
	}
	return nil
}

func (s *diskSystem) Verify() error {
	if s.synced != 2*s.next {
		return fmt.Errorf("fdatasync-pair: %d syncs for %d commands, want two each", s.synced, s.next)
	}
	return nil
}

func (s *diskSystem) Close() error { return s.file.Close() }
