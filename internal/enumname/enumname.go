// Package enumname looks up the names of the module's enumerations, for
// their String, MarshalText and UnmarshalText methods. Each enumeration
// keeps its names in an array indexed by value; a value whose entry is ""
// has no name, except the zero value, whose "" means "not set". Each
// package words its own errors around these lookups.
package enumname

import "fmt"

// String returns names[i], or "typ(i)" when i has no name.
func String(names []string, i int, typ string) string {
	if i < len(names) && names[i] != "" {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// Name returns the text of value i, for MarshalText: names[i], "" for a
// zero value that means "not set", and false for a value with no name.
func Name(names []string, i int) ([]byte, bool) {
	if i < len(names) && (i == 0 || names[i] != "") {
		return []byte(names[i]), true
	}
	return nil, false
}

// Index returns the value whose name text is, up to the case of ASCII
// letters, for UnmarshalText: 0 for "", and false for a text that names
// nothing.
func Index(names []string, text []byte) (int, bool) {
	if len(text) == 0 {
		return 0, true
	}
	for i, n := range names {
		if n != "" && equalFoldASCII(n, text) {
			return i, true
		}
	}
	return 0, false
}

// equalFoldASCII reports whether a and b are equal up to the case of ASCII
// letters. Names are ASCII: Unicode folding would read "alimtal\u212a",
// with a Kelvin sign, as "alimtalk".
func equalFoldASCII(a string, b []byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range len(a) {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
