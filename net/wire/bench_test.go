package wire

import (
	"bytes"
	"testing"
)

// The benchmarks measure a typical AppendEntries: 64 entries of about 20
// bytes each.

func BenchmarkEncodeAppendEntries(b *testing.B) {
	m := typicalAppendEntries()
	buffer := EncodeMessage(m)
	b.SetBytes(int64(len(buffer)))
	b.ReportAllocs()
	for b.Loop() {
		buffer = AppendMessage(buffer[:0], m)
	}
}

func BenchmarkDecodeAppendEntries(b *testing.B) {
	data := EncodeMessage(typicalAppendEntries())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := DecodeMessage(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFrameAppendEntries writes and reads back one authenticated frame.
func BenchmarkFrameAppendEntries(b *testing.B) {
	data := EncodeMessage(typicalAppendEntries())
	var stream bytes.Buffer
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		stream.Reset()
		if err := WriteFrame(&stream, testKey, data); err != nil {
			b.Fatal(err)
		}
		if _, err := ReadFrame(&stream, testKey, Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
