// Package chaos runs randomized fault campaigns in the REPL language.
//
// A seed writes a script (Run): a header (`cluster N seed=S` with that
// seed's extensions and bugs), then client requests on a few keys
// (`put k v async`, `del k async`, `get k`), pauses (`sleep`, `tick`) and
// faults from an allowed list, each fault on one line with its check
// (`kill n2; expect safe`), then `heal`, a restart of every dead node, a
// settle period, a read of every key, `expect safe` and
// `expect linearizable`. The cluster checks the safety properties of
// thesis Fig. 3.2 after every event; `expect safe` reads them, and
// `expect linearizable` runs porcupine over the session's client history
// (§6.3). Each line runs in a repl.Session as soon as it is written, so
// the script is exactly what `raftctl repl < script` replays, and the
// generator can aim at the leader it sees (Session.Holds).
//
// A failing script is shrunk (Shrink) by delta debugging over its lines
// while it keeps failing the same way (Outcome.Signature). Campaign runs
// many seeds in parallel and stops at the lowest failing one.
//
// Each teaching bug of raft.BugNames is caught within 1000 seeds on 3
// and on 5 nodes, and so is the storage fault lazy-sync on 3 (the tests
// prove it); with no bug the same budget finds nothing.
package chaos
