package cluster

import (
	"fmt"

	"raftctl/raft"
	"raftctl/store"
)

// A leader race, in the campaigns that focus on reads: the moment a node
// wins an election while a leader of an older term still runs (it has not
// heard of the new term yet), one client writes through the new leader
// and, once that write is acknowledged, reads the same key from the old
// leader without the log, as two clients with different ideas of who leads
// would. A lease read must not answer there with the old value (thesis
// §6.4.1): the old leader's lease is trustworthy only if no one could have
// been elected while it held, which the §4.2.3 rule ensures.

type leaderRace struct {
	// clientID is the client the race's writes use, one of its own.
	clientID uint64
	// deposed and newest are the leaders of the race being run, or none.
	deposed, newest NodeID
	// write goes through the newest leader; reads follow at the deposed one.
	write *Call
	reads []*Call
	// started counts races, to make each write's value unique.
	started int
}

// observe notices an election won while an older leader still runs.
func (race *leaderRace) observe(c *Local, record Record) {
	if race.deposed != raft.None || record.Kind != RecordEvent ||
		record.Event.Kind != raft.EventRoleChanged || record.Event.Role != raft.Leader {
		return
	}
	deposed := c.deposedLeader()
	if deposed != raft.None && deposed != record.Node {
		race.deposed, race.newest = deposed, record.Node
	}
}

// due reports whether the race has something to start or collect.
func (race *leaderRace) due() bool {
	if race.deposed == raft.None {
		return false
	}
	if race.write == nil || race.write.Done {
		return true
	}
	return false
}

// step starts the race's write, then its reads, and returns the calls that
// finished (for the campaign's counts and its list of acknowledged writes).
func (race *leaderRace) step(c *Local) []*Call {
	if race.deposed == raft.None {
		return nil
	}
	var finished []*Call
	switch {
	case race.write == nil:
		race.started++
		key := fmt.Sprintf("k%d", race.started%readLoad.keys)
		command := store.Command{Op: store.OpPut, Key: key, Value: fmt.Sprintf("race-%d", race.started)}
		race.write, _ = c.submit(race.clientID, command, race.newest)
		if race.write == nil {
			race.reset()
		}
	case race.write.Done && race.reads == nil:
		finished = append(finished, race.write)
		if race.write.Err != nil {
			race.reset()
			break
		}
		key := race.write.Command.Key
		race.reads = []*Call{c.submitRead(key, race.deposed, ReadLease), c.submitRead(key, race.deposed, ReadIndex)}
	default:
		// The reads run on as concurrent clients; the next race starts
		// with the next election.
		race.reset()
	}
	return finished
}

func (race *leaderRace) reset() {
	race.deposed, race.newest, race.write, race.reads = raft.None, raft.None, nil, nil
}
