package notify

import (
	"fmt"
	"maps"
	"strings"
)

// An Email is an email message with a plain-text body, an HTML body, or
// both (then senders build multipart/alternative).
type Email struct {
	// Key is the idempotency key, as for [SMS.Key]; senders may use it as
	// the Message-ID's local part.
	Key string
	// From is the sender address; empty means the host's sender uses its
	// own.
	From string
	// To is the recipient address.
	To string
	// ReplyTo is where replies go, such as the workspace's support inbox.
	ReplyTo string
	// Subject is the subject line.
	Subject string
	// Text and HTML are the bodies.
	Text, HTML string
	// Headers are extra headers, such as List-Unsubscribe.
	Headers map[string]string
}

// Validate reports what a mail provider would refuse: no recipient
// ([ErrNoRecipient]), no subject or no body ([ErrNoContent]), or a line
// break in To, From, ReplyTo, Subject or a header value, or a header name
// that is not a token ([ErrBadHeader]): a line break would let the text
// after it be read as a header of its own (header injection, such as an
// added Bcc).
func (m Email) Validate() error {
	switch {
	case m.To == "":
		return fmt.Errorf("notify: email: %w", ErrNoRecipient)
	case m.Subject == "":
		return fmt.Errorf("notify: email subject: %w", ErrNoContent)
	case m.Text == "" && m.HTML == "":
		return fmt.Errorf("notify: email body: %w", ErrNoContent)
	case strings.ContainsAny(m.To, "\r\n"), strings.ContainsAny(m.From, "\r\n"),
		strings.ContainsAny(m.ReplyTo, "\r\n"), strings.ContainsAny(m.Subject, "\r\n"):
		return fmt.Errorf("notify: email: line break in a header: %w", ErrBadHeader)
	}
	for k, v := range m.Headers {
		if !headerToken(k) || strings.ContainsAny(v, "\r\n") {
			return fmt.Errorf("notify: email: %w", ErrBadHeader)
		}
	}
	return nil
}

// headerToken reports whether name is a valid header field name (RFC 5322:
// printable ASCII except ':').
func headerToken(name string) bool {
	if name == "" {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// Clone returns a deep copy of m.
func (m Email) Clone() Email {
	m.Headers = maps.Clone(m.Headers)
	return m
}
