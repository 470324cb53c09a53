package tcp

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGenerateSecret(t *testing.T) {
	first, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	second, err := GenerateSecret()
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != SecretBytes || bytes.Equal(first, second) {
		t.Errorf("secrets %x and %x: want %d random bytes each", first, second, SecretBytes)
	}
}

func TestSecretFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cluster.secret")
	secret, _ := GenerateSecret()
	if err := WriteSecretFile(path, secret); err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("mode %04o, want 0600", info.Mode().Perm())
	}
	got, err := ReadSecretFile(path)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("read back %x, %v; want %x", got, err, secret)
	}
	if err := WriteSecretFile(path, secret); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("overwriting: %v, want a refusal", err)
	}
}

func TestReadSecretFileRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string, mode os.FileMode) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(content), mode); err != nil {
			t.Fatal(err)
		}
		// WriteFile's mode passes through the umask; set it exactly.
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		return path
	}
	good := strings.Repeat("ab", 32) + "\n"
	for name, test := range map[string]struct {
		path string
		want string
	}{
		"world-readable": {write("open", good, 0o644), "chmod 600"},
		"group-writable": {write("group", good, 0o620), "chmod 600"},
		"not hex":        {write("text", "hunter2 is my password\n", 0o600), "hex"},
		"too short":      {write("short", "abcd\n", 0o600), "at least 16"},
		"huge":           {write("huge", strings.Repeat("a", 10_000), 0o600), "over 4096 bytes"},
		"missing":        {filepath.Join(dir, "nothing"), "no such file"},
		"a directory":    {dir, "not a regular file"},
	} {
		if _, err := ReadSecretFile(test.path); err == nil || !strings.Contains(err.Error(), test.want) {
			t.Errorf("%s: got %v, want an error mentioning %q", name, err, test.want)
		}
	}
	if err := WriteSecretFile(filepath.Join(dir, "new"), []byte("short")); err == nil {
		t.Error("WriteSecretFile accepted a 5-byte secret")
	}
}
