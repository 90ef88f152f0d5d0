// Package dnsname holds the rule for a domain name's last label that both
// the email parser and the recipient masks of notify apply, so that what
// one calls a domain the other does too.
package dnsname

import "strings"

// TopLevel reports whether label, a host name's last label, has the form of
// a top-level domain: two or more ASCII letters, or an A-label
// ("xn--3e0b707e"), as every top-level domain in the root zone has.
func TopLevel(label string) bool {
	if len(label) < 2 {
		return false
	}
	if len(label) > 4 && strings.EqualFold(label[:4], "xn--") {
		return true
	}
	for i := 0; i < len(label); i++ {
		if c := label[i] | ('a' - 'A'); c < 'a' || c > 'z' {
			return false
		}
	}
	return true
}
