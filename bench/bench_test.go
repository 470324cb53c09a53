package main

import (
	"fmt"
	"strings"
	"testing"

	"raftctl/workload"
	"raftctl/workload/workloadtest"
)

// TestEveryImplementationAppliesEveryCommand: etcd's and hashicorp's
// targets, at one and at many commands in flight, apply exactly the
// commands issued (raftctl's targets have the same test in workload).
func TestEveryImplementationAppliesEveryCommand(t *testing.T) {
	for _, target := range []workload.Target{etcdTarget(8), etcdTarget(256), hashicorpTarget(false), hashicorpTarget(true)} {
		t.Run(target.Name, func(t *testing.T) {
			count, dir := 300, ""
			if target.Durable {
				count, dir = 30, t.TempDir()
			}
			system, err := target.Start(1, dir)
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				if err := system.Close(); err != nil {
					t.Error(err)
				}
			}()
			for _, load := range []int{1, 64} {
				if err := system.Commit(count, load, workload.NewStamps(count)); err != nil {
					t.Fatalf("%d in flight: %v", load, err)
				}
				if err := system.Verify(); err != nil {
					t.Fatalf("%d in flight: %v", load, err)
				}
			}
		})
	}
}

// TestVerifyCatchesMissingCommands: the checks after every round can fail.
func TestVerifyCatchesMissingCommands(t *testing.T) {
	etcd, err := startEtcd(8)
	if err != nil {
		t.Fatal(err)
	}
	if err := etcd.Commit(100, 8, nil); err != nil {
		t.Fatal(err)
	}
	etcd.next++ // one more issued than applied
	if err := etcd.Verify(); err == nil {
		t.Error("etcd: Verify passed with a command issued and never applied")
	}
	etcd.next--
	etcd.leader.machine.Set("key00007", "stale")
	if err := etcd.Verify(); err == nil {
		t.Error("etcd: Verify passed with a wrong value on the leader")
	}

	hashicorp, err := startHashicorp("")
	if err != nil {
		t.Fatal(err)
	}
	defer hashicorp.Close()
	if err := hashicorp.Commit(100, 16, nil); err != nil {
		t.Fatal(err)
	}
	if err := hashicorp.Verify(); err != nil {
		t.Fatalf("hashicorp: a correct run fails: %v", err)
	}
	machine := hashicorp.machines[hashicorp.leader]
	machine.machine.Set("key00007", fmt.Sprintf("%08x", 8)) // command 8 wrote key00008
	if err := hashicorp.Verify(); err == nil {
		t.Error("hashicorp: Verify passed with a key holding another key's value")
	}
	machine.machine.Set("key00007", fmt.Sprintf("%08x", 7))
	machine.repeated++
	if err := hashicorp.Verify(); err == nil {
		t.Error("hashicorp: Verify passed with a command applied twice")
	}
}

// TestSideBySide: one short run of every target prints every target and
// every ratio of the goals.
func TestSideBySide(t *testing.T) {
	var stdout, stderr strings.Builder
	err := run([]string{"--rounds", "1", "--operations", "100", "--durable-operations", "5", "--in-flight", "1,64", "--dir", t.TempDir()}, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	out := stdout.String()
	t.Logf("\n%s", out)
	for _, target := range targets() {
		if !strings.Contains(out, "\n"+target.Name+" ") {
			t.Errorf("no row for %s", target.Name)
		}
	}
	for _, ratio := range []string{"core ÷ etcd-8", "p99: etcd-8 ÷ core", "local ÷ core", "local ÷ etcd-256", "local-bbolt ÷ hashicorp-boltdb", "local-bbolt ÷ fdatasync-pair"} {
		if !strings.Contains(out, "\n"+ratio+" ") {
			t.Errorf("no ratio %s", ratio)
		}
	}
}

func TestBadFlags(t *testing.T) {
	for _, arguments := range [][]string{{"--rounds", "0"}, {"--in-flight", "1,x"}, {"--targets", "core,raft"}, {"extra"}} {
		var stdout, stderr strings.Builder
		if err := run(arguments, &stdout, &stderr); err == nil {
			t.Errorf("bench %v succeeded, want an error", arguments)
		}
	}
}

// BenchmarkSideBySide runs every implementation at every load, in one
// run: compare lines of one run with each other, never with yesterday's.
// Each goal of the performance work reads from two of its lines (see
// comparisons).
//
//	cd bench && go test -run XXX -bench . -benchtime 20000x
func BenchmarkSideBySide(b *testing.B) {
	for _, load := range workload.DefaultInFlight {
		for _, target := range targets() {
			if target.MaxInFlight > 0 && load > target.MaxInFlight {
				continue
			}
			b.Run(fmt.Sprintf("%d/%s", load, target.Name), func(b *testing.B) {
				workloadtest.Benchmark(b, target, load)
			})
		}
	}
}
