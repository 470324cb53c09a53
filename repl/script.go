package repl

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// RunScript runs a script (COMMANDS.md, script mode): each command is
// echoed as "> command" before its output. It stops at the first invalid
// line (status 2) or failed expect or wait (status 1; with keepGoing it
// runs on and returns 1 at the end).
func (s *Session) RunScript(in io.Reader, keepGoing bool) Status {
	s.execution.Lock()
	defer s.execution.Unlock()
	defer func() { s.lineNumber = 0 }()
	scanner := bufio.NewScanner(in)
	scanner.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	result := StatusOK
	for number := 1; scanner.Scan(); number++ {
		line := strings.TrimSpace(scanner.Text())
		command := line
		if i := strings.IndexByte(command, '#'); i >= 0 {
			command = strings.TrimSpace(command[:i])
		}
		// A blank line is Enter: it moves a lesson on, and does nothing
		// otherwise. A comment is nothing in both.
		if command == "" && (s.lesson == nil || line != "") {
			continue
		}
		s.println(strings.TrimRight("> "+command, " "))
		s.lineNumber = number
		quit, status := s.exec(command)
		switch status {
		case StatusInvalid:
			return StatusInvalid
		case StatusFailed:
			if !keepGoing {
				return StatusFailed
			}
			result = StatusFailed
		}
		if quit {
			break
		}
	}
	if err := scanner.Err(); err != nil {
		s.println(errorText(fmt.Sprintf("error: reading the script: %v", err)))
		return StatusInvalid
	}
	return result
}
