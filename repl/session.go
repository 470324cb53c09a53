// Package repl is the command language of raftctl: one table of commands
// drives parsing, help, completion and the command reference. A Session
// runs lines against a cluster (cluster.Cluster: a simulated Local, or a
// Remote of real nodes) and writes plain lines (colour is
// added last, when asked for). There is no terminal code here: repl/term
// and the browser are thin shells around Session.Exec and Session.Complete.
package repl

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"raftctl/cluster"
	"raftctl/lessons"
	"raftctl/raft"
	"raftctl/store"
)

// Options configure a Session.
type Options struct {
	Nodes    int              // default 3
	Seed     uint64           // default 1
	Settings cluster.Settings // zero value => cluster.DefaultSettings()
	Color    bool             // add ANSI colour to output lines; plain otherwise
	Out      io.Writer        // where command output and trace lines go; writes are serialized by the Session
	// LiveSpeed > 0 paces every cluster of the session live: the virtual
	// clock follows the wall clock times LiveSpeed, and pause, resume and
	// speed work. Zero is manual pacing (scripts): only commands move time.
	LiveSpeed float64
	// DataDir, when set, keeps each node's state in a bbolt file there
	// (n1.db, n2.db, ...): kill and restart reload from disk, and a new
	// session on the same directory brings the cluster back. Such a
	// session cannot replace its cluster (cluster, reset).
	DataDir string
	// ProgressDir keeps the names of completed lessons (the user's state
	// directory); empty keeps no progress.
	ProgressDir string
	// QuitAfterLesson ends the session when a lesson ends (raftctl lesson).
	QuitAfterLesson bool
	// Cluster, when set, is the cluster the session drives (a Remote of
	// real nodes) instead of a Local it builds; Nodes, Seed, Settings and
	// DataDir are then ignored, and the cluster cannot be replaced. The
	// session closes it.
	Cluster cluster.Cluster
	// OpenCluster, when set, builds every cluster of the session in place
	// of cluster.New (the browser keeps its nodes in IndexedDB). first is
	// true for the session's first cluster, which may come back from
	// storage; later ones (cluster, reset) start from empty storage.
	OpenCluster func(nodes int, seed uint64, settings cluster.Settings, first bool) (*cluster.Local, error)
	// Progress, when set, keeps the completed lessons in place of
	// ProgressDir (the browser's localStorage).
	Progress ProgressKeeper
	// Width, when set, gives the terminal's width in columns: output lines
	// are wrapped at spaces to fit it, continuation lines indented under
	// the text. Nil or 0 leaves lines whole (scripts). See SetWidth.
	Width func() int
}

// Status is the outcome of a line, and the exit status of a script.
type Status int

const (
	// StatusOK: the line ran (a command that could not succeed right now
	// printed "error: ..." and still counts as OK, so a script goes on).
	StatusOK Status = 0
	// StatusFailed: an expect or wait did not hold.
	StatusFailed Status = 1
	// StatusInvalid: the line is not a valid command.
	StatusInvalid Status = 2
)

// defaultWaitTimeout bounds `wait` when no timeout= is given.
const defaultWaitTimeout = 10 * time.Second

// maximumAdvance bounds how far one command may move the virtual clock.
const maximumAdvance = 24 * time.Hour

// Session is one user's conversation with a cluster. Exec and Complete may
// be called from different goroutines.
type Session struct {
	options Options

	// execution serializes Exec: one line at a time.
	execution sync.Mutex
	// output serializes writes to Options.Out (trace lines arrive from the
	// cluster while a command runs).
	output sync.Mutex
	// completion guards what Complete reads, so it never waits for a
	// running command.
	completion     sync.Mutex
	completionSize int
	// completionKeys holds the keys written, without pointers for the
	// collector to follow in a session over 100,000 distinct keys.
	completionKeys store.KeySet

	cluster     cluster.Cluster
	unsubscribe func()
	// stopLive switches the cluster back to manual pacing (nil when manual).
	stopLive func()

	// rendering guards renderer, level and events: under live pacing,
	// records arrive from the pacer's goroutine while a command runs. It is
	// never held while calling the cluster.
	rendering sync.Mutex
	renderer  *renderer
	level     traceLevel
	events    eventRing
	// folding holds back repeats of shown trace lines (fold.go).
	folding folder
	// decisions are the cores' recent events, for why.
	decisions decisionRing

	// columns is the width set by SetWidth (0: Options.Width).
	columns atomic.Int64

	// interrupted is set by Interrupt (Ctrl-C); current is the cluster
	// Interrupt stops, readable without the execution lock.
	interrupted atomic.Bool
	current     atomic.Pointer[clusterHandle]

	// lastFailed: the previous command printed an error (`expect error`).
	lastFailed bool
	// asynchronous holds `put ... async` requests not yet finished;
	// asynchronousClients counts the clients they used.
	asynchronous        []*cluster.Call
	asynchronousClients uint64
	// asynchronousFailed: an async result printed an error since it was
	// last cleared (lessons judge their lines by it).
	asynchronousFailed bool
	// recording is the session as a script, for record.
	recording recording
	// lesson is the running lesson: lines go to it (lesson_commands.go).
	lesson *lessons.Runner
	// learner is the learner's own cluster, kept aside while a lesson runs
	// on clusters of its own (lesson_cluster.go).
	learner *learnerCluster
	// steps are the steps reached in unfinished lessons, kept in memory
	// when nothing else keeps them (progress.go); stepWarned keeps a
	// failing store to one warning.
	steps      map[string]int
	stepWarned bool
	// maximumAdvance bounds tick, sleep and wait timeouts.
	maximumAdvance time.Duration
	quitting       bool
	// lineNumber is set while a script runs, for its error lines.
	lineNumber int
}

// NewSession builds a session on a fresh local cluster.
func NewSession(options Options) (*Session, error) {
	if options.Nodes == 0 {
		options.Nodes = 3
	}
	if options.Seed == 0 {
		options.Seed = 1
	}
	if options.Settings == (cluster.Settings{}) {
		options.Settings = cluster.DefaultSettings()
	}
	if options.Out == nil {
		options.Out = io.Discard
	}
	s := &Session{options: options, level: traceState, maximumAdvance: maximumAdvance}
	if options.Cluster != nil {
		s.attach(options.Cluster)
		return s, nil
	}
	if err := s.replaceCluster(options.Nodes, options.Seed, options.Settings); err != nil {
		return nil, err
	}
	return s, nil
}

// clusterHandle lets Interrupt read the current cluster without the
// execution lock.
type clusterHandle struct{ cluster cluster.Cluster }

// Close stops live pacing and the session's subscription to the cluster,
// and closes it (and the learner's, while a lesson runs).
func (s *Session) Close() error {
	if s.learner != nil {
		lessonErr := s.closeCluster()
		s.restoreLearnerCluster()
		return errors.Join(lessonErr, s.closeCluster())
	}
	return s.closeCluster()
}

// replaceCluster builds a new cluster and starts rendering its records.
func (s *Session) replaceCluster(nodes int, seed uint64, settings cluster.Settings) error {
	var local *cluster.Local
	var err error
	switch {
	case s.learner != nil:
		// A lesson's cluster: in memory, whatever keeps the learner's.
		local, err = cluster.New(nodes, seed, settings)
	case s.options.Cluster != nil:
		err = fmt.Errorf("this session drives a real cluster, which cannot be replaced: %w", cluster.ErrWallClock)
	case s.options.OpenCluster != nil:
		local, err = s.options.OpenCluster(nodes, seed, settings, s.cluster == nil)
	case s.options.DataDir == "":
		local, err = cluster.New(nodes, seed, settings)
	case s.cluster != nil:
		err = fmt.Errorf("the cluster is stored in %s and cannot be replaced: quit, and start raftctl repl without --data (or with another dir)", s.options.DataDir)
	default:
		local, err = cluster.Open(nodes, seed, settings, s.options.DataDir)
	}
	if err != nil {
		return err
	}
	// A new cluster keeps the pacing the learner chose: the same speed,
	// and a paused clock stays paused.
	speed, paused := s.options.LiveSpeed, false
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		if on, liveSpeed, livePaused := simulated.Live(); on {
			speed, paused = liveSpeed, livePaused
		}
	}
	if s.stopLive != nil {
		s.stopLive()
		s.stopLive = nil
	}
	if s.unsubscribe != nil {
		s.unsubscribe()
	}
	s.attach(local)
	if s.options.LiveSpeed > 0 && s.learner == nil {
		if s.stopLive, err = local.StartLive(speed); err != nil {
			return err
		}
		if paused {
			if err := local.Pause(); err != nil {
				return err
			}
		}
	}
	return nil
}

// attach makes c the session's cluster and starts rendering its records.
func (s *Session) attach(c cluster.Cluster) {
	settings := c.Settings()
	s.cluster = c
	s.current.Store(&clusterHandle{c})
	s.asynchronous, s.asynchronousClients = nil, 0
	s.rendering.Lock()
	s.renderer = newRenderer(settings.Tick, settings.ElectionMin)
	s.decisions = decisionRing{}
	s.folding = folder{}
	s.rendering.Unlock()
	s.unsubscribe = c.Subscribe(s.onRecord)
	s.completion.Lock()
	s.completionSize = c.Size()
	s.completion.Unlock()
}

// simulated returns the session's cluster when it runs on a virtual
// clock, or the error a command that needs one answers on a real cluster.
func (s *Session) simulated(command string) (cluster.Simulated, error) {
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		return simulated, nil
	}
	return nil, fmt.Errorf("%s needs the simulator: %w%s", command, cluster.ErrWallClock, wallClockAdvice[command])
}

// wallClockAdvice says what to type instead on a real cluster.
var wallClockAdvice = map[string]string{
	"tick":      " (use sleep DURATION or wait COND)",
	"stabilize": " (use wait COND, e.g. wait leader)",
	"msgs":      " (messages go over TCP at once; trace rpc shows them)",
	"deliver":   " (messages go over TCP at once; use cut, partition or link A-B drop=P)",
	"drop":      " (messages go over TCP at once; use cut, partition or link A-B drop=P)",
	"pause":     " (real time cannot be paused)",
	"resume":    " (real time cannot be paused)",
	"speed":     " (real time runs at speed 1)",
}

// holdLive stops live pacing while a line runs (see cluster.Local.HoldLive).
func (s *Session) holdLive() (release func()) {
	if simulated, ok := s.cluster.(cluster.Simulated); ok {
		return simulated.HoldLive()
	}
	return func() {}
}

// onRecord renders one record of the cluster's stream; it runs with the
// cluster locked, so it only formats and writes.
func (s *Session) onRecord(record cluster.Record) {
	s.rendering.Lock()
	var line string
	var summaries []string
	shown := false
	if record.Kind == cluster.RecordEvent {
		s.decisions.add(record)
	}
	if level, known := recordLevel(record); known && level > s.level && !mayRenderEmpty(record) {
		// Not shown: render it only if `events` asks for it.
		if level <= traceRPC {
			s.events.addRecord(record)
		}
		summaries = s.folding.expire(record.Time, false)
	} else {
		var ok bool
		line, level, ok = s.renderer.render(record)
		if ok && level <= traceRPC {
			s.events.add(line)
		}
		shown = ok && level <= s.level
		if shown {
			shown, summaries = s.folding.admit(foldKey(line), record.Time)
		} else {
			summaries = s.folding.expire(record.Time, false)
		}
	}
	s.rendering.Unlock()
	for _, summary := range summaries {
		s.println(summary)
	}
	if shown {
		s.println(line)
	}
}

// flushFolded prints the counts of repeats still held back: a command
// ends with every line it caused accounted for.
func (s *Session) flushFolded() {
	s.rendering.Lock()
	summaries := s.folding.expire(s.cluster.Now(), true)
	s.rendering.Unlock()
	for _, summary := range summaries {
		s.println(summary)
	}
}

// println writes one line to Out: the edge where styled spans become text,
// wrapped to the terminal's width and coloured when asked for (style.go).
func (s *Session) println(line string) {
	width := s.width()
	var out strings.Builder
	for _, one := range strings.Split(line, "\n") {
		spans, hang := parseLine(one)
		if hang < 0 {
			hang = len(one) - len(strings.TrimLeft(one, " ")) + 2
		}
		for _, wrapped := range wrapSpans(spans, width, hang) {
			out.WriteString(ansi(wrapped, s.options.Color))
			out.WriteByte('\n')
		}
	}
	s.output.Lock()
	defer s.output.Unlock()
	_, _ = io.WriteString(s.options.Out, out.String())
}

// SetWidth sets the width output is wrapped to, in columns, over
// Options.Width (the browser sets it from its terminal); 0 goes back to
// Options.Width.
func (s *Session) SetWidth(columns int) {
	s.columns.Store(int64(columns))
}

// width is the width to wrap output to; 0 means no wrapping.
func (s *Session) width() int {
	if columns := s.columns.Load(); columns > 0 {
		return int(columns)
	}
	if s.options.Width != nil {
		return s.options.Width()
	}
	return 0
}

// printf writes one formatted line.
func (s *Session) printf(format string, arguments ...any) {
	s.println(fmt.Sprintf(format, arguments...))
}

// Exec runs one line: a command, several separated by `;`, a comment, or
// nothing. Output and trace lines go to Options.Out.
func (s *Session) Exec(line string) (quit bool, status Status) {
	s.execution.Lock()
	defer s.execution.Unlock()
	return s.exec(line)
}

// Interrupt stops the running command at its next step (Ctrl-C in the
// terminal): a long sleep, wait or stabilize ends where it is, a client
// request gives up waiting. The rest of the line is not run. Safe from any
// goroutine; without a running command it does nothing.
func (s *Session) Interrupt() {
	s.interrupted.Store(true)
	if handle := s.current.Load(); handle != nil {
		handle.cluster.Interrupt()
	}
}

func (s *Session) exec(line string) (bool, Status) {
	// Typed text never carries output's style marks (style.go).
	line = withoutMarks(line)
	// An interrupt that arrived between commands is stale.
	s.interrupted.Store(false)
	s.cluster.Interrupted()
	// Under live pacing the clock stands still while the line runs, so
	// the line runs at one instant, as in a replay of the recording.
	release := s.holdLive()
	defer release()
	started := s.cluster.Now()
	status := StatusOK
	lessonLine := s.lesson != nil
	if lessonLine {
		s.inLesson(line)
	} else {
		status = s.runCommands(line)
	}
	s.flushFolded()
	// A lesson's lines ran on its own clusters: the learner's recording
	// does not replay them.
	if !lessonLine && s.lesson == nil {
		s.recordLine(line, started, status)
	}
	return s.quitting, status
}

// runCommands runs the commands of one line, separated by `;`, stopping at
// the first that is invalid or fails.
func (s *Session) runCommands(line string) Status {
	for _, part := range splitCommands(line) {
		status := s.execOne(part)
		if s.interrupted.Swap(false) {
			s.cluster.Interrupted()
			s.println(errorText("error: interrupted (the clock stopped at " + formatTime(s.cluster.Now()) + ")"))
			s.reportAsynchronous()
			return StatusFailed
		}
		s.reportAsynchronous()
		if status != StatusOK || s.quitting {
			return status
		}
	}
	return StatusOK
}

// Errors that decide a line's status.
type (
	// invalidError: the line is not a valid command (status 2).
	invalidError struct{ message string }
	// failedError: an expect or wait did not hold (status 1).
	failedError struct{ message string }
	// reportedError: the command printed its own error lines already.
	reportedError struct{}
)

func (e *invalidError) Error() string { return e.message }
func (e *failedError) Error() string  { return e.message }
func (e *reportedError) Error() string {
	return "reported"
}

func invalid(format string, arguments ...any) error {
	return &invalidError{fmt.Sprintf(format, arguments...)}
}

func failed(format string, arguments ...any) error {
	return &failedError{fmt.Sprintf(format, arguments...)}
}

// execOne runs one command and prints its error, if any.
func (s *Session) execOne(line string) Status {
	words := strings.Fields(line)
	if len(words) == 0 {
		return StatusOK
	}
	err := s.run(words)
	s.lastFailed = err != nil
	if err == nil {
		return StatusOK
	}
	var invalidLine *invalidError
	var failedCheck *failedError
	var reported *reportedError
	switch {
	case errors.As(err, &reported):
		return StatusOK
	case errors.As(err, &invalidLine):
		s.printError(err)
		return StatusInvalid
	case errors.As(err, &failedCheck):
		s.printError(err)
		return StatusFailed
	}
	s.println(errorText("error: " + err.Error()))
	return StatusOK
}

// printError prints an invalid line or a failed check, with the script's
// line number when a script runs.
func (s *Session) printError(err error) {
	if s.lineNumber > 0 {
		s.println(errorText(fmt.Sprintf("error: line %d: %v", s.lineNumber, err)))
		return
	}
	s.println(errorText("error: " + err.Error()))
}

// run finds the command and runs it.
func (s *Session) run(words []string) error {
	command, err := lookupCommand(words[0])
	if err != nil {
		return err
	}
	return command.Run(s, words[1:])
}

// splitCommands drops a `#` comment and splits on `;`.
func splitCommands(line string) []string {
	if i := strings.IndexByte(line, '#'); i >= 0 {
		line = line[:i]
	}
	return strings.Split(line, ";")
}

// reportAsynchronous brings the cluster's calls and records up to date
// (cluster.Cluster.Collect) and prints the result of every `async` request
// that has finished.
func (s *Session) reportAsynchronous() {
	s.cluster.Collect()
	pending := s.asynchronous[:0]
	for _, call := range s.asynchronous {
		if !call.Done {
			pending = append(pending, call)
			continue
		}
		if call.Err != nil {
			s.println(errorText(fmt.Sprintf("error: %s: %v", describeCall(call), call.Err)))
			s.asynchronousFailed = true
			continue
		}
		s.println(callResult(call))
	}
	s.asynchronous = pending
}

// nodeNames lists the cluster's nodes as "n1 n2 n3".
func (s *Session) nodeNames() string {
	names := make([]string, s.cluster.Size())
	for i := range names {
		names[i] = raft.NodeID(i + 1).String()
	}
	return strings.Join(names, " ")
}

// rememberKey makes a key available to completion.
func (s *Session) rememberKey(key string) {
	s.completion.Lock()
	defer s.completion.Unlock()
	s.completionKeys.Add(key)
}
