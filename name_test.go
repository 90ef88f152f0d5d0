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

type nameResult struct {
	Name string
	Code followup.Code
}

func parseNameResult(raw string) nameResult {
	name, err := followup.ParseName(raw)
	if err != nil {
		var fe *followup.FieldError
		if !errors.As(err, &fe) || fe.Field != followup.FieldName {
			return nameResult{Code: followup.Code("unexpected: " + err.Error())}
		}
		return nameResult{Code: fe.Code}
	}
	return nameResult{Name: name}
}

func TestParseNameGood(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"홍길동", "홍길동"},
		{"  김   민지 ", "김 민지"},
		{"김\t\n민지", "김 민지"},
		{"山田\u3000太郎", "山田 太郎"},
		{"Zoe\u0308 Kim", "Zoë Kim"},                                      // NFD in, NFC out
		{"\u1112\u1169\u11bc\u1100\u1175\u11af\u1103\u1169\u11bc", "홍길동"}, // decomposed jamo
		{"O'Neil", "O'Neil"},
		{"Mary-Jane", "Mary-Jane"},
		{"J. R. R. Tolkien", "J. R. R. Tolkien"},
		{"Dr. Kim", "Dr. Kim"},
		{"Anne.Marie", "Anne.Marie"},
		{"Kim @ work", "Kim @ work"},
		{strings.Repeat("가", 64), strings.Repeat("가", 64)},
		{"\u00a0홍길동\u00a0", "홍길동"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(nameResult{Name: tt.want}, parseNameResult(tt.raw)); diff != "" {
			t.Errorf("ParseName(%q) (-want +got):\n%s", tt.raw, diff)
		}
	}
}

func TestParseNameHostile(t *testing.T) {
	type tc struct {
		name, raw string
		want      followup.Code
	}
	var tests []tc
	// Every bidirectional override and isolate, every zero-width character,
	// the byte-order mark and the Hangul fillers, inside a name.
	invisible := []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
		0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF, 0x00AD, 0x3164, 0x115F, 0x1160}
	for _, r := range invisible {
		tests = append(tests, tc{fmt.Sprintf("U+%04X", r), "홍" + string(r) + "길동", followup.CodeInvisibleCharacter})
	}
	for _, r := range []rune{0x00, 0x07, 0x08, 0x1B, 0x7F, 0x80, 0x9B} {
		tests = append(tests, tc{fmt.Sprintf("U+%04X", r), "Kim" + string(r) + "Minji", followup.CodeControlCharacter})
	}
	tests = append(tests,
		tc{"only a bidi override", "\u202E", followup.CodeInvisibleCharacter},
		tc{"1 MB", strings.Repeat("가", 1<<20/3), followup.CodeTooLong},
		tc{"65 characters", strings.Repeat("가", 65), followup.CodeTooLong},
		tc{"invalid UTF-8", "Kim\xffMinji", followup.CodeInvalidEncoding},
		tc{"truncated UTF-8", "\xed\x95", followup.CodeInvalidEncoding},
		tc{"a URL", "https://evil.example/login", followup.CodeContainsLink},
		tc{"a scheme", "javascript://x", followup.CodeContainsLink},
		tc{"www", "www.evil", followup.CodeContainsLink},
		tc{"a bare domain", "visit evil.com", followup.CodeContainsLink},
		tc{"a short link", "bit.ly/abc", followup.CodeContainsLink},
		tc{"a Korean domain", "김민지 naver.co.kr", followup.CodeContainsLink},
		tc{"a full-width domain", "ｅｖｉｌ．ｃｏｍ", followup.CodeContainsLink},
		tc{"an ideographic full stop", "evil。com", followup.CodeContainsLink},
		tc{"an email", "minji@example.com", followup.CodeContainsEmail},
		tc{"an email in a sentence", "mail me: minji@example.com", followup.CodeContainsEmail},
		tc{"a spaced-out email", "minji @ example . com", followup.CodeContainsEmail},
		tc{"only spaces", "   \t  ", followup.CodeEmpty},
		tc{"empty", "", followup.CodeEmpty},
	)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(nameResult{Code: tt.want}, parseNameResult(tt.raw)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func FuzzParseName(f *testing.F) {
	for _, s := range []string{"홍길동", "  김   민지 ", "Zoe\u0308", "J. R. R. Tolkien", "evil.com", "a@b.co", "\u202Eabc", "\xff", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		name, err := followup.ParseName(raw)
		if err != nil {
			var fe *followup.FieldError
			if !errors.As(err, &fe) || fe.Field != followup.FieldName {
				t.Fatalf("error %v is not a name field error", err)
			}
			if s := strings.TrimSpace(raw); len(s) >= 6 && strings.Contains(err.Error(), s) {
				t.Fatalf("error holds the input")
			}
			return
		}
		if !utf8.ValidString(name) || !norm.NFC.IsNormalString(name) {
			t.Fatalf("result %q is not valid NFC UTF-8", name)
		}
		if n := utf8.RuneCountInString(name); n == 0 || n > 64 {
			t.Fatalf("result has %d characters", n)
		}
		for _, r := range name {
			if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
				t.Fatalf("result holds U+%04X", r)
			}
		}
		again, err := followup.ParseName(name)
		if err != nil || again != name {
			t.Fatalf("normalized %q parses to %q, %v", name, again, err)
		}
	})
}

func BenchmarkParseName(b *testing.B) {
	for _, name := range []string{"Minji Kim", "홍길동"} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := followup.ParseName(name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
