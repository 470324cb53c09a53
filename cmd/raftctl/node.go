package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"raftctl/cluster"
	"raftctl/net/tcp"
)

// nodeFlags are the flags of `raftctl node`.
type nodeFlags struct {
	id, listen, peers, dataDir, secretFile string
	tick                                   time.Duration
	preVote, checkQuorum, noop, hint       bool
	stickiness                             bool
	logFormat, logLevel                    string
	// exitWithStdin stops the node when its stdin closes: the REPL that
	// spawned it holds the other end, so the node ends when the REPL
	// does, however it ends (even killed).
	exitWithStdin bool
}

func newNodeCommand(streams streams) *cobra.Command {
	flags := &nodeFlags{}
	defaults := cluster.DefaultSettings()
	command := &cobra.Command{
		Use:   "node",
		Short: "Run one real Raft node (on a Raspberry Pi, or any machine)",
		Long: `Run one node of a real cluster: the Raft core, its log in a bbolt file in
--data, the TCP transport to the other nodes, and a 10 ms wall-clock tick.
Every connection, between nodes and from a REPL, is authenticated with the
cluster secret (make one with 'raftctl node init'). The same address serves
peers and control clients: 'raftctl repl --cluster ...' drives the cluster.

Logs are structured (slog) on stderr. SIGTERM or SIGINT stops the node
cleanly (its bbolt file is closed).`,
		Example: `  raftctl node init --secret-file cluster.secret
  raftctl node --id n1 --listen :7400 --peers n1=pi1:7400,n2=pi2:7400,n3=pi3:7400 \
      --data /var/lib/raftctl --secret-file cluster.secret`,
		Args: noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			return runNode(flags, streams)
		},
	}
	set := command.Flags()
	set.StringVar(&flags.id, "id", "", "this node's name, n1 to n9 (required)")
	set.StringVar(&flags.listen, "listen", ":7400", "`ADDRESS` to listen on, for peers and control clients")
	set.StringVar(&flags.peers, "peers", "", "every node's address, this one included: n1=HOST:PORT,n2=HOST:PORT,... (required)")
	set.StringVar(&flags.dataDir, "data", "", "`DIR` for this node's bbolt file (required)")
	set.StringVar(&flags.secretFile, "secret-file", "", "`FILE` holding the cluster secret, from raftctl node init (required)")
	set.DurationVar(&flags.tick, "tick", 10*time.Millisecond, "length of one core tick (elections 150-300 ms and heartbeats 50 ms stay as they are)")
	set.BoolVar(&flags.preVote, "prevote", defaults.PreVote, "PreVote before elections (thesis §9.6)")
	set.BoolVar(&flags.checkQuorum, "checkquorum", defaults.CheckQuorum, "leaders step down without a quorum (thesis §6.2)")
	set.BoolVar(&flags.noop, "noop", defaults.LeaderNoop, "new leaders append a no-op entry (thesis §6.4)")
	set.BoolVar(&flags.hint, "hint", defaults.ConflictHint, "conflict hints for fast log repair (thesis §3.5)")
	set.BoolVar(&flags.stickiness, "stickiness", defaults.Stickiness, "followers that hear a leader refuse votes (thesis §4.2.3); lease reads need it")
	set.StringVar(&flags.logFormat, "log-format", "text", "log format: text or json")
	set.StringVar(&flags.logLevel, "log-level", "info", "log level: debug (every decision), info, warn or error")
	set.BoolVar(&flags.exitWithStdin, "exit-with-stdin", false, "stop when stdin closes (raftctl repl --spawn uses it)")
	_ = set.MarkHidden("exit-with-stdin")
	command.AddCommand(newNodeInitCommand(streams))
	return command
}

func newNodeInitCommand(streams streams) *cobra.Command {
	var secretFile string
	command := &cobra.Command{
		Use:   "init",
		Short: "Write a new cluster secret",
		Long: `Write a new random cluster secret to --secret-file, readable by its owner
only (mode 0600). It never overwrites a file. Copy the same file to every
node and to every machine that runs the REPL.`,
		Example: `  raftctl node init --secret-file cluster.secret`,
		Args:    noArguments,
		RunE: func(command *cobra.Command, _ []string) error {
			if secretFile == "" {
				return usageErrorf("--secret-file is required: where to write the secret")
			}
			secret, err := tcp.GenerateSecret()
			if err != nil {
				return err
			}
			if err := tcp.WriteSecretFile(secretFile, secret); err != nil {
				return err
			}
			fmt.Fprintf(streams.Out, "wrote a new cluster secret to %s (mode 0600): copy it to every node and REPL machine\n", secretFile)
			return nil
		},
	}
	command.Flags().StringVar(&secretFile, "secret-file", "", "`FILE` to write the secret to (must not exist)")
	return command
}

func runNode(flags *nodeFlags, streams streams) error {
	for _, required := range []struct{ name, value string }{
		{"--id", flags.id}, {"--peers", flags.peers}, {"--data", flags.dataDir}, {"--secret-file", flags.secretFile},
	} {
		if required.value == "" {
			return usageErrorf("%s is required (see raftctl node --help)", required.name)
		}
	}
	id, err := parseNodeName(flags.id)
	if err != nil {
		return usageErrorf("--id: %v", err)
	}
	peers, err := parseNodeAddresses("--peers", flags.peers)
	if err != nil {
		return err
	}
	if _, ok := peers[id]; !ok {
		return usageErrorf("--peers does not name %v: list every node, this one included", id)
	}
	logger, err := newNodeLogger(flags, streams.Err)
	if err != nil {
		return err
	}
	secret, err := tcp.ReadSecretFile(flags.secretFile)
	if err != nil {
		return err
	}
	settings := cluster.DefaultSettings()
	settings.Tick = flags.tick
	settings.PreVote, settings.CheckQuorum, settings.LeaderNoop = flags.preVote, flags.checkQuorum, flags.noop
	settings.ConflictHint, settings.Stickiness = flags.hint, flags.stickiness
	if err := settings.Validate(); err != nil {
		return usageErrorf("--tick %v: %v", flags.tick, err)
	}

	stop, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	node, err := cluster.StartNode(cluster.NodeOptions{ID: id, Listen: flags.listen, Peers: peers,
		DataDir: flags.dataDir, Secret: secret, Settings: settings, Logger: logger})
	if err != nil {
		return fmt.Errorf("cannot start %v: %w", id, err)
	}
	if flags.exitWithStdin {
		stdinClosed := make(chan struct{})
		go func() {
			_, _ = io.Copy(io.Discard, streams.In)
			close(stdinClosed)
		}()
		go func() {
			<-stdinClosed
			logger.Info("stdin closed: the REPL that started this node is gone")
			cancel()
		}()
	}
	<-stop.Done()
	logger.Info("stopping", "node", id.String())
	return node.Close()
}

// newNodeLogger builds the node's structured logger on stderr.
func newNodeLogger(flags *nodeFlags, stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(flags.logLevel)); err != nil {
		return nil, usageErrorf("--log-level %q: want debug, info, warn or error", flags.logLevel)
	}
	options := &slog.HandlerOptions{Level: level}
	switch flags.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(stderr, options)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(stderr, options)), nil
	}
	return nil, usageErrorf("--log-format %q: want text or json", flags.logFormat)
}
