// Package lessons holds raftctl's guided lessons and the runner that plays
// them.
//
// A lesson walks a learner through one rule of Raft on a real cluster:
// short explanations, predictions to answer before the cluster shows the
// answer, and commands to type whose effect is checked. Each lesson is a
// text file under files/, embedded in the binary; adding a lesson means
// adding a file. The files are named NN-name.lesson, and NN fixes the
// teaching order of All.
//
// # The lesson file format
//
// A lesson file is plain text. A line starting with "#" is a comment. The
// file opens with a header of "key: value" lines:
//
//	lesson: prevote                  the name the learner types
//	title: PreVote: rejoining without disruption
//	section: §9.6                    the thesis section taught (see Sections)
//	summary: One or two sentences.
//	setup: cluster 3 seed=1 prevote=off checkquorum=off noop=off hint=off inflight=1
//	setup: campaign n1; stabilize    one REPL line each, run in order
//
// Then come the steps, each opened by a line "--- KIND: title" (the title
// is optional), and finally one "--- recap" part. Inside a step, lines
// that are not fields are prose: lines join into paragraphs, a blank line
// ends a paragraph, a line starting with "- " starts a list item, and
// lines starting with "|" are printed as they are (without the bar), for
// small diagrams. Prose is wrapped at 76 columns when printed, never
// inside a `code span`. A field is "key: value" with a key the step kind
// knows; an indented line right after a field continues it (fields that
// hold REPL lines do not continue: one REPL line each). Cite the thesis as
// (thesis §3.6.2) or (thesis Fig. 3.7): Validate checks every citation
// against Sections and Figures.
//
// The step kinds and their fields:
//
//	--- narrative      prose; Enter goes on
//	run: LINE          REPL lines run after the prose (repeatable)
//
//	--- predict        prose is the question
//	a) choice          multiple-choice answers a), b), c)... in order; without
//	b) choice            choices, the answer is a whole number
//	answer: b          the expected answer
//	explain: ...       shown after the learner answers, right or wrong
//	hint: ...          optional, shown on `hint`
//	run: LINE          REPL lines that show the answer on the cluster, run
//	                     after the explanation (repeatable)
//	expect: COND       conditions that must hold after the run lines
//
//	--- try            prose says what to do and why (optional)
//	command: LINE      the REPL line(s) the learner should type, in order
//	expect: COND       conditions that must all hold once they have
//	hint: ...          shown on `hint`
//	explain: ...       shown when the learner typed the last command and a
//	                     condition still does not hold
//
// COND is anything the REPL's expect command takes: "leader n2",
// "leader any", "leader not n1" (where the seed picks the node),
// "role n1 follower", "term n3 >2", "committed n2 1", "value x 1 @n3",
// "down n1", "safe", or "error" (the last command failed). A setup or run
// line that starts with "-" may print an error (a client timeout the
// lesson shows on purpose); any other line that prints one is a mistake
// in the lesson, and Auto reports it.
//
// # The runner
//
// Start prints a lesson's introduction, runs its setup on a Console (the
// REPL session) and shows the first step; the REPL then passes every line
// the learner types to Runner.Input until Done. The runner is a line-driven
// state machine, so a terminal, a script and a browser drive it the same
// way. Besides REPL commands, which run on the cluster at any step, the
// learner may type:
//
//	hint      a hint for the current step
//	skip      move on; a prediction shows its answer, a try step runs its
//	          commands so the next step finds the cluster as it expects
//	again     set the cluster up as the current step began (after exploring)
//	back      return to the previous step, rebuilding the cluster by running
//	          the setup and the earlier steps' commands again
//	continue  on the first step, go on at the step reached last time
//	restart   start the lesson over (restart NODE is still the REPL command)
//	quit      leave the lesson (exit works too)
//	help      these words (help COMMAND is still the REPL's help)
//
// Auto plays a lesson alone with the expected answers and commands and
// checks every expectation: the package tests run every lesson that way on
// a real REPL session, twice, and compare the transcripts byte for byte.
// LoadProgress and MarkCompleted keep the names of completed lessons in a
// small file in the caller's state directory; LoadSteps and SaveStep keep
// the step reached in each unfinished one (StartAt's Place).
//
// A chapter-3 lesson (section 3.x) teaches basic Raft, thesis Fig. 3.1: its
// first cluster line names every extension (prevote, checkquorum, noop,
// hint, inflight), Validate checks it, and the introduction tells the
// learner which are on. A line the learner types on a try step that is not
// one of its commands still runs, and the runner says what the step waits
// for.
package lessons
