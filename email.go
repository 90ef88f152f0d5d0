package followup

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-playground/validator/v10"

	"github.com/followup-go/followup/internal/dnsname"
)

// The RFC 5321 length limits, which the validator's email rule does not
// check, and the bound on what ParseEmail reads at all.
const (
	maxEmail       = 254 // a whole address (a 256-byte path minus the angle brackets)
	maxEmailLocal  = 64  // the part before '@'
	maxDomainLabel = 63  // one label of the domain
	// maxEmailInput bounds the raw answer, surrounding white space
	// included: longer input is refused without being read.
	maxEmailInput = 1024
)

// emailValidator is built on first use, so importing the package costs
// nothing; a *validator.Validate is safe for concurrent use.
// (A sync.Once rather than sync.OnceValue: calling OnceValue in a variable's
// initializer would itself be work done at package init.)
var emailValidatorOnce struct {
	once sync.Once
	v    *validator.Validate
}

func emailValidator() *validator.Validate {
	o := &emailValidatorOnce
	o.once.Do(func() { o.v = validator.New() })
	return o.v
}

// ParseEmail checks an email address as a customer types it and returns it
// normalized: surrounding white space (as [unicode.IsSpace] defines it)
// trimmed, full-width characters read as the ASCII they stand for
// ("ｋｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ" is "kim@example.com", as [ParsePhone] reads
// full-width digits), the domain lower-cased, the local part kept as typed
// (only the receiving server may fold its case).
//
// It accepts plain addresses only: a local part that is an RFC 5322
// dot-atom of ASCII characters ("first.last+tag", "o'neil"), '@', and a
// host name of at least two dot-separated labels of ASCII letters, digits
// and inner hyphens ("mail.example.co.kr", "xn--9n2bp8q.xn--3e0b707e"),
// the last of which, the top-level domain, is two or more letters or an
// A-label ("xn--…"), as every top-level domain is. The address must also
// pass the go-playground validator's email rule.
//
// It refuses, with a [*FieldError] for [FieldEmail]:
//   - nothing but white space ([CodeEmpty]);
//   - more than 1,024 bytes of input, an address over 254 bytes, a local
//     part over 64 bytes or a domain label over 63 ([CodeTooLong], the RFC
//     5321 limits);
//   - everything else that is not such a plain address ([CodeInvalidEmail]):
//     a quoted local part ("\"kim\"@example.com"), a comment
//     ("kim(home)@example.com"), a domain literal ("kim@[192.0.2.1]"), a
//     display name ("Kim <kim@example.com>"), a domain without a dot
//     ("kim@localhost", "kim@io"), a top-level domain of one letter or
//     with a digit ("kim@naver.c", "kim@naver.c0m", "kim@example.123"), a
//     trailing dot in the domain, and any other character outside ASCII.
//
// Internationalized addresses (a local part or a domain in Unicode, RFC
// 6531) are refused on purpose: mail to them needs SMTPUTF8 on every hop,
// which many sending services lack, so a follow-up to them may never
// arrive; and a Unicode domain can imitate another one (a Cyrillic "о" for
// a Latin "o"). A domain in its ASCII form ("xn--…") is accepted.
func ParseEmail(raw string) (string, error) {
	if len(raw) > maxEmailInput {
		return "", fieldError(FieldEmail, CodeTooLong)
	}
	s := foldWidth(strings.TrimSpace(raw))
	switch {
	case s == "":
		return "", fieldError(FieldEmail, CodeEmpty)
	case len(s) > maxEmail:
		return "", fieldError(FieldEmail, CodeTooLong)
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	local, domain := s[:at], s[at+1:]
	if len(local) > maxEmailLocal {
		return "", fieldError(FieldEmail, CodeTooLong)
	}
	if !dotAtom(local) {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	upper, c := checkDomain(domain)
	if c != "" {
		return "", fieldError(FieldEmail, c)
	}
	if emailValidator().Var(s, "email") != nil {
		return "", fieldError(FieldEmail, CodeInvalidEmail)
	}
	if !upper {
		return s, nil
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:at+1])
	for i := 0; i < len(domain); i++ {
		c := domain[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// foldWidth returns s with the full-width forms of ASCII characters
// (U+FF01 to U+FF5E: "ｋｉｍ＠ｅｘａｍｐｌｅ．ｃｏｍ", as an input method in
// full-width mode types them) as ASCII. Other characters are left as they
// are, for the checks to refuse. Plain ASCII is returned as it is.
func foldWidth(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Map(func(r rune) rune {
				if '！' <= r && r <= '～' {
					return r - '！' + '!'
				}
				return r
			}, s)
		}
	}
	return s
}

// dotAtom reports whether local is an RFC 5322 dot-atom of ASCII: runs of
// atext separated by single dots. This refuses quoted strings, comments,
// display names and non-ASCII letters, some of which the validator's rule
// lets through.
func dotAtom(local string) bool {
	if local == "" || local[0] == '.' || local[len(local)-1] == '.' {
		return false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c == '.' {
			if local[i-1] == '.' {
				return false
			}
			continue
		}
		if !atext(c) {
			return false
		}
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

// checkDomain returns the code refusing domain, or "" if it is a host name
// of at least two labels, each 1 to 63 ASCII letters, digits and hyphens,
// neither starting nor ending with a hyphen. upper reports whether the
// domain holds an upper-case letter.
func checkDomain(domain string) (upper bool, c Code) {
	labels, start := 1, 0
	for i := 0; i <= len(domain); i++ {
		if i == len(domain) || domain[i] == '.' {
			switch n := i - start; {
			case n == 0:
				return false, CodeInvalidEmail // "", ".com", "a..com", "a.com."
			case n > maxDomainLabel:
				return false, CodeTooLong
			case domain[start] == '-' || domain[i-1] == '-':
				return false, CodeInvalidEmail
			}
			if i < len(domain) {
				labels++
			}
			start = i + 1
			continue
		}
		switch c := domain[i]; {
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-':
		case 'A' <= c && c <= 'Z':
			upper = true
		default:
			return false, CodeInvalidEmail // "[", "(", "_", "~", non-ASCII
		}
	}
	if labels < 2 {
		return false, CodeInvalidEmail // dotless: "localhost", "io"
	}
	if !dnsname.TopLevel(domain[strings.LastIndexByte(domain, '.')+1:]) {
		return false, CodeInvalidEmail // "naver.c", "naver.c0m"
	}
	return upper, ""
}
