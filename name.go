package followup

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// maxNameRunes is the longest name ParseName accepts, in characters.
	maxNameRunes = 64
	// maxNameInput bounds the input ParseName looks at, in bytes: 64
	// characters of at most 4 bytes each, with room for the white space
	// that collapsing removes. Longer input is refused without reading it.
	maxNameInput = 1024
)

// ParseName checks a name as a customer types it and returns it normalized:
// surrounding white space trimmed, every inner run of white space (spaces,
// tabs, line breaks, no-break and ideographic spaces) made one space, and
// the text in Unicode NFC, so a name typed as decomposed jamo compares
// equal to the same name typed composed.
//
// Names are echoed into the messages the workspace sends, so ParseName
// refuses anything that could turn the workspace's sender into a relay for
// someone else's text. It refuses, with a [*FieldError] for [FieldName]:
//   - nothing but white space ([CodeEmpty]);
//   - more than 64 characters, or more than 1,024 bytes of input
//     ([CodeTooLong]);
//   - invalid UTF-8 ([CodeInvalidEncoding]);
//   - a control character other than white space, such as NUL or ESC
//     ([CodeControlCharacter]);
//   - an invisible format character: bidirectional overrides and isolates
//     (U+202A–U+202E, U+2066–U+2069), marks, zero-width characters
//     including the joiner used in emoji sequences, the byte-order mark,
//     and the Hangul fillers that render as nothing ([CodeInvisibleCharacter]);
//   - an email address ([CodeContainsEmail]);
//   - a URL or a domain name: a scheme ("https://"), "www.", or a dotted
//     word ending in a country code or a common top-level domain, such as
//     "evil.com" or "bit.ly/x" ([CodeContainsLink]). Dotted initials
//     ("J. R. R. Tolkien") and dotted names that end in a longer word
//     ("Anne.Marie") are names.
func ParseName(raw string) (string, error) {
	if len(raw) > maxNameInput {
		return "", fieldError(FieldName, CodeTooLong)
	}
	if !utf8.ValidString(raw) {
		return "", fieldError(FieldName, CodeInvalidEncoding)
	}
	var b strings.Builder
	b.Grow(len(raw))
	space := false // a white space run is pending
	for _, r := range raw {
		switch {
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case unicode.IsControl(r):
			return "", fieldError(FieldName, CodeControlCharacter)
		case invisible(r):
			return "", fieldError(FieldName, CodeInvisibleCharacter)
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	name := norm.NFC.String(b.String())
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", fieldError(FieldName, CodeEmpty)
	case n > maxNameRunes:
		return "", fieldError(FieldName, CodeTooLong)
	}
	if c := linkLike(name); c != "" {
		return "", fieldError(FieldName, c)
	}
	return name, nil
}

// invisible reports whether r renders as nothing: a Unicode format character
// (category Cf) or a Hangul filler.
func invisible(r rune) bool {
	switch r {
	case 0x115F, 0x1160, 0x3164, 0xFFA0: // Hangul fillers
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

// linkLike returns CodeContainsEmail or CodeContainsLink if the name holds an
// email address or a link, and "" otherwise. It reads the name folded to
// compatibility form and lower case, so full-width "ｅｖｉｌ．ｃｏｍ" is
// caught as well.
func linkLike(name string) Code {
	s := name
	if !isASCII(s) {
		s = strings.ReplaceAll(norm.NFKC.String(s), "。", ".") // NFKC folds "．" and "｡" already
	}
	s = strings.ToLower(s)
	if strings.Contains(s, "://") || strings.Contains(s, "www.") {
		return CodeContainsLink
	}
	for word := range strings.FieldsFuncSeq(s, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' }) {
		if at := strings.IndexByte(word, '@'); at >= 0 {
			if domainLike(word[at+1:]) {
				return CodeContainsEmail
			}
			continue
		}
		if domainLike(word) {
			return CodeContainsLink
		}
	}
	// "kim @ evil . com": an at sign followed by a domain once spaces go.
	if at := strings.IndexByte(s, '@'); at >= 0 && domainLike(strings.ReplaceAll(s[at+1:], " ", "")) {
		return CodeContainsEmail
	}
	return ""
}

// domainLike reports whether s starts with a host name: dot-separated labels
// of letters, digits and hyphens whose last label is a country code (two
// letters), a common generic top-level domain, or an IDN ("xn--"), optionally
// followed by a path.
func domainLike(s string) bool {
	host := s
	if i := strings.IndexAny(host, "/?#:"); i >= 0 {
		host = host[:i]
	}
	host = strings.TrimRight(host, ".")
	labels := strings.Split(host, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.Trim(l, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			return false
		}
	}
	tld := labels[len(labels)-1]
	if strings.HasPrefix(tld, "xn--") {
		return true
	}
	if len(tld) == 2 && strings.Trim(tld, "abcdefghijklmnopqrstuvwxyz") == "" {
		return true
	}
	return commonTLDs[tld]
}

// commonTLDs are the generic top-level domains most seen in links, phishing
// included. Country codes are matched by their length instead.
var commonTLDs = map[string]bool{
	"com": true, "net": true, "org": true, "edu": true, "gov": true, "mil": true, "int": true,
	"info": true, "biz": true, "xyz": true, "top": true, "app": true, "dev": true, "site": true,
	"online": true, "shop": true, "store": true, "link": true, "click": true, "club": true,
	"live": true, "life": true, "tech": true, "vip": true, "work": true, "icu": true, "cyou": true,
	"buzz": true, "fun": true, "space": true, "website": true, "page": true, "pro": true,
	"mobi": true, "asia": true, "name": true, "zip": true, "mov": true, "kakao": true, "naver": true,
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
