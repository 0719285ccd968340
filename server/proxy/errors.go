package proxy

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"jiraauthlab/contract"
)

// WriteError writes the contract's error answer: the code's status (one
// table, contract.ErrorCode.Status), Content-Type application/json and
// {"error": code, "detail": detail}, both fields always present.
func WriteError(w http.ResponseWriter, code contract.ErrorCode, detail string) {
	body, err := json.Marshal(contract.ErrorBody{Error: code, Detail: detail})
	if err != nil { // cannot happen for two strings
		body = []byte(`{"error":"internal","detail":"error encoding failed"}`)
	}
	h := w.Header()
	h.Del("Content-Length")
	h.Del("Content-Encoding")
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(code.Status())
	w.Write(append(body, '\n'))
}

// upstreamError turns an error of the round trip to upstream u into the
// code and plain-language detail the browser gets.
func upstreamError(err error, u *route, timeout, connectTimeout time.Duration) (contract.ErrorCode, string) {
	who := fmt.Sprintf("upstream %q (%s)", u.up.Name, u.up.URL.Host)
	var (
		mbe   *http.MaxBytesError
		bad   badBodyError
		opErr *net.OpError
		dnsEr *net.DNSError
		netEr net.Error
	)
	switch {
	case errors.As(err, &mbe):
		return contract.CodeBodyTooLarge,
			fmt.Sprintf("The request body is larger than the proxy's limit of %d bytes (-max-body).", mbe.Limit)
	case errors.As(err, &bad):
		return contract.CodeBadBody,
			fmt.Sprintf("The request body is not valid chunked encoding (%v): the %s got at most part of it, and no answer of its is forwarded.", bad.err, who)
	case errors.Is(err, context.Canceled):
		return contract.CodeCanceled, "The request was canceled before " + who + " answered."
	case errors.As(err, &dnsEr) && !dnsEr.Timeout():
		return contract.CodeUpstreamDown,
			fmt.Sprintf("The host name of %s could not be resolved: %s.", who, dnsEr.Err)
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netEr) && netEr.Timeout():
		what := fmt.Sprintf("did not send its response headers within %s (-upstream-timeout)", timeout)
		switch {
		case errors.As(err, &opErr) && opErr.Op == "dial":
			what = fmt.Sprintf("did not accept a connection within %s", connectTimeout)
		case strings.Contains(err.Error(), "TLS handshake"):
			what = fmt.Sprintf("did not complete the TLS handshake within %s", connectTimeout)
		}
		return contract.CodeUpstreamTimeout, "The " + who + " " + what + "."
	}
	if detail := tlsProblem(err); detail != "" {
		return contract.CodeUpstreamTLS, "TLS with " + who + " failed: " + detail
	}
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return contract.CodeUpstreamRefused,
			"The " + who + " refused the connection: nothing is listening there, or a firewall rejects it."
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return contract.CodeUpstreamReset,
			"The " + who + " closed the connection without a complete answer (connection reset)."
	case errors.As(err, &opErr) && opErr.Op == "dial":
		return contract.CodeUpstreamDown,
			fmt.Sprintf("The %s could not be reached: %v.", who, opErr.Err)
	}
	return contract.CodeUpstreamError,
		fmt.Sprintf("The %s did not give a usable answer: %v.", who, err)
}

// tlsProblem describes a TLS failure in err in plain words, or returns "".
func tlsProblem(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
		opErr    *net.OpError
	)
	switch {
	case errors.As(err, &unknown):
		return "its certificate is signed by an authority this machine does not trust. " +
			"Pass the internal CA with -upstream-ca FILE (or, for a throw-away test server only, -upstream-insecure)."
	case errors.As(err, &hostname):
		return fmt.Sprintf("its certificate is not valid for this host name (%v).", hostname.Error())
	case errors.As(err, &invalid):
		return fmt.Sprintf("its certificate is not valid (%v).", invalid.Error())
	case errors.As(err, &verify):
		return fmt.Sprintf("its certificate could not be verified (%v).", verify.Err)
	case errors.As(err, &record):
		return "it did not answer with TLS. Is the URL https:// where the server speaks plain http://?"
	case errors.As(err, &opErr) && opErr.Op == "remote error":
		return fmt.Sprintf("it refused the handshake (%v).", opErr.Err)
	case strings.Contains(err.Error(), "tls: "):
		return err.Error() + "."
	}
	return ""
}
