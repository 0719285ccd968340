package lab

import (
	"jiraauthlab/internal/testkit"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestLogWriterFlushesInBackgroundAndOnClose(t *testing.T) {
	var out testkit.SyncBuffer
	w := NewLogWriter(&out, 20*time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 100; j++ {
				w.Write([]byte("line\n"))
			}
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(out.String(), "line\n") < 800 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := strings.Count(out.String(), "line\n"); n != 800 {
		t.Fatalf("background flush wrote %d lines; want 800", n)
	}
	w.Write([]byte("last\n"))
	w.Close()
	if !strings.HasSuffix(out.String(), "last\n") {
		t.Error("Close lost the last line")
	}
}
