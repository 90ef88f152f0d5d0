package followup_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/followup-go/followup"
)

// nameResult is ParseName's answer in a form cmp.Diff can compare.
type nameResult struct {
	Name string
	Code followup.Code
}

func parseNameResult(raw string) nameResult {
	name, err := followup.ParseName(raw)
	if err != nil {
		fe, ok := errors.AsType[*followup.FieldError](err)
		if !ok || fe.Field != followup.FieldName {
			return nameResult{Code: followup.Code("unexpected: " + err.Error())}
		}
		return nameResult{Code: fe.Code}
	}
	return nameResult{Name: name}
}

func TestParseNameGood(t *testing.T) {
	tests := []struct{ name, raw, want string }{
		{"Hangul", "홍길동", "홍길동"},
		{"trimmed and collapsed", "  김   민지 ", "김 민지"},
		{"tab and line breaks", "\t김\r\n\t민지\n", "김 민지"},
		{"NEL is a line break", "김\u0085민지", "김 민지"},
		{"line and paragraph separators", "김\u2028민지\u2029", "김 민지"},
		{"no-break space", "\u00a0홍길동\u00a0", "홍길동"},
		{"ideographic space", "山田\u3000太郎", "山田 太郎"},
		{"kanji and a space", "山田 太郎", "山田 太郎"},
		{"NFD in, NFC out", "Zoe\u0308", "Zoë"},
		{"decomposed jamo", "\u1112\u1169\u11bc\u1100\u1175\u11af\u1103\u1169\u11bc", "홍길동"},
		{"apostrophe", "O'Neil", "O'Neil"},
		{"hyphen", "Mary-Jane", "Mary-Jane"},
		{"hyphen and apostrophe", "Mary-Jane O'Neil", "Mary-Jane O'Neil"},
		{"initials", "J. R. R. Tolkien", "J. R. R. Tolkien"},
		{"initials without spaces", "J.R.R.Tolkien", "J.R.R.Tolkien"},
		{"title", "Dr. Kim", "Dr. Kim"},
		{"title before a two-letter surname, spaced", "Mr. Li", "Mr. Li"},
		{"dotted name, not a known TLD", "Anne.Marie", "Anne.Marie"},
		{"title glued to a two-letter surname that is no country code", "Dr.Oh", "Dr.Oh"},
		{"katakana middle dot", "マイケル・ジョーダン", "マイケル・ジョーダン"},
		{"Hangul middle dot", "마이클·조던", "마이클·조던"},
		{"at sign without a domain", "Kim @ work", "Kim @ work"},
		{"handle", "@minji", "@minji"},
		{"emoji with a variation selector", "Minji ❤\ufe0f", "Minji ❤\ufe0f"},
		{"ideographic variation sequence", "葛\U000E0100飾", "葛\U000E0100飾"},
		// Found by FuzzParseName: NFC decomposes U+FB2C into a letter and two
		// marks, and the selector must still be accepted after them.
		{"variation selector after a decomposed base", "\uFB2C\uFE0C", "\u05E9\u05BC\u05C1\uFE0C"},
		{"64 characters", strings.Repeat("가", 64), strings.Repeat("가", 64)},
		{"64 characters after NFC", strings.Repeat("\u1100\u1161", 64), strings.Repeat("가", 64)},
		{"1024 bytes, mostly space", strings.Repeat(" ", 1024-9) + "홍길동", "홍길동"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(nameResult{Name: tt.want}, parseNameResult(tt.raw)); diff != "" {
				t.Errorf("ParseName(%q) (-want +got):\n%s", tt.raw, diff)
			}
			if diff := cmp.Diff(nameResult{Name: tt.want}, parseNameResult(tt.want)); diff != "" {
				t.Errorf("ParseName(%q), parsing the result again (-want +got):\n%s", tt.want, diff)
			}
		})
	}
}

func TestParseNameHostile(t *testing.T) {
	type tc struct {
		name, raw string
		want      followup.Code
	}
	var tests []tc
	// Each bidirectional control, zero-width and other format character,
	// default-ignorable filler and blank, alone and inside a name.
	invisible := []rune{
		0x202A, 0x202B, 0x202C, 0x202D, 0x202E, // embeddings and overrides
		0x2066, 0x2067, 0x2068, 0x2069, // isolates
		0x200B, 0x200C, 0x200D, 0x200E, 0x200F, // zero-width space, ZWNJ, ZWJ, LRM, RLM
		0x2060, 0xFEFF, 0x00AD, 0x180E, 0x061C, // word joiner, BOM, soft hyphen, MVS, ALM
		0xE0001, 0xE0041, // language tag, tag letter A
		0x3164, 0x115F, 0x1160, 0xFFA0, // Hangul fillers
		0x034F, 0x2800, // combining grapheme joiner, blank Braille pattern
	}
	for _, r := range invisible {
		tests = append(tests,
			tc{fmt.Sprintf("U+%04X inside", r), "홍" + string(r) + "길동", followup.CodeInvisibleCharacter},
			tc{fmt.Sprintf("U+%04X alone", r), string(r), followup.CodeInvisibleCharacter})
	}
	// Control characters that are not white space: C0, DEL and C1.
	for _, r := range []rune{0x00, 0x01, 0x07, 0x08, 0x1B, 0x7F, 0x80, 0x9B, 0x9F} {
		tests = append(tests, tc{fmt.Sprintf("U+%04X", r), "Kim" + string(r) + "Minji", followup.CodeControlCharacter})
	}
	tests = append(tests,
		tc{"a variation selector alone", "\ufe0f", followup.CodeInvisibleCharacter},
		tc{"a variation selector after a space", "Kim \ufe0f", followup.CodeInvisibleCharacter},
		tc{"two variation selectors", "❤\ufe0f\ufe0f", followup.CodeInvisibleCharacter},
		tc{"an emoji ZWJ sequence", "Kim 👩\u200d💻", followup.CodeInvisibleCharacter},
		tc{"a control before invalid UTF-8", "\x00\xff", followup.CodeInvalidEncoding},
		// Control and invisible characters: the first in the text decides.
		tc{"an invisible before a control", "\u200b\x00", followup.CodeInvisibleCharacter},
		tc{"a control before an invisible", "\x00\u200b", followup.CodeControlCharacter},
		// Links and addresses: the order of the checks decides.
		tc{"an email before a URL", "minji@example.com https://x", followup.CodeContainsLink},
		tc{"a host name before an email", "evil.com minji@example.com", followup.CodeContainsEmail},
		tc{"a link in too long a name", strings.Repeat("가", 60) + " evil.com", followup.CodeTooLong},
		tc{"invalid UTF-8", "\xff", followup.CodeInvalidEncoding},
		tc{"invalid UTF-8 inside", "Kim\xffMinji", followup.CodeInvalidEncoding},
		tc{"truncated UTF-8", "\xed\x95", followup.CodeInvalidEncoding},
		tc{"a UTF-16 surrogate", "\xed\xa0\x80", followup.CodeInvalidEncoding},
		tc{"1 MB of letters", strings.Repeat("가", 1<<20/3), followup.CodeTooLong},
		tc{"1 MB of invalid UTF-8", strings.Repeat("\xff", 1<<20), followup.CodeTooLong},
		tc{"1025 bytes", strings.Repeat(" ", 1025-9) + "홍길동", followup.CodeTooLong},
		tc{"65 characters", strings.Repeat("가", 65), followup.CodeTooLong},
		tc{"65 characters after NFC", strings.Repeat("\u1100\u1161", 65), followup.CodeTooLong},
		tc{"only spaces", "   \t \u3000 \n ", followup.CodeEmpty},
		tc{"empty", "", followup.CodeEmpty},

		tc{"a URL", "https://evil.example/login", followup.CodeContainsLink},
		tc{"an http URL in a name", "Kim http://x", followup.CodeContainsLink},
		tc{"an upper-case URL", "HTTPS://EVIL.EXAMPLE", followup.CodeContainsLink},
		tc{"any scheme", "javascript://x", followup.CodeContainsLink},
		tc{"www", "www.evil", followup.CodeContainsLink},
		tc{"defanged", "hxxps[:]//evil[.]com", followup.CodeContainsLink},
		tc{"a bare domain", "visit evil.com", followup.CodeContainsLink},
		tc{"an upper-case domain", "EVIL.COM", followup.CodeContainsLink},
		tc{"a domain in brackets", "Kim (evil.com)", followup.CodeContainsLink},
		tc{"a domain at a sentence end", "see evil.com.", followup.CodeContainsLink},
		tc{"a short link", "bit.ly/abc", followup.CodeContainsLink},
		tc{"a short link without a path", "bit.ly", followup.CodeContainsLink},
		tc{"any TLD with a path", "example.family/x", followup.CodeContainsLink},
		tc{"any TLD with a trailing dot and a path", "example.family./x", followup.CodeContainsLink},
		tc{"a 24-letter TLD with a path", "example." + strings.Repeat("x", 24) + "/x", followup.CodeContainsLink},
		tc{"a 60-letter TLD with a path, in a name of 64 characters", "x." + strings.Repeat("x", 60) + "/x", followup.CodeContainsLink},
		tc{"a 63-letter TLD folded from ligatures, with a path", "x." + strings.Repeat("ﬃ", 21) + "/x", followup.CodeContainsLink},
		tc{"a generic TLD ending in z", "x.xyz", followup.CodeContainsLink},
		tc{"an upper-case generic TLD ending in Z", "EVIL.XYZ", followup.CodeContainsLink},
		tc{"an upper-case country code starting with A", "EVIL.AU", followup.CodeContainsLink},
		tc{"a defanged scheme at the end", "Minji hxxp", followup.CodeContainsLink},
		tc{"a defanged scheme alone", "hxxp", followup.CodeContainsLink},
		tc{"an upper-case defanged URL", "HXXPS[:]//EVIL[.]COM", followup.CodeContainsLink},
		tc{"a Korean domain", "김민지 example.co.kr", followup.CodeContainsLink},
		tc{"a domain glued to a name", "김민지naver.com", followup.CodeContainsLink},
		tc{"a Hangul label", "홍길동.com", followup.CodeContainsLink},
		tc{"a homograph label", "gооgle.com", followup.CodeContainsLink}, // Cyrillic о
		tc{"Punycode", "xn--9n2bp8q.xn--3e0b707e", followup.CodeContainsLink},
		tc{"an IPv4 address", "Kim 192.0.2.1", followup.CodeContainsLink},
		tc{"an IPv4 address of nines", "9.9.9.9", followup.CodeContainsLink},
		tc{"full-width", "ｅｖｉｌ．ｃｏｍ", followup.CodeContainsLink},
		tc{"an ideographic full stop", "evil。com", followup.CodeContainsLink},
		tc{"a half-width ideographic full stop", "evil｡com", followup.CodeContainsLink},
		tc{"a title glued to a two-letter surname", "Mr.Li", followup.CodeContainsLink},
		tc{"a host name before an at sign", "visit evil.com@", followup.CodeContainsLink},
		tc{"a host name before an at sign and no domain", "evil.com@x", followup.CodeContainsLink},
		tc{"a host name with a trailing dot before an at sign", "evil.com.@x", followup.CodeContainsLink},

		tc{"an email", "minji@example.com", followup.CodeContainsEmail},
		tc{"an email with a dotted local part", "kim.jo@example.com", followup.CodeContainsEmail},
		tc{"an email with any TLD", "minji@example.family", followup.CodeContainsEmail},
		tc{"an email with no local part", "@example.family", followup.CodeContainsEmail},
		tc{"an email after a doubled at sign", "minji@@example.family", followup.CodeContainsEmail},
		tc{"an email after a stray at sign", "a@bcd@example.family", followup.CodeContainsEmail},
		tc{"an email in a sentence", "mail me: minji@example.com please", followup.CodeContainsEmail},
		tc{"a spaced-out email", "a @ b . co", followup.CodeContainsEmail},
		tc{"a spaced-out email in words", "minji @ example . com", followup.CodeContainsEmail},
		tc{"a full-width at sign", "minji＠example.com", followup.CodeContainsEmail},
		tc{"a Unicode email domain", "minji@예시.한국", followup.CodeContainsEmail},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(nameResult{Code: tt.want}, parseNameResult(tt.raw)); diff != "" {
				t.Errorf("ParseName(%.60q) (-want +got):\n%s", tt.raw, diff)
			}
		})
	}
}

// TestParseNameErrorHoldsNoName checks the privacy rule: an error string
// never repeats the answer.
func TestParseNameErrorHoldsNoName(t *testing.T) {
	for _, raw := range []string{"Gildong\x00Hong", "Gildong Hong evil.com", "gildong@example.com", "Gildong\u202eHong"} {
		_, err := followup.ParseName(raw)
		if err == nil {
			t.Fatalf("ParseName(%q) accepted", raw)
		}
		if msg := err.Error(); strings.Contains(msg, "Gildong") || strings.Contains(msg, "gildong") || strings.Contains(msg, "evil") {
			t.Errorf("ParseName(%q) error %q holds the name", raw, msg)
		}
	}
}

// nameCodes are the codes ParseName may return.
var nameCodes = map[followup.Code]bool{
	followup.CodeEmpty:              true,
	followup.CodeTooLong:            true,
	followup.CodeInvalidEncoding:    true,
	followup.CodeControlCharacter:   true,
	followup.CodeInvisibleCharacter: true,
	followup.CodeContainsLink:       true,
	followup.CodeContainsEmail:      true,
}

func FuzzParseName(f *testing.F) {
	// More seeds are in testdata/fuzz/FuzzParseName.
	f.Add("홍길동")
	f.Add("")
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := followup.ParseName(raw)
		if err != nil {
			fe, ok := errors.AsType[*followup.FieldError](err)
			if !ok || fe.Field != followup.FieldName || !nameCodes[fe.Code] {
				t.Fatalf("error %v is not a name field error with a known code", err)
			}
			if s := strings.TrimSpace(raw); len(s) >= 6 && strings.Contains(err.Error(), s) {
				t.Fatalf("error %q holds the input", err)
			}
			return
		}
		if !utf8.ValidString(name) || !norm.NFC.IsNormalString(name) {
			t.Fatalf("result %q is not valid NFC UTF-8", name)
		}
		if n := utf8.RuneCountInString(name); n == 0 || n > 64 {
			t.Fatalf("result %q has %d characters", name, n)
		}
		if name != strings.Join(strings.Fields(name), " ") {
			t.Fatalf("result %q has untrimmed or uncollapsed white space", name)
		}
		for _, r := range name {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("result %q holds U+%04X", name, r)
			}
		}
		again, err := followup.ParseName(name)
		if err != nil || again != name {
			t.Fatalf("normalized %q parses to %q, %v", name, again, err)
		}
	})
}

func BenchmarkParseName(b *testing.B) {
	for _, bb := range []struct{ name, raw string }{
		{"ASCII", "Minji Kim"},
		{"Hangul", "홍길동"},
		{"HangulSpaced", "  김   민지 "},
		{"Kanji", "山田 太郎"},
	} {
		b.Run(bb.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := followup.ParseName(bb.raw); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func ExampleParseName() {
	name, err := followup.ParseName("  김   민지 ")
	fmt.Printf("%q %v\n", name, err)

	_, err = followup.ParseName("Minji visit evil.com")
	if fe, ok := errors.AsType[*followup.FieldError](err); ok {
		fmt.Println(fe.Code)
		fmt.Println(fe.Message("en"))
	}
	// Output:
	// "김 민지" <nil>
	// containsLink
	// A name cannot contain a web address.
}
