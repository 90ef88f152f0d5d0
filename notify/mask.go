package notify

import (
	"strings"
	"unicode/utf8"

	"github.com/followup-go/followup/internal/dnsname"
)

// maskRecipient masks a recipient for logs and printing.
//
// An email address keeps the first character of its local part, unless
// that is all of it, and its domain ("s***@example.com", "***@example.com"
// for "s@example.com"), the domain only when it is a plain host name:
// anything else after the '@' becomes "***" ("k***@***"), since a recipient
// a host never checked may hold more than an address ("kim@example.com
// (김민지)").
//
// Anything else (a phone number, a push id) keeps its last four characters
// when it has at least twelve, and its first three as well when it has at
// least thirteen: "+82******5678", "********0123". Shorter recipients are
// masked whole, so no more than half of a phone number's national digits
// ever shows, whatever the length of its country code.
func maskRecipient(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		domain := to[at+1:]
		if !hostName(domain) {
			domain = "***"
		}
		_, size := utf8.DecodeRuneInString(to)
		if size >= at { // a local part of one character would show whole
			return "***@" + domain
		}
		return to[:size] + "***@" + domain
	}
	n := utf8.RuneCountInString(to)
	shownEnd, shownStart := 0, 0
	if n >= 12 {
		shownEnd = 4
	}
	if n >= 13 {
		shownStart = 3
	}
	r := []rune(to)
	for i := shownStart; i < n-shownEnd; i++ {
		r[i] = '*'
	}
	return string(r)
}

// hostName reports whether s is a host name with at least one dot:
// dot-separated labels of 1 to 63 ASCII letters, digits and inner hyphens,
// at most 253 bytes in all, the last of the form of a top-level domain
// ([dnsname.TopLevel]), as followup's ParseEmail and MaskEmail have it: an
// all-digit "domain" ("010.9876.5432") is a number, and is masked.
func hostName(s string) bool {
	if len(s) == 0 || len(s) > 253 || !strings.Contains(s, ".") ||
		!dnsname.TopLevel(s[strings.LastIndexByte(s, '.')+1:]) {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
