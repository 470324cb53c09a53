package chaos

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// The generator writes a script in the REPL language, one line at a time,
// and runs each line as soon as it is written. It reads the cluster only
// through Session.Holds (which node leads, which are down), the way a
// lesson checks its steps, so that it can crash or strand a leader right
// after it wins: that is where the teaching bugs hide. The script is a
// function of the options and the seed alone (the session is
// deterministic), and replaying it is exactly `raftctl repl < script`.

// Result is what one seed did.
type Result struct {
	Seed uint64
	// Script is every line that ran, the header first; on a failure it
	// ends at the failing line.
	Script  []string
	Outcome Outcome
	// Operations are the client requests the script made; Acknowledged
	// those that returned a result. Faults counts fault lines; Elections
	// the leaders elected (the trace's "-> leader" lines).
	Operations, Acknowledged, Faults, Elections int
}

// linesPerSecond bounds a script's length: the generator stops adding
// steps at this many lines per second of Options.Duration (100 lines for
// the default 2s), whatever time is left, so that a storm of
// millisecond steps stays readable.
const linesPerSecond = 50

// settle is the quiet time at the end, healed and with every node up:
// longer than the client timeout, so every request has finished.
const settle = 3 * time.Second

// clientTimeout bounds each request: a request stuck on a stranded leader
// gives up soon and the script moves on.
const clientTimeout = time.Second

// keys are few, so that requests meet on the same key and the
// linearizability check has concurrency to work on, and stays fast.
const keys = 4

type generator struct {
	options Options
	seed    uint64
	random  *rand.Rand
	// membershipRandom draws the membership faults and their arguments.
	membershipRandom *rand.Rand
	run              *execution
	// storm: faults every few milliseconds (half the seeds), which opens
	// the narrow windows where bugs hide, as in cluster.RunCampaign.
	storm      bool
	elapsed    time.Duration
	writes     int
	lastLeader int
	// focus counts the pauses still to be short (see focusSteps).
	focus int
	// raced is the newest leader a leader race (race.go) was run against;
	// watch counts the steps still to be short pauses while one may start.
	raced, watch int
	result       Result
}

// Run generates and runs the script of one seed.
func Run(options Options, seed uint64) (Result, error) {
	options, err := options.normalize()
	if err != nil {
		return Result{}, err
	}
	run, err := newExecution()
	if err != nil {
		return Result{}, err
	}
	defer run.close()
	g := newGenerator(options, seed, run)
	g.generate()
	g.result.Script = run.lines
	g.result.Outcome = run.outcome
	g.result.Elections = run.output.elections
	g.result.Acknowledged = acknowledged(run.output.buffer.String())
	if !run.outcome.Failed() {
		g.result.Outcome.Output = ""
	}
	return g.result, nil
}

func newGenerator(options Options, seed uint64, run *execution) *generator {
	return &generator{
		options: options,
		seed:    seed,
		random:  rand.New(rand.NewPCG(seed, 0x6368616f73)), // "chaos"
		// "members": the stream of membership faults (membership.go).
		membershipRandom: rand.New(rand.NewPCG(seed, 0x6d656d62657273)),
		run:              run,
		result:           Result{Seed: seed},
	}
}

func (g *generator) generate() {
	if !g.header() {
		return
	}
	maximumLines := max(20, int(linesPerSecond*g.options.Duration.Seconds()))
	for g.elapsed < g.options.Duration && len(g.run.lines) < maximumLines {
		if !g.step() {
			return
		}
	}
	g.epilogue()
}

// exec runs one line; false when the script has stopped.
func (g *generator) exec(format string, arguments ...any) bool {
	return g.run.exec(fmt.Sprintf(format, arguments...))
}

// header is a comment and the cluster line with this seed's settings:
// the extensions vary per seed, so every combination meets the faults.
func (g *generator) header() bool {
	bugs := "no bug"
	if len(g.options.Bugs) > 0 {
		bugs = "bug " + strings.Join(g.options.Bugs, ",")
	}
	if !g.exec("# raftctl chaos: seed %d, %d nodes, faults %s, %s (replay: raftctl repl < this file)",
		g.seed, g.options.Nodes, faultList(g.options.Faults), bugs) {
		return false
	}
	g.storm = g.random.IntN(2) == 0
	// Half the seeds run the bare algorithm of thesis chapter 3: no
	// PreVote, no CheckQuorum, no leader no-op. Those extensions narrow
	// the windows where a broken safety rule shows (the no-op commits the
	// entries of earlier terms along with it, hiding the Fig. 3.7
	// mistake), so there the safety rules alone keep the cluster safe. The
	// other half draw each extension at random.
	extension := g.onOff
	if g.random.IntN(2) == 0 {
		extension = func() string { return "off" }
	}
	words := []string{
		fmt.Sprintf("cluster %d seed=%d", g.options.Nodes, g.seed),
		"prevote=" + extension(), "checkquorum=" + extension(), "noop=" + extension(), "hint=" + g.onOff(),
		"stickiness=" + extension(),
		fmt.Sprintf("inflight=%d", 1+g.random.IntN(8)),
		"client-timeout=" + clientTimeout.String(),
		g.snapshotThresholdWord(),
	}
	words = append(words, g.diskWords()...)
	for _, bug := range g.options.Bugs {
		if bug == BugLazySync {
			words = append(words, "sync=lazy")
		} else {
			words = append(words, "bug="+bug)
		}
	}
	return g.exec("%s", strings.Join(words, " "))
}

func (g *generator) onOff() string {
	if g.random.IntN(2) == 0 {
		return "on"
	}
	return "off"
}

// step writes one step: a client request, time passing, a fault or a
// repair. A leader that has just won is often crashed, rebooted or
// stranded at once, before its own entries spread and while a rival
// candidate may still be asking for votes (thesis Fig. 3.7, §3.8).
func (g *generator) step() bool {
	leader := g.leader()
	if raced, ok := g.race(leader); raced {
		return ok
	}
	if step := g.someMembershipFault(); step.line != "" {
		return g.fault(step)
	}
	if g.watch > 0 {
		g.watch--
		return g.pause()
	}
	newLeader := leader != 0 && leader != g.lastLeader
	g.lastLeader = leader
	if newLeader && (g.storm || g.focus > 0) && g.random.IntN(3) > 0 {
		if step := g.targetLeader(leader); step.line != "" {
			// Half the time a client writes first, so the leader holds
			// an entry of its own term that no one else has.
			if g.random.IntN(2) == 0 && !g.write() {
				return false
			}
			return g.fault(step)
		}
	}
	// Out of 100 steps: 40 client requests, 25 pauses, 30 faults, 5 heals.
	switch choice := g.random.IntN(100); {
	case choice < 40:
		return g.operation()
	case choice < 65:
		return g.pause()
	case choice < 95:
		if step := g.compactionStep(); step.line != "" {
			return g.fault(step)
		}
		if step := g.someFault(); step.line != "" {
			return g.fault(step)
		}
		return g.pause()
	default:
		if g.allowsNetworkFaults() {
			return g.exec("heal")
		}
		return g.operation()
	}
}

// fault runs a fault line with `expect safe` after it, so a violation
// stops the script right there.
func (g *generator) fault(step faultStep) bool {
	g.result.Faults++
	if step.election {
		// An election follows: watch it in small steps.
		g.focus = focusSteps
	}
	return g.exec("%s%s", step.line, checkSuffix)
}

// faultStep is a fault's line, and whether it starts an election (a
// campaign, or the leader crashed or stranded).
type faultStep struct {
	line     string
	election bool
}

// focusSteps is how many pauses after a fault that starts an election
// are a few milliseconds long: the windows where a vote or an entry is
// in flight are that narrow.
const focusSteps = 8

// operation is a client request on one of a few keys: writes and deletes
// are asynchronous (each its own client, so they run concurrently), reads
// wait for their answer. Reads are the most common: most go through the
// log, so they add entries of the current leader's term, and while they
// wait (up to the client timeout) elections run their course; one in five
// is a ReadIndex or lease read.
func (g *generator) operation() bool {
	switch choice := g.random.IntN(100); {
	case choice < 35:
		return g.write()
	case choice < 45:
		g.result.Operations++
		return g.exec("del %s async", g.key())
	case choice < 90:
		g.result.Operations++
		return g.exec("get %s", g.key())
	case choice < 95:
		// Without the log (thesis §6.4): the linearizability check at
		// the end covers these too. Half of them ask one node, any node.
		g.result.Operations++
		return g.exec("get %s%s read=index", g.key(), g.anyNode())
	default:
		g.result.Operations++
		return g.exec("get %s%s read=lease", g.key(), g.anyNode())
	}
}

// write puts a value never written before.
func (g *generator) write() bool {
	g.result.Operations++
	g.writes++
	return g.exec("put %s v%d async", g.key(), g.writes)
}

func (g *generator) key() string { return fmt.Sprintf("k%d", 1+g.random.IntN(keys)) }

// anyNode is " @nX" for a random node half the time, else "" (the client
// finds the leader).
func (g *generator) anyNode() string {
	if g.random.IntN(2) == 0 {
		return ""
	}
	return fmt.Sprintf(" @n%d", 1+g.random.IntN(g.options.Nodes))
}

// pause lets time pass: a few milliseconds while an election runs, up to
// 50 ms in a storm, up to a few election timeouts otherwise.
func (g *generator) pause() bool {
	tick := 10 * time.Millisecond
	switch {
	case g.focus > 0:
		g.focus--
		duration := time.Duration(1+g.random.IntN(3)) * time.Millisecond
		g.elapsed += duration
		return g.exec("sleep %v", duration)
	case g.storm && g.random.IntN(2) == 0:
		ticks := 1 + g.random.IntN(5)
		g.elapsed += time.Duration(ticks) * tick
		return g.exec("tick %d", ticks)
	case g.storm:
		duration := time.Duration(1+g.random.IntN(40)) * time.Millisecond
		g.elapsed += duration
		return g.exec("sleep %v", duration)
	case g.random.IntN(4) == 0:
		ticks := 1 + g.random.IntN(20)
		g.elapsed += time.Duration(ticks) * tick
		return g.exec("tick %d", ticks)
	default:
		duration := time.Duration(1+g.random.IntN(40)) * tick
		g.elapsed += duration
		return g.exec("sleep %v", duration)
	}
}

// epilogue heals, brings every node back, lets the cluster settle, reads
// every key through the log (a lost write shows up as a stale read) and
// checks safety and linearizability.
func (g *generator) epilogue() {
	if !g.exec("heal") {
		return
	}
	for _, id := range g.downNodes() {
		if !g.exec("restart n%d", id) {
			return
		}
	}
	if !g.exec("sleep %v", settle) {
		return
	}
	for key := 1; key <= keys; key++ {
		g.result.Operations++
		if !g.exec("get k%d", key) {
			return
		}
	}
	if g.retriesAcrossSnapshots() && !g.retryAcrossSnapshots() { // sessions.go
		return
	}
	_ = g.exec("expect safe") && g.exec("expect linearizable")
}

// someFault picks an allowed fault that applies now and writes its line;
// "" when none does.
func (g *generator) someFault() faultStep {
	total := 0
	for _, fault := range g.options.Faults {
		total += faultWeights[fault]
	}
	for range 4 {
		choice := g.random.IntN(total)
		for _, fault := range g.options.Faults {
			if choice -= faultWeights[fault]; choice < 0 {
				if step := g.faultLine(fault); step.line != "" {
					return step
				}
				break
			}
		}
	}
	return faultStep{}
}

// faultWeights favour reboots and partitions: a reboot between two votes
// (a forgotten vote, §3.8) and a leader stranded with entries no one else
// has (Fig. 3.7) are where the teaching bugs show. They were tuned by
// counting the seeds that catch each bug.
var faultWeights = map[Fault]int{
	FaultKill: 2, FaultRestart: 8, FaultWipe: 1, FaultPartition: 4, FaultCut: 3,
	FaultDrop: 1, FaultDup: 1, FaultDelay: 1, FaultCampaign: 1,
	// Membership faults have no weight here: they are drawn from a stream
	// of their own (membership.go), so that adding them left the other
	// faults' draws, and the seeds that catch the other bugs, much as
	// they were.
	// FaultSnapshot is not drawn here but in compactionStep (snapshot.go),
	// so that seeds without snapshots draw exactly as before.
}

func (g *generator) faultLine(fault Fault) faultStep {
	n := g.options.Nodes
	leader := g.leader()
	down := g.downNodes()
	up := g.upNodes(down)
	switch fault {
	case FaultKill:
		// At most a bare majority down, as in cluster.RunCampaign.
		if len(down) >= (n+1)/2 || len(up) == 0 {
			return faultStep{}
		}
		victim := g.victim(up, leader)
		return faultStep{fmt.Sprintf("kill n%d", victim), victim == leader}
	case FaultRestart, FaultWipe:
		wipe := ""
		if fault == FaultWipe {
			wipe = " wipe"
		}
		if len(down) > 0 && g.random.IntN(3) > 0 {
			return faultStep{fmt.Sprintf("restart n%d%s", down[g.random.IntN(len(down))], wipe), false}
		}
		if len(up) == 0 {
			return faultStep{}
		}
		// A reboot: volatile state lost, storage kept (a vote given just
		// before must survive it, thesis §3.8).
		victim := g.victim(up, leader)
		return faultStep{fmt.Sprintf("kill n%d; restart n%d%s", victim, victim, wipe), victim == leader}
	case FaultPartition:
		if leader != 0 && g.random.IntN(3) > 0 {
			return faultStep{g.strand(leader), true}
		}
		return faultStep{g.split(), leader != 0}
	case FaultCut:
		if leader != 0 && len(up) > 1 && g.random.IntN(3) > 0 {
			return faultStep{g.loseFollower(leader, up), true}
		}
		from := 1 + g.random.IntN(n)
		if leader != 0 && g.random.IntN(2) == 0 {
			from = leader
		}
		to := 1 + g.random.IntN(n-1)
		if to >= from {
			to++
		}
		if g.random.IntN(2) == 0 {
			from, to = to, from
		}
		arrow := "-"
		if g.random.IntN(2) == 0 {
			arrow = "->"
		}
		return faultStep{fmt.Sprintf("cut n%d%sn%d", from, arrow, to), false}
	case FaultDrop, FaultDup, FaultDelay:
		return faultStep{g.unreliable(fault), false}
	case FaultCampaign:
		if len(up) == 0 {
			return faultStep{}
		}
		first := up[g.random.IntN(len(up))]
		second := up[g.random.IntN(len(up))]
		if second == first || g.random.IntN(2) == 0 {
			return faultStep{fmt.Sprintf("campaign n%d", first), true}
		}
		// Two timers firing together: a split vote in the making.
		return faultStep{fmt.Sprintf("campaign n%d; campaign n%d", first, second), true}
	case FaultTransfer, FaultMembership, FaultReconfigure:
		return g.membershipLine(fault)
	}
	return faultStep{}
}

// targetLeader crashes, reboots or strands a leader that has just won.
func (g *generator) targetLeader(leader int) faultStep {
	var choices []string
	if g.options.allows(FaultKill) && len(g.downNodes()) < (g.options.Nodes+1)/2 {
		choices = append(choices, fmt.Sprintf("kill n%d", leader))
	}
	if g.options.allows(FaultRestart) {
		choices = append(choices, fmt.Sprintf("kill n%d; restart n%d", leader, leader))
	}
	if g.options.allows(FaultPartition) {
		choices = append(choices, g.strand(leader))
	}
	if len(choices) == 0 {
		return faultStep{}
	}
	return faultStep{choices[g.random.IntN(len(choices))], true}
}

// victim is the leader half of the time, else any running node.
func (g *generator) victim(up []int, leader int) int {
	if leader != 0 && g.random.IntN(2) == 0 {
		return leader
	}
	return up[g.random.IntN(len(up))]
}

// strand puts the leader in a minority, where it keeps taking writes it
// cannot commit while the majority elects another leader.
func (g *generator) strand(leader int) string {
	n := g.options.Nodes
	minority := []int{leader}
	size := 1 + g.random.IntN((n-1)/2)
	for len(minority) < size {
		if id := 1 + g.random.IntN(n); !slices.Contains(minority, id) {
			minority = append(minority, id)
		}
	}
	return "partition " + groups(n, minority)
}

// split partitions the nodes in two (or, on five or more, sometimes three)
// random groups.
func (g *generator) split() string {
	n := g.options.Nodes
	parts := 2
	if n >= 5 && g.random.IntN(3) == 0 {
		parts = 3
	}
	for {
		group := make([]int, n)
		used := map[int]bool{}
		for i := range group {
			group[i] = g.random.IntN(parts)
			used[group[i]] = true
		}
		if len(used) < parts {
			continue
		}
		var names []string
		for part := range parts {
			var members []string
			for i, in := range group {
				if in == part {
					members = append(members, fmt.Sprintf("n%d", i+1))
				}
			}
			names = append(names, strings.Join(members, ","))
		}
		return "partition " + strings.Join(names, "|")
	}
}

// groups writes "n1,n3|n2,n4,n5": the minority, then everyone else.
func groups(n int, minority []int) string {
	slices.Sort(minority)
	var first, rest []string
	for id := 1; id <= n; id++ {
		if slices.Contains(minority, id) {
			first = append(first, fmt.Sprintf("n%d", id))
		} else {
			rest = append(rest, fmt.Sprintf("n%d", id))
		}
	}
	return strings.Join(first, ",") + "|" + strings.Join(rest, ",")
}

// unreliable makes the network (or, a third of the time, one link) lose,
// duplicate or delay messages: the chosen fault, plus now and then the
// other allowed ones.
func (g *generator) unreliable(fault Fault) string {
	var settings []string
	for _, kind := range []Fault{FaultDrop, FaultDup, FaultDelay} {
		if kind != fault && (!g.options.allows(kind) || g.random.IntN(2) == 0) {
			continue
		}
		switch kind {
		case FaultDrop:
			settings = append(settings, fmt.Sprintf("drop=%.2f", float64(1+g.random.IntN(30))/100))
		case FaultDup:
			settings = append(settings, fmt.Sprintf("dup=%.2f", float64(1+g.random.IntN(10))/100))
		case FaultDelay:
			settings = append(settings, fmt.Sprintf("delay=1ms-%dms", 2+g.random.IntN(40)))
		}
	}
	if g.random.IntN(3) > 0 {
		return "net " + strings.Join(settings, " ")
	}
	n := g.options.Nodes
	from := 1 + g.random.IntN(n)
	to := 1 + g.random.IntN(n-1)
	if to >= from {
		to++
	}
	arrow := "-"
	if g.random.IntN(2) == 0 {
		arrow = "->"
	}
	return fmt.Sprintf("link n%d%sn%d %s", from, arrow, to, strings.Join(settings, " "))
}

func (g *generator) allowsNetworkFaults() bool {
	for _, fault := range []Fault{FaultPartition, FaultCut, FaultDrop, FaultDup, FaultDelay} {
		if g.options.allows(fault) {
			return true
		}
	}
	return false
}

// leader is the running leader of the highest term, 0 when none.
func (g *generator) leader() int {
	for id := 1; id <= g.options.Nodes; id++ {
		if g.run.holds(fmt.Sprintf("leader n%d", id)) {
			return id
		}
	}
	return 0
}

func (g *generator) downNodes() []int {
	var down []int
	for id := 1; id <= g.options.Nodes; id++ {
		if g.run.holds(fmt.Sprintf("down n%d", id)) {
			down = append(down, id)
		}
	}
	return down
}

func (g *generator) upNodes(down []int) []int {
	var up []int
	for id := 1; id <= g.options.Nodes; id++ {
		if !slices.Contains(down, id) {
			up = append(up, id)
		}
	}
	return up
}

// acknowledged counts the client results in a session's output: "ok put",
// "ok del", and reads ("k1=v3 (...)", "k1 not found (...)").
func acknowledged(output string) int {
	count := 0
	for _, line := range strings.Split(output, "\n") {
		switch {
		case strings.HasPrefix(line, "ok put "), strings.HasPrefix(line, "ok del "):
			count++
		case strings.HasPrefix(line, "k") && strings.HasSuffix(line, ")") && strings.Contains(line, " (index "):
			count++
		}
	}
	return count
}
