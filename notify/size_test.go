package notify_test

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/korean"

	"github.com/followup-go/followup/notify"
)

func TestEUCKRLenAndKind(t *testing.T) {
	type result struct {
		Bytes, Unencodable int
		Kind               notify.TextKind
		TooLong            bool
	}
	tests := []struct {
		name, text string
		want       result
	}{
		{"empty", "", result{0, 0, notify.KindSMS, false}},
		{"ascii", "Hello", result{5, 0, notify.KindSMS, false}},
		{"hangul", "안녕하세요", result{10, 0, notify.KindSMS, false}},
		{"mixed", "답변: OK!", result{9, 0, notify.KindSMS, false}},
		{"hanja and kana are KS X 1001", "漢字かな", result{8, 0, notify.KindSMS, false}},
		{"emoji", "감사합니다🙂", result{12, 1, notify.KindSMS, false}},
		// x/text's EUC-KR is the CP949 superset carriers use: every syllable.
		{"syllables outside KS X 1001", "똠방각하 뷁", result{11, 0, notify.KindSMS, false}},
		{"90 ascii bytes: SMS", strings.Repeat("a", 90), result{90, 0, notify.KindSMS, false}},
		{"91 ascii bytes: LMS", strings.Repeat("a", 91), result{91, 0, notify.KindLMS, false}},
		{"45 syllables = 90 bytes: SMS", strings.Repeat("가", 45), result{90, 0, notify.KindSMS, false}},
		{"45 syllables + 1 byte: LMS", strings.Repeat("가", 45) + "a", result{91, 0, notify.KindLMS, false}},
		{"2000 bytes: LMS", strings.Repeat("가", 1000), result{2000, 0, notify.KindLMS, false}},
		{"2001 bytes: refused", strings.Repeat("가", 1000) + "a", result{2001, 0, 0, true}},
		{"emoji at the boundary count 2", strings.Repeat("a", 88) + "🙂", result{90, 1, notify.KindSMS, false}},
		{"invalid UTF-8", "a\xffb", result{4, 1, notify.KindSMS, false}},
		{"a truncated syllable", "\xea\xb0", result{4, 2, notify.KindSMS, false}},
		{"a surrogate", "\xed\xa0\x80", result{6, 3, notify.KindSMS, false}},
		{"symbols of KS X 1001", "※★·…", result{8, 0, notify.KindSMS, false}},
		{"a compatibility jamo and a Yi syllable", "ㅋꀀ", result{4, 1, notify.KindSMS, false}},
		{"2,000 bytes of mixed text: LMS", strings.Repeat("가a", 666) + "가a", result{2001, 0, 0, true}},
		{"1,999 bytes of mixed text then a syllable: refused", strings.Repeat("a", 1999) + "가", result{2001, 0, 0, true}},
		{"1,998 bytes then a syllable: LMS", strings.Repeat("a", 1998) + "가", result{2000, 0, notify.KindLMS, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got result
			got.Bytes, got.Unencodable = notify.EUCKRLen(tt.text)
			k, err := notify.KindOf(tt.text)
			got.Kind, got.TooLong = k, errors.Is(err, notify.ErrTooLong)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUnencodable(t *testing.T) {
	got := notify.Unencodable("안녕🙂 똠방 🙂👍 abc")
	if diff := cmp.Diff([]rune{'🙂', '👍'}, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if got := notify.Unencodable("안녕하세요 hello"); got != nil {
		t.Errorf("Unencodable of encodable text = %q", got)
	}
}

// Every Hangul syllable is two bytes, as the encoder says: EUCKRLen counts
// them without it.
func TestEUCKRLenHangulAgreesWithTheEncoder(t *testing.T) {
	enc := korean.EUCKR.NewEncoder()
	for r := rune(0xAC00); r <= 0xD7A3; r++ {
		b, err := enc.String(string(r))
		n, bad := notify.EUCKRLen(string(r))
		if err != nil || len(b) != 2 || n != 2 || bad != 0 {
			t.Fatalf("%U: encoder %d bytes (%v), EUCKRLen %d, %d", r, len(b), err, n, bad)
		}
	}
}

func TestEUCKRLenDoesNotAllocate(t *testing.T) {
	text := "상담원 답변입니다. ※ 확인해 주세요 🙂 Thanks!"
	if n := testing.AllocsPerRun(100, func() { notify.EUCKRLen(text) }); n != 0 {
		t.Errorf("EUCKRLen allocates %v times", n)
	}
}

func FuzzEUCKRLen(f *testing.F) {
	for _, s := range []string{"", "hello", "안녕하세요", "🙂", "똠", "a\xffb", strings.Repeat("가", 46)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, bad := notify.EUCKRLen(s)
		runes := utf8.RuneCountInString(s)
		if n < runes || n > 2*runes {
			t.Fatalf("EUCKRLen = %d for %d characters", n, runes)
		}
		if bad > runes {
			t.Fatalf("%d unencodable of %d characters", bad, runes)
		}
		// The encoder is the oracle: it encodes s to n bytes exactly when
		// nothing is unencodable.
		if b, err := korean.EUCKR.NewEncoder().String(s); utf8.ValidString(s) && (err == nil) != (bad == 0) {
			t.Fatalf("encoder error %v, EUCKRLen %d unencodable", err, bad)
		} else if err == nil && len(b) != n {
			t.Fatalf("encoder %d bytes, EUCKRLen %d", len(b), n)
		}
		if u := notify.Unencodable(s); len(u) > bad || (bad > 0) != (len(u) > 0) {
			t.Fatalf("Unencodable finds %d distinct characters, EUCKRLen counts %d", len(u), bad)
		}
		k, err := notify.KindOf(s)
		switch {
		case n <= notify.SMSMaxBytes && k != notify.KindSMS,
			n > notify.SMSMaxBytes && n <= notify.LMSMaxBytes && k != notify.KindLMS,
			n > notify.LMSMaxBytes && !errors.Is(err, notify.ErrTooLong):
			t.Fatalf("KindOf = %v, %v for %d bytes", k, err, n)
		}
	})
}

func BenchmarkEUCKRLen(b *testing.B) {
	text := strings.Repeat("상담원 답변입니다. Thanks! ", 20)
	b.ReportAllocs()
	for b.Loop() {
		notify.EUCKRLen(text)
	}
}

// Bytes that look like a Hangul syllable's but are no valid UTF-8 count as
// unencodable, one by one, never as the syllable they spell.
func TestEUCKRLenMalformedSyllables(t *testing.T) {
	type result struct{ Bytes, Unencodable int }
	tests := []struct {
		name, text string
		want       result
	}{
		{"a continuation byte leads", "\xba\xb0\x80", result{6, 3}},
		{"a lead byte past 0xED", "\xfa\xb0\x80", result{6, 3}},
		{"the second byte is ASCII", "\xea0\x80", result{5, 2}},
		{"the third byte is ASCII", "\xea\xb00", result{5, 2}},
		{"the first and last syllables", "\xea\xb0\x80\xed\x9e\xa3", result{4, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, u := notify.EUCKRLen(tt.text)
			if diff := cmp.Diff(tt.want, result{n, u}); diff != "" {
				t.Errorf("EUCKRLen(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestUnencodableBounds(t *testing.T) {
	tests := []struct {
		text string
		want []rune
	}{
		{"\u007f\u0080", []rune{0x80}},
		{"가힣", nil},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, notify.Unencodable(tt.text)); diff != "" {
			t.Errorf("Unencodable(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

// Unencodable stays linear in text full of distinct characters EUC-KR
// cannot encode: each is reported once, in order, past the few a scan
// handles.
func TestUnencodableManyDistinct(t *testing.T) {
	var b strings.Builder
	var want []rune
	for r := rune(0x20000); r < 0x20000+5000; r++ { // CJK Extension B
		b.WriteRune(r)
		want = append(want, r)
	}
	b.WriteString(b.String()) // every one again
	got := notify.Unencodable(b.String())
	if !slices.Equal(got, want) {
		t.Fatalf("%d characters reported, want %d in order of first appearance", len(got), len(want))
	}
}

// BenchmarkUnencodable grows the number of distinct characters EUC-KR
// cannot encode: time per character stays flat (linear), where a scan of
// those found was quadratic.
func BenchmarkUnencodable(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		var sb strings.Builder
		for r := rune(0x20000); r < 0x20000+rune(n); r++ {
			sb.WriteRune(r)
		}
		s := sb.String()
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				notify.Unencodable(s)
			}
		})
	}
}
