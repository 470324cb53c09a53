package repl

import (
	"errors"
	"fmt"
	"strings"

	"raftctl/cluster"
	"raftctl/raft"
	"raftctl/store"
)

func clientCommands() []Command {
	return []Command{
		{
			Name: "put", Usage: "put KEY VALUE [@NODE] [async]", Group: groupClients, Section: "§6.2",
			Summary: "Write KEY=VALUE. The client finds the leader, following hints, until the write is applied or the client timeout passes; " +
				"@NODE asks only NODE; async proposes and returns at once, printing the result when it finishes.",
			Example:   "put x 1",
			Arguments: []Argument{{Kind: ArgumentKey}, {Kind: ArgumentFree}, {Kind: ArgumentWords, Words: []string{"async"}}},
			Run:       func(s *Session, arguments []string) error { return runClient(s, store.OpPut, arguments) },
		},
		{
			Name: "get", Usage: "get KEY [@NODE] [read=index|lease|local]", Group: groupClients, Section: "§6.3",
			Summary: "Read KEY with the same client rules; the default goes through the log (linearizable, §6.3), " +
				"read=index has the leader confirm with a heartbeat round (§6.4), read=lease trusts the leader's lease (§6.4.1; needs stickiness on, §4.2.3), " +
				"read=local asks one node's state machine (fast, maybe stale).",
			Example:   "get x @n2 read=local",
			Arguments: []Argument{{Kind: ArgumentKey}, {Kind: ArgumentWords, Words: []string{"read=local", "read=index", "read=lease"}}},
			Run:       func(s *Session, arguments []string) error { return runClient(s, store.OpGet, arguments) },
		},
		{
			Name: "del", Usage: "del KEY [@NODE] [async]", Group: groupClients, Section: "§6.2",
			Summary:   "Delete KEY, with the same client rules as put.",
			Example:   "del x",
			Arguments: []Argument{{Kind: ArgumentKey}, {Kind: ArgumentWords, Words: []string{"async"}}},
			Run:       func(s *Session, arguments []string) error { return runClient(s, store.OpDelete, arguments) },
		},
	}
}

// clientRequest is a parsed put, get or del.
type clientRequest struct {
	command      store.Command
	at           raft.NodeID
	asynchronous bool
	read         string
}

func (s *Session) parseClientRequest(op store.Op, arguments []string) (clientRequest, error) {
	name := op.String()
	request := clientRequest{command: store.Command{Op: op}, read: "log"}
	positional := 1
	if op == store.OpPut {
		positional = 2
	}
	if len(arguments) < positional {
		return request, usageError(name)
	}
	request.command.Key = arguments[0]
	if op == store.OpPut {
		request.command.Value = arguments[1]
	}
	for _, word := range arguments[positional:] {
		switch {
		case strings.HasPrefix(word, "@"):
			id, err := s.parseNode(word[1:])
			if err != nil {
				return request, err
			}
			request.at = id
		case word == "async" && op != store.OpGet:
			request.asynchronous = true
		case strings.HasPrefix(word, "read=") && op == store.OpGet:
			request.read = strings.TrimPrefix(word, "read=")
			if !containsWord([]string{"index", "lease", "local"}, request.read) {
				return request, invalid("%s: want read=index, read=lease or read=local, e.g. get x @n2 read=local", word)
			}
		default:
			return request, invalid("%s: unexpected %q (usage: %s)", name, word, commandUsage(name))
		}
	}
	if err := request.command.Validate(); err != nil {
		return request, invalid("%v", err)
	}
	if request.read == "local" && request.at == raft.None {
		return request, invalid("get %s read=local: name the node to read from, e.g. get %s @n2 read=local", request.command.Key, request.command.Key)
	}
	return request, nil
}

func commandUsage(name string) string {
	command, _ := lookupCommand(name)
	return command.Usage
}

func runClient(s *Session, op store.Op, arguments []string) error {
	request, err := s.parseClientRequest(op, arguments)
	if err != nil {
		return err
	}
	s.rememberKey(request.command.Key)
	switch request.read {
	case "local":
		value, found, err := s.cluster.GetLocal(request.command.Key, request.at)
		if err != nil {
			if errors.Is(err, cluster.ErrNodeDown) {
				return fmt.Errorf("%v is down: it cannot answer a local read (restart %v)", request.at, request.at)
			}
			return err
		}
		if !found {
			s.printf("%s not found on %v (local read, maybe stale, §6.4)", request.command.Key, request.at)
			return nil
		}
		s.printf("%s=%s on %v (local read, maybe stale, §6.4)", request.command.Key, value, request.at)
		return nil
	}
	if request.asynchronous {
		// One request in flight per client (thesis §6.3): each async
		// request is a client of its own, so sessions never see a newer
		// request overtake an older one.
		s.asynchronousClients++
		call, err := s.cluster.Submit(cluster.ReplClientID+s.asynchronousClients, request.command, request.at)
		if err != nil {
			return err
		}
		s.asynchronous = append(s.asynchronous, call)
		s.printf("proposed %s (the result follows when it finishes)", describeCommand(request.command))
		return nil
	}
	var call *cluster.Call
	switch op {
	case store.OpPut:
		call, err = s.cluster.Put(request.command.Key, request.command.Value, request.at)
	case store.OpGet:
		call, err = s.cluster.Read(request.command.Key, request.at, readModes[request.read])
	default:
		call, err = s.cluster.Delete(request.command.Key, request.at)
	}
	if err != nil {
		return err
	}
	if call.Err != nil {
		return call.Err
	}
	s.println(callResult(call))
	return nil
}

// readModes are the ways get reads besides read=local; no read= is
// through the log.
var readModes = map[string]cluster.ReadMode{"": cluster.ReadThroughLog, "index": cluster.ReadIndex, "lease": cluster.ReadLease}

// describeCall names a request, such as "put x=1".
func describeCall(call *cluster.Call) string { return describeCommand(call.Command) }

// callResult is the line a finished request prints.
func callResult(call *cluster.Call) string {
	where := fmt.Sprintf("index %d, %v, %v", call.Result.Index, call.ServedBy, roundDuration(call.Returned-call.Invoked))
	if call.Read != cluster.ReadThroughLog {
		where = fmt.Sprintf("read index %d, %v, read=%v, %v", call.Result.Index, call.ServedBy, call.Read, roundDuration(call.Returned-call.Invoked))
	}
	command := call.Command
	switch command.Op {
	case store.OpGet:
		if !call.Result.Found {
			return fmt.Sprintf("%s not found (%s)", command.Key, where)
		}
		return fmt.Sprintf("%s=%s (%s)", command.Key, call.Result.Value, where)
	case store.OpDelete:
		if !call.Result.Found {
			return fmt.Sprintf("ok del %s: it was not there (%s)", command.Key, where)
		}
		return fmt.Sprintf("ok del %s, was %s (%s)", command.Key, call.Result.Value, where)
	}
	return fmt.Sprintf("ok put %s=%s (%s)", command.Key, command.Value, where)
}
