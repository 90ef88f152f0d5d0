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
	// maxNameInput bounds the input ParseName reads, in bytes: 64
	// characters of at most 4 bytes each, with ample room for the white
	// space that collapsing removes. Longer input is refused without being
	// read.
	maxNameInput = 1024
)

// ParseName checks a name as a customer types it and returns it normalized:
// surrounding white space trimmed, every inner run of white space made one
// ASCII space, and the text in Unicode NFC, so a name typed in decomposed
// form (Hangul as conjoining jamo, "e" + U+0308 for "ë") comes out composed
// and compares equal to the same name typed composed. White space is what
// [unicode.IsSpace] says it is: space, tab, line breaks (including NEL,
// U+0085, and U+2028/U+2029), the no-break space U+00A0, the ideographic
// space U+3000 and the other Unicode spaces.
//
// Names are echoed into the messages the workspace sends, so ParseName also
// refuses text that could turn the workspace's sender into a relay for
// someone else's message. It refuses, with a [*FieldError] for [FieldName],
// the faults below. When a name has several, the one listed first is
// reported, except for control and invisible characters: both are found in
// one pass over the text, so the character that comes first in the text
// decides ("\u200b\x00" is [CodeInvisibleCharacter], "\x00\u200b"
// [CodeControlCharacter]). A URL anywhere is reported before an email
// address, and an email address before a host name, wherever they stand.
//   - more than 1,024 bytes of input, valid or not ([CodeTooLong]);
//   - invalid UTF-8 ([CodeInvalidEncoding]);
//   - a control character that is not white space: C0 controls other than
//     tab and line breaks (NUL, BEL, ESC…), DEL, C1 controls other than NEL
//     ([CodeControlCharacter]);
//   - an invisible character ([CodeInvisibleCharacter]): any Unicode format
//     character (category Cf), among them the bidirectional embeddings,
//     overrides and isolates U+202A–U+202E and U+2066–U+2069, the marks
//     U+200E and U+200F, the zero-width space, non-joiner and joiner
//     U+200B–U+200D (so emoji joined with U+200D are refused too), the word
//     joiner U+2060, the byte-order mark U+FEFF and the soft hyphen U+00AD;
//     the other default-ignorable characters, among them the Hangul fillers
//     U+115F, U+1160, U+3164 and U+FFA0 and the combining grapheme joiner
//     U+034F; the blank Braille pattern U+2800; and a variation selector
//     (U+FE00–U+FE0F, U+E0100–U+E01EF…) at the start, after white space or
//     after another selector. The fillers and the blank pattern render as
//     nothing and are used to make a name look empty; a variation selector
//     after a character ("❤️", an ideographic variant of a kanji) is kept;
//   - a name of no characters once white space is trimmed ([CodeEmpty]);
//   - more than 64 characters (code points, after NFC) ([CodeTooLong]);
//   - a URL ([CodeContainsLink]): a scheme ("https://", any "xyz://"),
//     "www.", or the defanged "hxxp";
//   - an email address ([CodeContainsEmail]): an "@" followed by a host name
//     whose last label is two or more letters, also spelled out with spaces
//     ("kim @ example . com");
//   - a host name ([CodeContainsLink]): a word of dot-separated labels
//     ending in a two-letter country-code top-level domain ("bit.ly",
//     "example.co.kr"), a common generic one ("evil.com", "x.xyz"), a
//     Punycode one ("xn--…"), any top-level domain of letters followed by
//     "/" ("example.family/x"), or four dotted numbers ("192.0.2.1").
//
// The link and email checks read the name folded to NFKC compatibility
// form, case-insensitively and with the ideographic full stop "。" read as
// a dot, so a full-width "ｅｖｉｌ．ｃｏｍ" is caught as well. Labels may be
// in any script ("홍길동.com" is a link); the top-level domain of a link
// must be in ASCII. Dotted initials with spaces ("J. R. R. Tolkien",
// "Dr. Kim") and dotted names ending in a word that is not a listed
// top-level domain ("Anne.Marie", "J.R.R.Tolkien") are names. A title
// written without a space before a two-letter surname that is also a
// country code ("Mr.Li") is read as a host name and refused; with the space
// ("Mr. Li") it is a name. Spaced-out host names without "@"
// ("evil . com") are not detected: nobody can click them, and they could
// not be told from initials.
func ParseName(raw string) (string, error) {
	if len(raw) > maxNameInput {
		return "", fieldError(FieldName, CodeTooLong)
	}
	if !utf8.ValidString(raw) {
		return "", fieldError(FieldName, CodeInvalidEncoding)
	}
	// One pass to refuse control and invisible characters and to learn
	// whether the white space is already trimmed and collapsed.
	clean := true
	space := true // the previous rune was white space, or there is none
	// base: the previous rune is a character a variation selector may
	// follow: not white space and not itself a selector. Marks count, so
	// the rule holds after NFC decomposes the base ("שּׁ" U+FB2C).
	base := false
	for _, r := range raw {
		if unicode.IsSpace(r) { // before IsControl: tab, line breaks and NEL are both
			if r != ' ' || space {
				clean = false
			}
			space, base = true, false
			continue
		}
		if r < utf8.RuneSelf {
			if r < ' ' || r == 0x7f {
				return "", fieldError(FieldName, CodeControlCharacter)
			}
			space, base = false, true
			continue
		}
		switch {
		case unicode.IsControl(r):
			return "", fieldError(FieldName, CodeControlCharacter)
		case unicode.Is(unicode.Variation_Selector, r):
			if !base {
				return "", fieldError(FieldName, CodeInvisibleCharacter)
			}
			base = false // one selector per character
		case invisible(r):
			return "", fieldError(FieldName, CodeInvisibleCharacter)
		default:
			base = true
		}
		space = false
	}
	name := raw
	if !clean || space {
		name = collapseSpace(raw)
	}
	name = norm.NFC.String(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", fieldError(FieldName, CodeEmpty)
	case n > maxNameRunes:
		return "", fieldError(FieldName, CodeTooLong)
	}
	if c := linkCode(name); c != "" {
		return "", fieldError(FieldName, c)
	}
	return name, nil
}

// collapseSpace trims the white space around s and makes each inner run of
// it one ASCII space.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for word := range strings.FieldsSeq(s) {
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(word)
	}
	return b.String()
}

// invisible reports whether r, which is neither white space nor a control
// character nor a variation selector, renders as nothing: a format
// character (Cf), another default-ignorable code point (the Hangul fillers,
// the combining grapheme joiner, reserved ranges), or the blank Braille
// pattern.
func invisible(r rune) bool {
	switch {
	case r >= 0xAC00 && r <= 0xD7A3, r >= 0x3040 && r <= 0x30FF, r >= 0x4E00 && r <= 0x9FFF:
		return false // Hangul syllables, kana, CJK ideographs: the common case
	case r == 0x2800:
		return true
	}
	return unicode.In(r, unicode.Cf, unicode.Other_Default_Ignorable_Code_Point)
}

// linkCode returns CodeContainsLink or CodeContainsEmail if name holds a
// URL, a host name or an email address, and "" otherwise.
func linkCode(name string) Code {
	s := name
	if !isASCII(s) {
		// NFKC folds full-width and other compatibility forms of letters,
		// "．", "＠", "／" and "：", and "｡" to "。".
		s = strings.ReplaceAll(norm.NFKC.String(s), "。", ".")
	}
	if containsFold(s, "://") || containsFold(s, "www.") || containsFold(s, "hxxp") {
		return CodeContainsLink
	}
	// An email address: "@" and a host, perhaps spelled out with spaces.
	for i := strings.IndexByte(s, '@'); i >= 0; {
		if h := scanHost(s[i+1:], true); h.labels >= 2 && emailTLD(h.tld) {
			return CodeContainsEmail
		}
		next := strings.IndexByte(s[i+1:], '@')
		if next < 0 {
			break
		}
		i += 1 + next
	}
	// A host name: a word of dotted labels. One written before an '@' is
	// judged too: an address was refused above, and a host name before an
	// '@' that starts none ("evil.com@") is still a link a messenger shows.
	prevLabel := false
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !labelRune(r) {
			prevLabel = r == '.' || r == '-'
			i += size
			continue
		}
		if prevLabel {
			i += size
			continue
		}
		h := scanHost(s[i:], false)
		end := i + max(h.end, size)
		if linkHost(h, end < len(s) && s[end] == '/') {
			return CodeContainsLink
		}
		i, prevLabel = end, false
	}
	return ""
}

// host is what scanHost found: the number of labels, the last of them,
// whether all of them are numbers, and where the host ends.
type host struct {
	labels  int
	tld     string
	numeric bool
	end     int
}

// scanHost reads the dot-separated labels at the start of s. A label is a
// run of letters, digits, marks and hyphens; an empty label (".." or a
// leading dot) ends the host. With spaced, ASCII spaces may also stand
// before the first label and around the dots ("example . com"); a space
// between two labels without a dot ends the host.
func scanHost(s string, spaced bool) host {
	h := host{numeric: true}
	var (
		label      string // the label just read and not yet followed by a dot
		inLabel    bool   // a label is being read, from labelStart
		labelStart int
		digits     bool // the current label is all digits
	)
	i := 0
scan:
	for i < len(s) {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case labelRune(r):
			if !inLabel {
				if label != "" {
					break scan // "ab cd": two words
				}
				inLabel, labelStart, digits = true, i, true
			}
			if r < '0' || r > '9' {
				digits = false
			}
		case r == ' ' && spaced:
			if inLabel {
				label, inLabel = s[labelStart:i], false
			}
		case r == '.':
			if inLabel {
				label, inLabel = s[labelStart:i], false
			}
			if label == "" {
				break scan // an empty label
			}
			h.labels++
			h.tld, h.numeric, label = label, h.numeric && digits, ""
			h.end = i + size
		default:
			break scan
		}
		i += size
	}
	if inLabel {
		label = s[labelStart:i]
	}
	if label != "" {
		h.labels++
		h.tld, h.numeric = label, h.numeric && digits
		h.end = labelStart + len(label)
	}
	if h.labels == 0 {
		h.numeric = false
	}
	return h
}

// labelRune reports whether r may be part of a host label: a letter, a
// digit, a mark or a hyphen.
func labelRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-'
	}
	return unicode.In(r, unicode.L, unicode.Nd, unicode.M)
}

// emailTLD reports whether tld may end the domain of an email address: two
// or more letters of any script, or an ASCII-encoded IDN ("xn--…").
func emailTLD(tld string) bool {
	if hasPrefixFold(tld, "xn--") {
		return true
	}
	n := 0
	for _, r := range tld {
		if !unicode.IsLetter(r) {
			return false
		}
		n++
	}
	return n >= 2
}

// linkHost reports whether h reads as a link's host name: four dotted
// numbers, or two or more labels ending in a known or Punycode top-level
// domain, or in any ASCII top-level domain when a path follows.
func linkHost(h host, path bool) bool {
	if h.labels == 4 && h.numeric {
		return true
	}
	if h.labels < 2 {
		return false
	}
	if hasPrefixFold(h.tld, "xn--") {
		return true
	}
	if len(h.tld) < 2 || len(h.tld) > maxLabel {
		return false
	}
	var buf [maxLabel]byte
	for i := 0; i < len(h.tld); i++ {
		c := h.tld[i] | 0x20 // lower-case an ASCII letter
		if c < 'a' || c > 'z' {
			return false
		}
		buf[i] = c
	}
	tld := buf[:len(h.tld)]
	return path || len(tld) == 2 && countryTLD(tld[0], tld[1]) || genericTLD(string(tld))
}

// maxLabel is the longest label the DNS allows, in bytes.
const maxLabel = 63

// countryTLDs are the two-letter country-code top-level domains in the DNS
// root zone, in pairs.
const countryTLDs = "" +
	"acadaeafagaialamaoaqarasatauawaxaz" +
	"babbbdbebfbgbhbibjbmbnbobqbrbsbtbvbwbybz" +
	"cacccdcfcgchcickclcmcncocrcucvcwcxcycz" +
	"dedjdkdmdodz" +
	"eceeegereseteu" +
	"fifjfkfmfofr" +
	"gagbgdgegfggghgiglgmgngpgqgrgsgtgugwgy" +
	"hkhmhnhrhthu" +
	"idieiliminioiqirisit" +
	"jejmjojp" +
	"kekgkhkikmknkpkrkwkykz" +
	"lalblclilklrlsltlulvly" +
	"mamcmdmemgmhmkmlmmmnmompmqmrmsmtmumvmwmxmymz" +
	"nancnenfngninlnonpnrnunz" +
	"om" +
	"papepfpgphpkplpmpnprpsptpwpy" +
	"qa" +
	"rerorsrurw" +
	"sasbscsdsesgshsisjskslsmsnsosrssstsusvsxsysz" +
	"tctdtftgthtjtktltmtntotrtttvtwtz" +
	"uaugukusuyuz" +
	"vavcvevgvivnvu" +
	"wfws" +
	"yeyt" +
	"zazmzw"

// countryTLD reports whether the lower-case letters a, b are a country-code
// top-level domain.
func countryTLD(a, b byte) bool {
	for i := 0; i+1 < len(countryTLDs); i += 2 {
		if countryTLDs[i] == a && countryTLDs[i+1] == b {
			return true
		}
	}
	return false
}

// genericTLD reports whether tld, in lower case, is one of the generic
// top-level domains most seen in links, phishing and spam included. Words
// that are also given names or surnames (".kim", ".page", ".best") are left
// out on purpose.
func genericTLD(tld string) bool {
	switch tld {
	case "com", "net", "org", "edu", "gov", "mil", "int", "info", "biz", "mobi", "asia", "pro",
		"xyz", "top", "app", "dev", "site", "online", "shop", "store", "link", "click", "club",
		"live", "tech", "vip", "work", "icu", "cyou", "buzz", "fun", "space", "website", "zip",
		"mov", "lol", "sbs", "cfd", "bond", "win", "bid", "loan", "support", "help":
		return true
	}
	return false
}

// containsFold reports whether s contains sub, which is lower-case ASCII,
// ignoring ASCII case.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if hasPrefixFold(s[i:], sub) {
			return true
		}
	}
	return false
}

// hasPrefixFold reports whether s starts with prefix, which is lower-case
// ASCII, ignoring ASCII case.
func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
