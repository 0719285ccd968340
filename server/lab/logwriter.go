package lab

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// LogWriter buffers log lines and writes them out in the background, at most
// flushEvery apart, so that a request never waits for a write system call
// (the proxy logs one line per request). Close flushes what is left.
type LogWriter struct {
	mu   sync.Mutex
	buf  *bufio.Writer
	stop chan struct{}
	done chan struct{}
}

// NewLogWriter starts a LogWriter flushing to w every flushEvery.
func NewLogWriter(w io.Writer, flushEvery time.Duration) *LogWriter {
	l := &LogWriter{buf: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go l.loop(flushEvery)
	return l
}

// Write copies p into the buffer; a full buffer is written out at once.
func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *LogWriter) loop(every time.Duration) {
	defer close(l.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			l.Flush()
		case <-l.stop:
			l.Flush()
			return
		}
	}
}

// Flush writes out everything buffered.
func (l *LogWriter) Flush() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Flush()
}

// Close stops the background flusher after a last flush.
func (l *LogWriter) Close() error {
	close(l.stop)
	<-l.done
	return nil
}
