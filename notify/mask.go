package notify

import (
	"strings"
	"unicode/utf8"
)

// maskRecipient masks a recipient for logs: an email address keeps its first
// character and its domain ("s***@example.com"); anything else keeps its
// first three and last four characters ("+82******5678"), or is masked whole
// when it is too short for that.
func maskRecipient(to string) string {
	if at := strings.LastIndexByte(to, '@'); at > 0 {
		_, size := utf8.DecodeRuneInString(to)
		if size > at {
			size = at
		}
		return to[:size] + "***" + to[at:]
	}
	n := utf8.RuneCountInString(to)
	if n < 10 {
		return strings.Repeat("*", n)
	}
	r := []rune(to)
	for i := 3; i < n-4; i++ {
		r[i] = '*'
	}
	return string(r)
}
