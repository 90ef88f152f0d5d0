package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/textproto"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/followup-go/followup/notify"
)

// A ReplyError is an SMTP server's refusal of a step of sending.
type ReplyError struct {
	// Step is the command the server refused: "greeting", "EHLO",
	// "STARTTLS", "AUTH", "MAIL", "RCPT" or "DATA".
	Step string
	// Code is the reply code, such as 550.
	Code int
	// Enhanced is the enhanced status code (RFC 3463), such as "5.1.1", or
	// empty if the server gave none.
	Enhanced string
	// Text is the rest of the server's reply, cut short, with every address
	// in it blanked out.
	Text string
}

// Error describes the refusal.
func (e *ReplyError) Error() string {
	var b strings.Builder
	b.WriteString("smtp: ")
	b.WriteString(e.Step)
	b.WriteString(" refused: ")
	b.WriteString(strconv.Itoa(e.Code))
	if e.Enhanced != "" {
		b.WriteString(" ")
		b.WriteString(e.Enhanced)
	}
	if e.Text != "" {
		b.WriteString(" ")
		b.WriteString(e.Text)
	}
	return b.String()
}

// Permanent reports whether the reply is a permanent failure (5xx).
func (e *ReplyError) Permanent() bool { return e.Code >= 500 && e.Code < 600 }

// classify turns err, from step of a session sending env, into the error
// SendEmail returns.
func (s *Sender) classify(ctx context.Context, step string, env envelope, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("smtp: %s: %w", step, cerr)
	}
	// The connection's deadline is ctx's: it may pass a moment before ctx
	// reports it.
	if dl, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) && !time.Now().Before(dl) {
		return fmt.Errorf("smtp: %s: %w", step, context.DeadlineExceeded)
	}
	if notify.IsPermanent(err) { // the sender's own verdict, already worded
		return err
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		re := &ReplyError{Step: step, Code: te.Code}
		re.Enhanced, re.Text = splitEnhanced(te.Msg)
		re.Text = redact(re.Text, env.from, env.to)
		if re.Permanent() {
			return notify.Permanent(re)
		}
		return re
	}
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) {
		return notify.Permanent(fmt.Errorf("smtp: %s: %w", step, err))
	}
	return fmt.Errorf("smtp: %s: %w", step, err)
}

// splitEnhanced splits an enhanced status code ("5.1.1") off the start of a
// reply's text.
func splitEnhanced(msg string) (code, rest string) {
	first, rest, _ := strings.Cut(msg, " ")
	parts := strings.Split(first, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || !strings.Contains("245", parts[0]) {
		return "", msg
	}
	for _, p := range parts {
		if _, err := strconv.Atoi(p); err != nil || p == "" || len(p) > 3 {
			return "", msg
		}
	}
	return first, rest
}

// maxReplyText is how much of a server's reply text an error keeps.
const maxReplyText = 200

// blanked stands in for what redact removes.
const blanked = "[address]"

// redact returns a server's reply text fit for an error string: one line,
// at most maxReplyText bytes, without any word holding an '@' and without
// the local part of any of addrs (servers echo the recipient, sometimes
// without its domain).
func redact(text string, addrs ...string) string {
	words := strings.Fields(text) // also joins a multi-line reply into one line
	for i, w := range words {
		if strings.ContainsRune(w, '@') {
			words[i] = blanked
		}
	}
	text = strings.Join(words, " ")
	for _, a := range addrs {
		local := a[:max(strings.LastIndexByte(a, '@'), 0)]
		if len(local) >= 3 {
			text = replaceFold(text, local, blanked)
		}
	}
	if len(text) > maxReplyText {
		cut := maxReplyText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "…"
	}
	return text
}

// replaceFold replaces every occurrence of old in s, ignoring case, with
// repl.
func replaceFold(s, old, repl string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+len(old) <= len(s) && strings.EqualFold(s[i:i+len(old)], old) {
			b.WriteString(repl)
			i += len(old)
			continue
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}
