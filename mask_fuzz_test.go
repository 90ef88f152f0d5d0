package followup_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/followup-go/followup"
)

// FuzzMask checks what the masks promise for any text, including text that
// is not valid UTF-8 or not what a parser would accept: MaskName keeps only
// the first and last letters, MaskEmail only the first character of a
// local part of two or more, and a masked number at most four digits of its
// own.
func FuzzMask(f *testing.F) {
	for _, s := range []string{
		"", "홍", "민지", "홍길동", "John Smith", "\xff\xfe\xfd", "a\xe4\xb8", "이 솔", "이·솔", "s@example.com",
		"sujin@example.com", "@@example.com", "kim@example.com 010-9876-5432",
		"+821012345678", "+6591234567", "+1", "010-1234-5678", "+82 10 1234 5678",
	} {
		f.Add(s)
	}
	// More seeds are in testdata/fuzz/FuzzMask.
	f.Fuzz(func(t *testing.T, s string) {
		// A masked name has as many characters as the name has letters (not
		// white space or punctuation), up to the first and last letters
		// around eight stars, and shows no other character.
		name := followup.MaskName(s)
		var letters []rune
		for _, r := range s {
			if !unicode.IsSpace(r) && !unicode.IsPunct(r) {
				letters = append(letters, r)
			}
		}
		m := min(len(letters), 10)
		if s != "" {
			m = max(m, 1)
		}
		if got := utf8.RuneCountInString(name); got != m {
			t.Errorf("MaskName(%q) = %q: %d characters, want %d", s, name, got, m)
		}
		for i, r := range []rune(name) {
			switch {
			case i == 0 && m > 1:
				if r != letters[0] {
					t.Errorf("MaskName(%q) = %q does not start with the first letter", s, name)
				}
			case i == m-1 && m > 2:
				if r != letters[len(letters)-1] {
					t.Errorf("MaskName(%q) = %q does not end with the last letter", s, name)
				}
			case r != '*':
				t.Errorf("MaskName(%q) = %q shows character %d", s, name, i)
			}
		}

		email := followup.MaskEmail(s)
		at := strings.LastIndexByte(email, '@')
		if local := email[:max(at, 0)]; utf8.RuneCountInString(strings.TrimSuffix(local, "***")) > 1 {
			t.Errorf("MaskEmail(%q) = %q shows more than one character of the local part", s, email)
		} else if local != "***" && local != "" {
			// It shows one: the address's local part must have more.
			addr := strings.TrimSpace(s)
			if utf8.RuneCountInString(addr[:strings.LastIndexByte(addr, '@')]) < 2 {
				t.Errorf("MaskEmail(%q) = %q shows the whole local part", s, email)
			}
		}
		if at < 0 && email != "" && email != "***" {
			t.Errorf("MaskEmail(%q) = %q, want \"***\" for text without an address", s, email)
		}

		phone := followup.Phone{E164: s}.Masked()
		own := phone
		if strings.HasPrefix(phone, "+") {
			// "+82 10-****-5678": the country code is not the number's own.
			_, own, _ = strings.Cut(phone, " ")
		}
		if d := countDigits(own); d > 4 {
			t.Errorf("Phone{E164: %q}.Masked() = %q shows %d digits", s, phone, d)
		}
	})
}

// countDigits returns the number of ASCII digits in s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			n++
		}
	}
	return n
}
