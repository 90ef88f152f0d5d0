package notify

import (
	"strings"
	"testing"
)

func TestMaskRecipient(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+821012345678", "+82******5678"}, // 13: Korea, 10 national digits, 4 shown
		{"+12025550123", "********0123"},   // 12: US, 10 national digits, 4 shown
		{"+85291234567", "********4567"},   // 12: Hong Kong, 8 national digits, half shown
		{"+6591234567", "***********"},     // 11: Singapore, 8 national digits: none shown
		{"+6791234567", "***********"},     // 11: Fiji, 7 national digits: none shown
		{"minji@example.com", "m***@example.com"},
		{"민지@example.com", "민***@example.com"},
		// A local part of one character would show the address whole.
		{"j@example.com", "***@example.com"},
		{"민@example.com", "***@example.com"},
		{"j@example.com (홍길동)", "***@***"},
		{"@example.com", "********.com"}, // no local part: not an address
		{"minji.kim@example.com (김민지)", "m***@***"},
		{"kim@example.com 010-9876-5432", "k***@***"},
		{"kim@localhost", "k***@***"},
		// A "domain" whose last label is no top-level domain, as followup's
		// MaskEmail has it: digits are a number.
		{"kim@010.9876.5432", "k***@***"},
		{"kim@naver.c", "k***@***"},
		{"kim@example.xn--3e0b707e", "k***@example.xn--3e0b707e"},
		{"kim@-bad.example", "k***@***"},
		{"kim@Mail-AZ.az09.example", "k***@Mail-AZ.az09.example"}, // every end of each character range
		{"kim@" + maskLabel(63) + ".example", "k***@" + maskLabel(63) + ".example"},
		{"kim@" + maskLabel(64) + ".example", "k***@***"},
		{"kim@" + maskHost(253), "k***@" + maskHost(253)},
		{"kim@" + maskHost(254), "k***@***"},
		{"user-12", "*******"},
		{"device-token-abcdef", "dev************cdef"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskRecipient(tt.in); got != tt.want {
			t.Errorf("maskRecipient(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// maskLabel returns a host name label of n bytes.
func maskLabel(n int) string { return strings.Repeat("a", n) }

// maskHost returns a host name of n bytes, 192 or more: three labels of 63 bytes
// and a last one of the rest.
func maskHost(n int) string {
	return maskLabel(63) + "." + maskLabel(63) + "." + maskLabel(63) + "." + maskLabel(n-192)
}
