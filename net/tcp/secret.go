package tcp

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"

	"raftctl/net/wire"
)

// SecretBytes is the size of a secret from GenerateSecret.
const SecretBytes = 32

// maxSecretFileBytes bounds what ReadSecretFile reads: a secret file is
// one line of hex.
const maxSecretFileBytes = 4096

// GenerateSecret returns SecretBytes random bytes from crypto/rand.
func GenerateSecret() ([]byte, error) {
	secret := make([]byte, SecretBytes)
	if _, err := rand.Read(secret); err != nil {
		return nil, fmt.Errorf("tcp: generating a secret: %w", err)
	}
	return secret, nil
}

// WriteSecretFile writes secret to a new file at path as one line of hex,
// readable by its owner only (mode 0600). It refuses to overwrite an
// existing file: a cluster's secret changes only on purpose.
func WriteSecretFile(path string, secret []byte) error {
	if len(secret) < wire.MinKeyBytes {
		return fmt.Errorf("tcp: the secret has %d bytes, want at least %d", len(secret), wire.MinKeyBytes)
	}
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("tcp: secret file %s already exists; keep it, or delete it first to make a new secret "+
			"(every node of the cluster then needs the new one)", path)
	}
	if err != nil {
		return fmt.Errorf("tcp: writing secret file: %w", err)
	}
	// The umask may only take permissions away; say 0600 explicitly anyway.
	if err := file.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		file.Close()
		return fmt.Errorf("tcp: writing secret file: %w", err)
	}
	if _, err := io.WriteString(file, hex.EncodeToString(secret)+"\n"); err != nil {
		file.Close()
		return fmt.Errorf("tcp: writing secret file: %w", err)
	}
	if err := file.Close(); err != nil {
		return fmt.Errorf("tcp: writing secret file: %w", err)
	}
	return nil
}

// ReadSecretFile reads a secret written by WriteSecretFile (one line of
// hex; surrounding white space is ignored). It refuses a file that its
// group or others may read or write: a secret that others can read
// authenticates nothing.
func ReadSecretFile(path string) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tcp: reading secret file: %w", err)
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, fmt.Errorf("tcp: reading secret file: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("tcp: secret file %s is not a regular file (%v)", path, info.Mode().Type())
	}
	if permissions := info.Mode().Perm(); permissions&0o077 != 0 && runtime.GOOS != "windows" {
		return nil, fmt.Errorf("tcp: secret file %s has mode %04o, so its group or others can read or change it; "+
			"run: chmod 600 %s", path, permissions, path)
	}
	data, err := io.ReadAll(io.LimitReader(file, maxSecretFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tcp: reading secret file: %w", err)
	}
	if len(data) > maxSecretFileBytes {
		return nil, fmt.Errorf("tcp: secret file %s is over %d bytes; want one line of hex", path, maxSecretFileBytes)
	}
	secret, err := hex.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil {
		return nil, fmt.Errorf("tcp: secret file %s: want one line of hex digits: %w", path, err)
	}
	if len(secret) < wire.MinKeyBytes {
		return nil, fmt.Errorf("tcp: secret file %s holds %d bytes, want at least %d", path, len(secret), wire.MinKeyBytes)
	}
	return secret, nil
}
