package workload

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
	"unicode/utf8"
)

// WriteJSON writes the report as indented JSON (durations in nanoseconds).
func (r *Report) WriteJSON(w io.Writer) error {
	encoder := json.NewEncoder(w)
	encoder.SetIndent("", "  ")
	return encoder.Encode(r)
}

// Write prints the report as two aligned tables: the medians of every
// target at every load, then the ratios.
func (r *Report) Write(w io.Writer) error {
	var text strings.Builder
	warmup := "no warm-up"
	if r.Warmup > 0 {
		warmup = fmt.Sprintf("after a warm-up of %.0f%% more", 100*r.Warmup)
	}
	fmt.Fprintf(&text, "3 nodes in one process, 16-byte puts; medians of %d interleaved rounds of %d commands (%d on disk, at least %d times the load), %s; GOMAXPROCS %d\n\n",
		r.Rounds, r.Operations, r.DurableOperations, durableWindows, warmup, r.GOMAXPROCS)
	figures := [][]string{{"target", "in flight", "ops/s", "p50", "p99", "allocs/op", "B/op"}}
	for _, load := range r.InFlight {
		for _, m := range r.Measurements {
			if m.InFlight != load {
				continue
			}
			figures = append(figures, []string{m.Target, fmt.Sprint(m.InFlight), fmt.Sprintf("%.0f", m.OpsPerSecond),
				FormatDuration(m.P50), FormatDuration(m.P99), fmt.Sprintf("%.1f", m.AllocsPerOp), fmt.Sprintf("%.0f", m.BytesPerOp)})
		}
	}
	writeTable(&text, figures, 1)
	if len(r.Ratios) > 0 {
		text.WriteString("\nratios, median of the rounds' ratios; above 1, the first is better (throughput: ops/s ÷ ops/s; p99: the second's p99 ÷ the first's); * misses its goal\n\n")
		header := []string{"ratio"}
		for _, load := range r.InFlight {
			header = append(header, fmt.Sprintf("%d in flight", load))
		}
		header = append(header, "goal")
		rows := [][]string{header}
		row := map[string][]string{}
		var order []string
		for _, ratio := range r.Ratios {
			name := fmt.Sprintf("%s ÷ %s", ratio.Of, ratio.Over)
			if ratio.Quantity == P99 {
				name = fmt.Sprintf("p99: %s ÷ %s", ratio.Over, ratio.Of)
			}
			if _, ok := row[name]; !ok {
				order = append(order, name)
				row[name] = make([]string, len(r.InFlight)+1)
			}
			cells := row[name]
			for i, load := range r.InFlight {
				if load != ratio.InFlight {
					continue
				}
				cells[i] = Times(ratio.Value)
				if ratio.Goal > 0 {
					if !ratio.Met() {
						cells[i] += " *"
					}
					if goal := fmt.Sprintf("≥ %s", Times(ratio.Goal)); !strings.HasPrefix(cells[len(cells)-1], goal) {
						cells[len(cells)-1] = strings.TrimSpace(cells[len(cells)-1] + " " + goal)
					}
				}
			}
		}
		for _, name := range order {
			cells := row[name]
			for i := range cells[:len(cells)-1] {
				if cells[i] == "" {
					cells[i] = "-"
				}
			}
			rows = append(rows, append([]string{name}, cells...))
		}
		writeTable(&text, rows, 0)
	}
	_, err := io.WriteString(w, text.String())
	return err
}

// writeTable writes rows as columns two spaces apart: the first names
// columns aligned left, the others (numbers) aligned right.
func writeTable(text *strings.Builder, rows [][]string, names int) {
	var widths []int
	for _, row := range rows {
		for i, cell := range row {
			if i == len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, cell := range row {
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i > 0 {
				line.WriteString("  ")
			}
			if i <= names || i == len(row)-1 && names == 0 {
				line.WriteString(cell + pad)
			} else {
				line.WriteString(pad + cell)
			}
		}
		text.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// Times formats a ratio as "2.50x", or "-" when it is not a number.
func Times(ratio float64) string {
	if math.IsNaN(ratio) || math.IsInf(ratio, 0) || ratio == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", ratio)
}

// FormatDuration prints a latency with three significant digits.
func FormatDuration(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.3gs", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.3gms", float64(d)/float64(time.Millisecond))
	default:
		return fmt.Sprintf("%.3gµs", float64(d)/float64(time.Microsecond))
	}
}
