package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"raftctl/net/wire"
	"raftctl/raft"
)

// maxClientTimeout bounds how long one client request may wait on a node.
const maxClientTimeout = time.Minute

// ServeControl answers one authenticated control connection until it
// closes (net/tcp calls it in its own goroutine for each connection; it
// closes the connection when ServeControl returns). The first request
// must be hello, with this protocol's version.
func (h *Host) ServeControl(conn ControlConn) {
	server := &controlServer{host: h, conn: conn}
	server.serve()
}

// controlServer is the node's end of one control connection.
type controlServer struct {
	host *Host
	conn ControlConn
	// sending serializes Send: answers come from several goroutines.
	sending  sync.Mutex
	requests sync.WaitGroup
	// cancel ends the subscription, if any.
	cancelMu sync.Mutex
	cancel   func()
	ended    bool
}

func (s *controlServer) serve() {
	defer func() {
		s.cancelMu.Lock()
		s.ended = true
		if s.cancel != nil {
			s.cancel()
		}
		s.cancelMu.Unlock()
		s.requests.Wait()
	}()
	greeted := false
	for {
		payload, err := s.conn.Receive()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.host.logger.Debug("control connection ended", "error", err)
			}
			return
		}
		var request controlRequest
		if err := json.Unmarshal(payload, &request); err != nil || request.ID == 0 {
			s.answer(controlResponse{ID: request.ID, Error: fmt.Sprintf("malformed control request: %v", err)})
			return
		}
		if !greeted {
			if request.Op != opHello || request.Version != ControlVersion {
				s.answer(controlResponse{ID: request.ID, Error: fmt.Sprintf("want hello with control protocol version %d first, got %s version %d", ControlVersion, request.Op, request.Version)})
				return
			}
			greeted = true
		}
		s.requests.Add(1)
		go func() {
			defer s.requests.Done()
			s.answer(s.handle(request))
		}()
	}
}

// answer sends one response; a broken connection ends serve's Receive.
// An answer too large for a frame is replaced by an error that says so,
// so the client is not left waiting.
func (s *controlServer) answer(response controlResponse) {
	s.sending.Lock()
	defer s.sending.Unlock()
	err := s.conn.Send(encodeControl(response))
	if errors.Is(err, wire.ErrTooLarge) && response.ID != 0 {
		_ = s.conn.Send(encodeControl(controlResponse{ID: response.ID, Error: fmt.Sprintf("the answer does not fit one frame: %v", err)}))
	}
}

// handle carries out one request.
func (s *controlServer) handle(request controlRequest) controlResponse {
	h := s.host
	response := controlResponse{ID: request.ID}
	var err error
	switch request.Op {
	case opHello:
		response.Hello = &controlHello{Version: ControlVersion, ID: h.config.ID, Peers: h.config.Peers, Settings: h.config.Settings}
	case opStatus:
		var status controlStatus
		status, err = h.status()
		response.Status = &status
	case opLog:
		var entries []raft.Entry
		entries, err = h.log()
		response.Log, response.More = logPage(entries, request.From)
	case opKV:
		response.KV, err = h.contents()
	case opKill:
		err = h.Kill()
	case opRestart:
		err = h.Restart(request.Wipe)
	case opRules:
		if request.Rules == nil {
			err = errors.New("rules: no rules given")
			break
		}
		err = h.SetRules(*request.Rules)
	case opCampaign:
		err = h.Campaign()
	case opPropose:
		if err = request.Command.Validate(); err != nil {
			break
		}
		command := request.Command
		answer := h.clientRequest(func() *hostWaiter { return h.propose(command) }, clientTimeout(request.Timeout))
		response.Answer = &answer
	case opRead:
		key, mode := request.Key, request.Read
		if mode != ReadIndex && mode != ReadLease {
			err = fmt.Errorf("read mode %v: want index or lease (a read through the log is a propose)", mode)
			break
		}
		answer := h.clientRequest(func() *hostWaiter { return h.read(key, mode) }, clientTimeout(request.Timeout))
		response.Answer = &answer
	case opLocalRead:
		answer := h.localRead(request.Key)
		response.Answer = &answer
	case opSubscribe:
		err = s.subscribe(request.Messages)
	default:
		err = fmt.Errorf("unknown control operation %q", request.Op)
	}
	response.Error = errorText(err)
	return response
}

// clientTimeout bounds a request's wait.
func clientTimeout(timeout time.Duration) time.Duration {
	if timeout <= 0 {
		return DefaultSettings().ClientTimeout
	}
	return min(timeout, maxClientTimeout)
}

// subscribe starts streaming the node's records on this connection.
func (s *controlServer) subscribe(messages bool) error {
	s.cancelMu.Lock()
	defer s.cancelMu.Unlock()
	if s.cancel != nil || s.ended {
		return errors.New("already subscribed, or the connection ended")
	}
	subscriber, cancel := s.host.subscribe(messages)
	s.cancel = cancel
	s.requests.Add(1)
	go func() {
		defer s.requests.Done()
		for record := range subscriber.records {
			if lost := subscriber.takeLost(); lost > 0 {
				s.answer(controlResponse{Record: &controlRecord{Time: record.Time, Kind: RecordFault, Node: s.host.config.ID, Text: lostRecordsText(lost)}})
			}
			s.answer(controlResponse{Record: &record})
		}
	}()
	return nil
}
