package lessons

// Sections are the thesis sections a lesson may cite, with their titles,
// from Diego Ongaro's thesis "Consensus: Bridging Theory and Practice"
// (Stanford, 2014), as numbered in its compiled table of contents (the
// author's LaTeX source, compiled; cross-checked against implementations
// that cite it). Subsections whose titles were not verified
// (§5.3.1-§5.3.3, §5.4.1-§5.4.2, §9.1-§9.5) are left out on purpose: a
// lesson that needs one adds it here with its exact title.
var Sections = map[string]string{
	"3.1":    "Designing for understandability",
	"3.2":    "Raft overview",
	"3.3":    "Raft basics",
	"3.4":    "Leader election",
	"3.5":    "Log replication",
	"3.6":    "Safety",
	"3.6.1":  "Election restriction",
	"3.6.2":  "Committing entries from previous terms",
	"3.6.3":  "Safety argument",
	"3.7":    "Follower and candidate crashes",
	"3.8":    "Persisted state and server restarts",
	"3.9":    "Timing and availability",
	"3.10":   "Leadership transfer extension",
	"3.11":   "Conclusion",
	"4.1":    "Safety",
	"4.2":    "Availability",
	"4.2.1":  "Catching up new servers",
	"4.2.2":  "Removing the current leader",
	"4.2.3":  "Disruptive servers",
	"4.2.4":  "Availability argument",
	"4.3":    "Arbitrary configuration changes using joint consensus",
	"4.4":    "System integration",
	"4.5":    "Conclusion",
	"5.1":    "Snapshotting memory-based state machines",
	"5.1.1":  "Snapshotting concurrently",
	"5.1.2":  "When to snapshot",
	"5.1.3":  "Implementation concerns",
	"5.2":    "Snapshotting disk-based state machines",
	"5.3":    "Incremental cleaning approaches",
	"5.4":    "Alternative: leader-based approaches",
	"5.5":    "Conclusion",
	"6.1":    "Finding the cluster",
	"6.2":    "Routing requests to the leader",
	"6.3":    "Implementing linearizable semantics",
	"6.4":    "Processing read-only queries more efficiently",
	"6.4.1":  "Using clocks to reduce messaging for read-only queries",
	"6.5":    "Conclusion",
	"9.6":    "Preventing disruptions when a server rejoins the cluster",
	"9.7":    "Conclusion",
	"10.1":   "Implementation",
	"10.2.1": "Writing to the leader's disk in parallel",
	"10.2.2": "Batching and pipelining",
	"10.3":   "Preliminary performance results",
	"10.4":   "Conclusion",
}

// Figures are the thesis figures a lesson may cite, with the section each
// belongs to as THESIS.md places it (thesis numbering; the paper numbers them differently, e.g.
// thesis Fig. 3.7 is the paper's Figure 8).
var Figures = map[string]string{
	"3.1":  "3.2",
	"3.2":  "3.2",
	"3.3":  "3.3",
	"3.4":  "3.3",
	"3.5":  "3.5",
	"3.6":  "3.5",
	"3.7":  "3.6.2",
	"3.8":  "3.6.3",
	"4.2":  "4.1",
	"4.3":  "4.1",
	"4.4":  "4.2.1",
	"4.5":  "4.2.1",
	"4.6":  "4.2.2",
	"4.7":  "4.2.3",
	"4.8":  "4.3",
	"5.2":  "5.1",
	"5.3":  "5.1",
	"6.1":  "6.2",
	"6.2":  "6.3",
	"6.3":  "6.4.1",
	"10.2": "10.2.1",
}

// SectionTitle is "§3.6.2 Committing entries from previous terms", or just
// "§3.6.2" for a section missing from Sections.
func SectionTitle(section string) string {
	if title, known := Sections[section]; known {
		return "§" + section + " " + title
	}
	return "§" + section
}
