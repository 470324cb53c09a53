package compare

import (
	"testing"
)

// BenchmarkCompare runs the workloads on each implementation, side by
// side in one run: compare the implementations' lines with each other,
// never one line with yesterday's. One op is one command committed and
// applied on the leader. See the package doc for what differs between the
// three setups.
func BenchmarkCompare(b *testing.B) {
	for _, workload := range Workloads(DefaultPipeline) {
		b.Run(workload.Name, func(b *testing.B) {
			for _, implementation := range Implementations {
				b.Run(implementation, func(b *testing.B) {
					s, err := start(implementation, 1)
					if err != nil {
						b.Fatal(err)
					}
					defer func() {
						if err := s.close(); err != nil {
							b.Error(err)
						}
					}()
					b.ReportAllocs()
					b.ResetTimer()
					err = s.commit(b.N, workload.InFlight)
					b.StopTimer()
					if err != nil {
						b.Fatal(err)
					}
					if err := verify(s); err != nil {
						b.Fatal(err)
					}
				})
			}
		})
	}
}
