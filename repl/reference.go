package repl

import (
	"fmt"
	"strings"
)

// Reference renders the command table as Markdown: the generated command
// reference in docs/commands.md (a test keeps them equal).
func Reference() string {
	var builder strings.Builder
	builder.WriteString("# raftctl command reference\n\n")
	builder.WriteString("Generated from the command table in repl/ (`go test ./repl -update` rewrites it); do not edit by hand.\n")
	for _, group := range groups {
		fmt.Fprintf(&builder, "\n## %s\n\n| command | meaning | thesis | example |\n| --- | --- | --- | --- |\n", group)
		for _, command := range commands {
			if command.Group != group {
				continue
			}
			usage := "`" + escapeBars(command.Usage) + "`"
			for _, alias := range command.Aliases {
				usage += " (alias `" + alias + "`)"
			}
			fmt.Fprintf(&builder, "| %s | %s | %s | `%s` |\n", usage, escapeBars(command.Summary), command.Section, escapeBars(command.Example))
		}
	}
	builder.WriteString("\n## Options of set and cluster\n\n| option | meaning | thesis | example value |\n| --- | --- | --- | --- |\n")
	for _, option := range options {
		fmt.Fprintf(&builder, "| `%s` | %s | %s | `%s` |\n", option.name, option.meaning, option.section, option.values[0])
	}
	return builder.String()
}

func escapeBars(text string) string { return strings.ReplaceAll(text, "|", `\|`) }
