package notifytest

import (
	"errors"
	"strings"
	"testing"
)

func TestHoldsAnyText(t *testing.T) {
	text := "안녕하세요, 김민지님. 상담원이 답변을 남겼습니다."
	tests := []struct {
		err  string
		want bool
	}{
		{"rejected: " + text, true},
		{"rejected: 김민지님. 상담원이 답변을 남겼", true},                                    // 16 characters in a row
		{"REJECTED: " + strings.ToUpper("Hello Minji, an agent replied"), false}, // another text
		{"rejected: 김민지님. 상담원이", false},                                          // fewer than 16
		{"rejected", false},
	}
	for _, tt := range tests {
		if got := holdsAnyText(errors.New(tt.err), []string{"", "short", text}); got != tt.want {
			t.Errorf("holdsAnyText(%q) = %t, want %t", tt.err, got, tt.want)
		}
	}
	if !holdsAnyText(errors.New("x: HELLO MINJI, AN AGENT REPLIED"), []string{"Hello Minji, an agent replied"}) {
		t.Error("holdsAnyText is case-sensitive")
	}
	if holdsAnyText(nil, []string{text}) {
		t.Error("holdsAnyText(nil) = true")
	}
}

func TestHoldsRecipient(t *testing.T) {
	tests := []struct {
		err  string
		to   string
		want bool
	}{
		// A number, as it is and in the national forms a provider echoes.
		{"invalid recipient +821000001234", "+821000001234", true},
		{"invalid recipient 821000001234", "+821000001234", true},
		{"invalid recipient 010-0000-1234", "+821000001234", true},
		{"invalid recipient 01000001234", "+821000001234", true},
		{"invalid recipient (010) 0000 1234", "+821000001234", true},
		{"invalid recipient 010.0000.1234", "+821000001234", true},
		{"invalid recipient +82 10-0000-1234", "+821000001234", true},
		{"invalid recipient 0000-1234", "+821000001234", true},
		{"to=+82-10-1234-5678: blocked", "+82 10-1234-5678", true},
		{"no such subscriber 010/0000/1234", "+821000001234", true},
		{"no such subscriber 010_0000_1234", "+821000001234", true},
		{"no such subscriber 010-9999-1239", "+821099991239", true},
		// Masked, or other numbers.
		{"invalid recipient +82 10-****-1234", "+821000001234", false},
		{"invalid recipient +82******1234", "+821000001234", false},
		{"provider 503 after 1234 ms, request 10000", "+821000001234", false},
		{"provider 503, code 0000, attempt 1234", "+821000001234", false},
		{"provider 503, code 0000 / 1234", "+821000001234", false}, // three separators in a row end a run
		// An address, or its local part.
		{"550 no such user <MINJI@EXAMPLE.COM>", "minji@example.com", true},
		{"550 no such user minji", "minji@example.com", true},
		{"550 mailbox minji unavailable", "Minji@example.com", true},
		{"550 no such user m***@example.com", "minji@example.com", false},
		{"550 no such user minjikim", "minji@example.com", false},
		{"550 user unknown", "a@example.com", false},
		// Anything else, as it is.
		{"no such device NOBODY", "nobody", true},
		{"no such device", "nobody", false},
		{"", "+821000001234", false},
	}
	for _, tt := range tests {
		var err error
		if tt.err != "" {
			err = errors.New(tt.err)
		}
		if got := holdsRecipient(err, tt.to); got != tt.want {
			t.Errorf("holdsRecipient(%q, %q) = %t, want %t", tt.err, tt.to, got, tt.want)
		}
	}
}
