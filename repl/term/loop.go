//go:build !js

package term

import (
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	prompt "github.com/c-bata/go-prompt"
	"golang.org/x/term"

	"raftctl/repl"
)

// loop is one go-prompt session around a repl.Session.
type loop struct {
	session *repl.Session
	options Options
	output  *Output
	writer  *gatedWriter
	// executing is held while a command runs, so a signal can wait for it.
	executing sync.Mutex
	// quit is set by the executor when the session says `quit`; only
	// go-prompt's goroutine touches it.
	quit bool
	// historyWarned keeps a broken history file to one warning.
	historyWarned bool
	// stdin and saved: the terminal and the state it was found in, put
	// back while a command runs.
	stdin int
	saved *term.State
}

func newLoop(session *repl.Session, options Options) *loop {
	return &loop{
		session: session,
		options: options,
		output:  options.Output,
		writer:  newGatedWriter(prompt.NewStdoutWriter()),
	}
}

// run builds the prompt and runs it to the end. A panic, of go-prompt or of
// a command, becomes a *PanicError after the terminal is restored.
func (l *loop) run(stdin int, saved *term.State) (err error) {
	l.stdin, l.saved = stdin, saved
	defer func() {
		if value := recover(); value != nil {
			_ = term.Restore(stdin, saved)
			err = &PanicError{Value: value, Stack: debug.Stack()}
		}
	}()
	history, historyErr := loadHistory(l.options.HistoryPath)
	if historyErr != nil {
		l.warnHistory(historyErr)
	}
	if l.output != nil {
		l.output.hold()
	}
	prompt.New(l.execute, l.complete, l.promptOptions(history)...).Run()
	if l.quit {
		// After `quit`, go-prompt has drawn one more prompt before leaving:
		// erase it, so the shell's prompt starts on a clean line.
		l.writer.WriteRawStr("\r")
		l.writer.EraseLine()
		return l.writer.Flush()
	}
	return nil
}

func (l *loop) promptOptions(history []string) []prompt.Option {
	options := []prompt.Option{
		prompt.OptionPrefix(Prompt),
		prompt.OptionLivePrefix(func() (string, bool) { return l.prefix(), true }),
		prompt.OptionWriter(l.writer),
		prompt.OptionHistory(history),
		prompt.OptionSetExitCheckerOnInput(func(_ string, afterCommand bool) bool {
			return afterCommand && l.quit
		}),
	}
	var parser prompt.ConsoleParser = &lineSplittingParser{ConsoleParser: prompt.NewStandardInputParser()}
	if l.output != nil {
		parser = &wakingParser{ConsoleParser: parser, output: l.output}
		shower := &outputShower{writer: l.writer, output: l.output, prefix: l.prefix, columns: terminalColumns}
		options = append(options, prompt.OptionAddASCIICodeBind(shower.binding()))
	}
	options = append(options, prompt.OptionParser(parser))
	if !l.options.Color {
		options = append(options, plainColors()...)
	}
	return options
}

// execute runs one line; go-prompt has put the cursor on the line below the
// command.
func (l *loop) execute(line string) {
	l.executing.Lock()
	defer l.executing.Unlock()
	// go-prompt's "cooked mode" is raw (its saved copy of the terminal
	// state is the one it made raw, PITFALLS): put back the state the
	// terminal was found in, so Ctrl-C is SIGINT and interrupts the
	// command. go-prompt makes the terminal raw again afterwards.
	if l.saved != nil {
		if raw, err := term.GetState(l.stdin); err == nil {
			_ = term.Restore(l.stdin, l.saved)
			// Raw again before go-prompt draws the next prompt (it draws,
			// then sets raw mode): keys typed at a prompt in cooked mode
			// would be echoed and line-buffered by the terminal instead.
			defer func() { _ = term.Restore(l.stdin, raw) }()
		}
	}
	if l.output != nil {
		_ = l.output.release()
		defer l.output.hold()
	}
	line = strings.TrimSpace(line)
	// An empty line is Enter: it moves a lesson on, and does nothing
	// otherwise; it is not history.
	if line != "" {
		if err := appendHistory(l.options.HistoryPath, line); err != nil {
			l.warnHistory(err)
		}
	}
	// The session prints its own results and errors; the status matters
	// only to scripts.
	if l.options.Execute != nil {
		l.quit = l.options.Execute(line)
		return
	}
	quit, _ := l.session.Exec(line)
	l.quit = quit
}

// prefix is the prompt: the session's (a lesson's) or raftctl's.
func (l *loop) prefix() string {
	if prefix := l.session.Prompt(); prefix != "" {
		return prefix
	}
	return Prompt
}

// complete offers the session's completions for the word before the cursor.
// go-prompt calls it on every keystroke; on an empty line it offers nothing,
// so the menu does not cover the screen before the user types.
func (l *loop) complete(document prompt.Document) []prompt.Suggest {
	line := document.TextBeforeCursor()
	if strings.TrimSpace(line) == "" {
		return nil
	}
	words := l.session.Complete(line)
	suggestions := make([]prompt.Suggest, 0, len(words))
	for _, word := range words {
		suggestions = append(suggestions, prompt.Suggest{Text: word})
	}
	return suggestions
}

func (l *loop) warnHistory(err error) {
	if l.historyWarned {
		return
	}
	l.historyWarned = true
	fmt.Fprintf(l.options.Errors, "raftctl: history is not saved: %v\r\n", err)
}

// terminalColumns is the width of the terminal on stdout, 0 if unknown.
func terminalColumns() int {
	columns, _, err := term.GetSize(int(os.Stdout.Fd()))
	if err != nil {
		return 0
	}
	return columns
}

// plainColors sets every colour go-prompt uses to the terminal's default.
func plainColors() []prompt.Option {
	plain := prompt.DefaultColor
	return []prompt.Option{
		prompt.OptionPrefixTextColor(plain),
		prompt.OptionPrefixBackgroundColor(plain),
		prompt.OptionInputTextColor(plain),
		prompt.OptionInputBGColor(plain),
		prompt.OptionPreviewSuggestionTextColor(plain),
		prompt.OptionPreviewSuggestionBGColor(plain),
		prompt.OptionSuggestionTextColor(plain),
		prompt.OptionSuggestionBGColor(plain),
		prompt.OptionSelectedSuggestionTextColor(plain),
		prompt.OptionSelectedSuggestionBGColor(plain),
		prompt.OptionDescriptionTextColor(plain),
		prompt.OptionDescriptionBGColor(plain),
		prompt.OptionSelectedDescriptionTextColor(plain),
		prompt.OptionSelectedDescriptionBGColor(plain),
		prompt.OptionScrollbarThumbColor(plain),
		prompt.OptionScrollbarBGColor(plain),
	}
}
