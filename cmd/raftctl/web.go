package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"raftctl/wasm/site"
)

// webFlags are the flags of `raftctl web`.
type webFlags struct {
	address string
	export  string
}

func newWebCommand(streams streams) *cobra.Command {
	flags := &webFlags{}
	command := &cobra.Command{
		Use:   "web",
		Short: "The REPL and a live picture of the cluster in a browser tab",
		Long: `Serve the raftctl web page: the same console as raftctl repl (commands,
lessons, checkers) running in the browser as WebAssembly, beside a picture of
the cluster (nodes, links, messages in flight, logs) whose buttons type their
commands into the console. The page is embedded in this binary and makes no
request elsewhere; the cluster runs in the tab, and its nodes keep their state
in the browser's storage, so a reload brings the cluster back.

--export DIR writes the page as a static site instead, for any web server
that serves .wasm files as application/wasm.`,
		Example: `  raftctl web
  raftctl web --addr 127.0.0.1:9000
  raftctl web --export site/`,
		Args: noArguments,
		RunE: func(command *cobra.Command, args []string) error {
			return runWeb(command.Context(), flags, streams)
		},
	}
	set := command.Flags()
	set.StringVar(&flags.address, "addr", "127.0.0.1:8080", "listen on `HOST:PORT` (port 0 picks a free one)")
	set.StringVar(&flags.export, "export", "", "write the page to `DIR` as a static site, and serve nothing")
	return command
}

func runWeb(ctx context.Context, flags *webFlags, streams streams) error {
	files, err := site.Files()
	if err != nil {
		return err
	}
	if flags.export != "" {
		if err := site.Export(files, flags.export); err != nil {
			return fmt.Errorf("export: %w", err)
		}
		fmt.Fprintf(streams.Out, "wrote the page to %s (serve it with any web server; open index.html through it)\n", flags.export)
		return nil
	}
	listener, err := net.Listen("tcp", flags.address)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %w (try --addr 127.0.0.1:0 for a free port)", flags.address, err)
	}
	server := &http.Server{Handler: webHandler(files), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(streams.Out, "raftctl web: open http://%s/ (Ctrl-C stops)\n", listener.Addr())
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- server.Serve(listener) }()
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
		shutdown, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := server.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}

// webHandler serves the page's files. The browser is told not to keep
// stale copies, so a new build shows at the next reload.
func webHandler(files fs.FS) http.Handler {
	fileServer := http.FileServerFS(files)
	return http.HandlerFunc(func(writer http.ResponseWriter, request *http.Request) {
		writer.Header().Set("Cache-Control", "no-cache")
		writer.Header().Set("X-Content-Type-Options", "nosniff")
		fileServer.ServeHTTP(writer, request)
	})
}
