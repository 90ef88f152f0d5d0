package followup

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"
)

// The RFC 5321 length limits, which the validator's email rule does not
// check.
const (
	maxEmail       = 254 // a whole address (a 256-byte path minus the angle brackets)
	maxEmailLocal  = 64  // the part before '@'
	maxDomainLabel = 63  // one label of the domain
)

// emailValidator is built on first use, so importing the package costs
// nothing; a *validator.Validate is safe for concurrent use.
var emailValidator = sync.OnceValue(func() *validator.Validate { return validator.New() })

// ParseEmail checks an email address as a customer types it and returns it
// normalized: surrounding white space trimmed, the domain lower-cased, the
// local part kept as typed (only the receiving server may fold its case).
//
// It accepts the plain addresses people use: a dot-atom local part
// ("first.last+tag") and a host name with at least one dot. Letters outside
// ASCII are accepted where the go-playground validator's email rule accepts
// them. It refuses, with a [*FieldError] for [FieldEmail]: nothing but white
// space ([CodeEmpty]); an address over 254 bytes, a local part over 64 or a
// domain label over 63 ([CodeTooLong], the RFC 5321 limits); and anything
// else the validator refuses or a follow-up cannot be sent to: a quoted
// local part, a comment, a domain literal ("[192.0.2.1]"), a display name
// ("Kim <kim@example.com>") or a domain without a dot ("kim@localhost")
// ([CodeInvalidEmail]).
func ParseEmail(raw string) (string, error) {
	if len(raw) > 4*maxEmail {
		return "", fieldError(FieldEmail, CodeTooLong)
	}
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fieldError(FieldEmail, CodeEmpty)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	local, domain := s[:at], s[at+1:]
	if len(s) > maxEmail || len(local) > maxEmailLocal {
		return "", fieldError(FieldEmail, CodeTooLong)
	}
	if c := checkDomain(domain); c != "" {
		return "", fieldError(FieldEmail, c)
	}
	if !dotAtom(local) {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	if emailValidator().Var(s, "email") != nil {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	if lower := strings.ToLower(domain); lower != domain {
		return local + "@" + lower, nil
	}
	return s, nil
}

// dotAtom reports whether the local part is an RFC 5322 dot-atom: atext
// runs separated by single dots. This refuses quoted strings, comments and
// display names, which the validator's rule lets through in some forms.
func dotAtom(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' {
		return false
	}
	prevDot := false
	for _, r := range local {
		switch {
		case r == '.':
			if prevDot {
				return false
			}
			prevDot = true
			continue
		case r < utf8.RuneSelf:
			if !atext(byte(r)) {
				return false
			}
		case !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r):
			return false
		}
		prevDot = false
	}
	return true
}

// atext reports whether c is an RFC 5322 atext character.
func atext(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$%&'*+-/=?^_`{|}~", c) >= 0
}

// checkDomain returns the code refusing a domain, or "" if it is a host name
// with at least two labels, each 1 to 63 bytes.
func checkDomain(domain string) Code {
	if domain == "" || domain[0] == '[' {
		return CodeInvalidEmail
	}
	labels := 0
	for rest := domain; ; {
		label, tail, more := strings.Cut(rest, ".")
		switch {
		case label == "":
			return CodeInvalidEmail
		case len(label) > maxDomainLabel:
			return CodeTooLong
		}
		labels++
		if !more {
			break
		}
		rest = tail
	}
	if labels < 2 {
		return CodeInvalidEmail // dotless: "localhost", "io"
	}
	return ""
}
