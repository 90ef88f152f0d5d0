// Package enumname gives the module's enumerations their text form, for
// their String, MarshalText and UnmarshalText methods, each one line over
// the enumeration's [Text]. A Text keeps the names in a slice indexed by
// value; a value whose entry is "" has no name, except the zero value,
// whose "" means "not set".
package enumname

import "fmt"

// Text is the text form of the enumeration T. Its methods are safe for
// concurrent use: a Text is never modified.
type Text[T ~uint8] struct {
	// Names holds each value's name, indexed by value.
	Names []string
	// Type is the Go type's name: String prints a value with no name as
	// "Type(N)", and the errors name the type so.
	Type string
	// Err points at the error every error of Marshal and Unmarshal
	// wraps: the package's sentinel, whose text names the package
	// ("notify: unknown channel"). A pointer, not the error, so that a
	// Text declared at package level costs nothing at init: the compiler
	// lays it out statically, as it cannot a copy of a variable.
	Err *error
}

// String returns v's name, or "Type(v)" when v has no name.
func (t *Text[T]) String(v T) string { return nameOrNumber(t.Names, int(v), t.Type) }

// Marshal returns v's name: "" for a zero value that means "not set",
// and, for a value with no name, an error wrapping *t.Err.
func (t *Text[T]) Marshal(v T) ([]byte, error) {
	if b, ok := name(t.Names, int(v)); ok {
		return b, nil
	}
	return nil, fmt.Errorf("%w: %s(%d)", *t.Err, t.Type, uint8(v))
}

// Unmarshal sets *v to the value named by text, in any case of its ASCII
// letters; "" is the zero value. Another text leaves *v alone and is an
// error wrapping *t.Err that gives the text's length, never the text: it
// may come from a customer's request and hold anything.
func (t *Text[T]) Unmarshal(text []byte, v *T) error {
	i, ok := Index(t.Names, text)
	if !ok {
		return fmt.Errorf("%w: %s (%d bytes)", *t.Err, t.Type, len(text))
	}
	*v = T(i)
	return nil
}

// nameOrNumber returns names[i], or "typ(i)" when i has no name.
func nameOrNumber(names []string, i int, typ string) string {
	if i < len(names) && names[i] != "" {
		return names[i]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// name returns the text of value i: names[i], "" for a zero value that
// means "not set", and false for a value with no name.
func name(names []string, i int) ([]byte, bool) {
	if i < len(names) && (i == 0 || names[i] != "") {
		return []byte(names[i]), true
	}
	return nil, false
}

// Index returns the value whose name text is, up to the case of ASCII
// letters: 0 for "", and false for a text that names nothing. (policy
// reads day names with it.)
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
