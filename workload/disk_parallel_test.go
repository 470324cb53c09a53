package workload

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// BenchmarkFdatasyncPairsInParallel measures how many durable writes the
// disk completes at once: k writers, each on its own file, each doing one
// fdatasync pair (what fdatasync-pair does per command, and about what one
// bbolt transaction costs) per round; a round ends when all k are done.
// On a disk that flushes k files as fast as one, the time per round stays
// flat as k grows; a three-node cluster on one machine writes three files
// for every command, so this bounds local-bbolt at one in flight.
//
//	go test ./workload/ -run XXX -bench FdatasyncPairsInParallel -benchtime 2000x
func BenchmarkFdatasyncPairsInParallel(b *testing.B) {
	for _, writers := range []int{1, 2, 3} {
		b.Run(fmt.Sprint(writers), func(b *testing.B) {
			files := make([]*os.File, writers)
			for i := range files {
				file, err := os.Create(filepath.Join(b.TempDir(), fmt.Sprint("pair", i)))
				if err != nil {
					b.Fatal(err)
				}
				defer file.Close()
				files[i] = file
			}
			block := make([]byte, 512)
			for b.Loop() {
				var group sync.WaitGroup
				errs := make([]error, writers)
				for i, file := range files {
					group.Go(func() {
						for page := range int64(2) {
							if _, err := file.WriteAt(block, page*4096); err != nil {
								errs[i] = err
								return
							}
							if err := fdatasync(file); err != nil {
								errs[i] = err
								return
							}
						}
					})
				}
				group.Wait()
				for _, err := range errs {
					if err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/round")
		})
	}
}
