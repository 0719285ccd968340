package proxy

import (
	"context"
	"log"
	"log/slog"
	"strconv"
	"strings"
)

// RedirectStdLog sends what the standard log package prints to logger, at
// Warn, one record a line, with every quoted string withheld (see
// withholdQuoted), and returns a function that puts the previous output,
// flags and prefix back.
//
// net/http's Transport prints to the log package itself, outside any
// slog.Logger or ErrorLog: an upstream that sends more than its answer gets
// "Unsolicited response received on idle HTTP channel starting with
// <those bytes, quoted>" — a Set-Cookie in them would reach the server's
// output. No setting of the Transport or ReverseProxy turns that off, and
// the log package's output is process-wide, so the program sets it once:
// call RedirectStdLog(logger) in package main right after the logger is
// built (and after any slog.SetDefault, which replaces the log package's
// output). logger must not be slog.Default() while slog's default handler
// is in place: that handler writes to the log package. A nil logger
// discards the lines.
func RedirectStdLog(logger *slog.Logger) (restore func()) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	w, flags, prefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(lineLogger{log: logger, level: slog.LevelWarn})
	log.SetFlags(0)
	log.SetPrefix("")
	return func() {
		log.SetOutput(w)
		log.SetFlags(flags)
		log.SetPrefix(prefix)
	}
}

// lineLogger is the output of a log.Logger (the log package's, or a
// ReverseProxy's ErrorLog): each line it gets becomes one record on log,
// its quoted strings withheld.
type lineLogger struct {
	log   *slog.Logger
	level slog.Level
}

func (w lineLogger) Write(p []byte) (int, error) {
	ctx := context.Background()
	if w.log.Enabled(ctx, w.level) {
		w.log.Log(ctx, w.level, withholdQuoted(strings.TrimSuffix(string(p), "\n")))
	}
	return len(p), nil
}

// withheld replaces a quoted string withholdQuoted removes.
const withheld = `"[withheld]"`

// withholdQuoted replaces every double-quoted Go string in s with
// "[withheld]", and an unterminated one with the rest of s. net/http and
// net/textproto quote (%q) what a peer sent when they print it or put it in
// an error — the start of an unsolicited response, a malformed status or
// header line, a bad Content-Length — so these are the parts of a log line
// that can carry an upstream's cookies or tokens; the rest is Go's own
// words. It allocates only when s holds a quote.
func withholdQuoted(s string) string {
	i := strings.IndexByte(s, '"')
	if i < 0 {
		return s
	}
	var b strings.Builder
	for i >= 0 {
		b.WriteString(s[:i])
		b.WriteString(withheld)
		q, err := strconv.QuotedPrefix(s[i:])
		if err != nil {
			return b.String()
		}
		s = s[i+len(q):]
		i = strings.IndexByte(s, '"')
	}
	b.WriteString(s)
	return b.String()
}
