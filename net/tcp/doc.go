// Package tcp is the real transport between raftctl hosts: Raft messages
// between nodes, and control connections from the REPL, over TCP, in
// net/wire's authenticated frames.
//
// # Links
//
// Each node dials every peer and keeps one connection to each: it sends on
// the connections it dialed and receives on the ones it accepted, so
// between two nodes there are two connections, one per direction, and no
// rule is needed to pick a winner when both dial at once. Each peer has a
// bounded queue (Config.QueueSize) and a goroutine of its own that writes
// it, so a slow or dead peer delays nobody else. Send never blocks: a full
// queue drops the message and counts it (Raft recovers lost messages by
// retrying, thesis §3.5). The goroutine takes messages from the queue only
// while connected; it reconnects after a capped exponential backoff with
// jitter, and every write has a deadline, so a peer that stops reading
// costs its own connection and nothing else. On the accepting side, a newer
// connection from a peer replaces the older one.
//
// # Authentication
//
// Every connection starts with a handshake in which both sides prove they
// hold the cluster secret, each over a fresh random nonce of the other
// side's, so a recorded handshake cannot be replayed. Each handshake
// message is a net/wire frame under the secret (so a wrong secret is
// detected at the first message) and has a fixed layout (hello.go):
//
//	client -> server  hello 1: version, kind (peer or control), From (the
//	                  caller's node ID; none for control), To (the node it
//	                  expects to reach; none for control), NonceC (32
//	                  random bytes)
//	server -> client  hello 2: version, status (accepted or refused), ID
//	                  (the server's node ID), NonceS (32 random bytes),
//	                  reason (why refused, in words), and ProofS =
//	                  HMAC(secret, "server proof" || hello 1 || hello 2 up to ProofS)
//	client -> server  finish: ProofC =
//	                  HMAC(secret, "client proof" || hello 1 || hello 2)
//
// The client checks ProofS, which covers its fresh NonceC: the server holds
// the secret and is answering now (and, for a peer, it checks ID is the node
// it dialed). The server checks ProofC, which covers its fresh NonceS: the
// client holds the secret and is not replaying an old handshake. Both
// proofs cover the kind and the node IDs, so they cannot be changed in
// transit. The server refuses a peer hello whose From is not one of its
// peers or whose To is not itself, and a control hello when Config.Control
// is nil, with an authenticated reason the client can show.
//
// Both sides then derive two session keys from the secret and the whole
// handshake, one per direction:
//
//	key client→server = HMAC(secret, "key client to server" || hello 1 || hello 2 || finish)
//	key server→client = HMAC(secret, "key server to client" || hello 1 || hello 2 || finish)
//
// and every later frame is one of net/wire's sequenced frames under the
// key of its direction: a frame recorded on one connection never verifies
// on another (the keys differ), a frame reflected back never verifies (the
// key of the other direction), and a frame replayed or reordered within a
// connection fails the sequence check. The labels are distinct strings
// ending in a zero byte ("raftctl/net/tcp v1 server proof\x00", ...), so a
// proof is never a key or a proof of the other side.
//
// A peer connection authenticates as one node: the envelope's From of
// every frame, and the From of every message, must be that node, and To
// must be us, or the connection is closed. Note what a shared secret cannot
// do: any holder of the secret can claim to be any node. The From check
// stops a confused or buggy node from speaking for another, not a member
// that lies.
//
// # Why HMAC frames and not mutual TLS
//
// Mutual TLS would add secrecy and a per-node identity, at the price of a
// certificate authority and a certificate per node to make, copy and renew
// on every Raspberry Pi, and Go's crypto/tls has no pre-shared-key mode to
// avoid that. raftctl is a teaching tool on a LAN: what it must stop is a
// stray or hostile program on that LAN injecting, altering or replaying
// Raft messages or control commands, which authentication does; its
// messages (a key-value store's test data) need no secrecy. One secret
// file, copied to every node, is the whole setup, and the protocol is
// small enough to read next to this comment. Payloads travel in the clear:
// run raftctl inside a VPN (WireGuard) if they must not be read.
//
// # Hostile input
//
// Before a connection authenticates, a node reads at most one frame of a
// fixed small size per handshake step (a 1 GiB length prefix is refused
// before anything is allocated for it), every step runs under a deadline
// (Config.HandshakeTimeout), and at most Config.MaxHandshakes connections
// may be in their handshake at once; more are closed on arrival. After it,
// net/wire bounds each frame and message by Config.Limits. Anything wrong
// (garbage, a truncated frame, a bad tag, a replay, a message from the
// wrong node) closes that one connection with a reason in the log (slog,
// rate-limited for connections refused before they authenticate) and in
// Stats or ListenerStats; it never stops the node.
//
// What this does not cover: a flood of connections that fills
// MaxHandshakes also delays good peers' reconnections until the
// handshakes time out (links already up are not affected); and payloads
// are not secret.
package tcp
