// Package enumtext checks, for the tests of the module's packages, the text
// rule every enumeration of the module follows (see followup.ErrUnknownName):
//
//   - String, MarshalText and UnmarshalText go together, built from one
//     table of camelCase names that read in any case;
//   - "" reads as the zero value, and only the zero value may marshal as "";
//   - a value with no name is an error from MarshalText, wrapping the
//     package's sentinel, and String prints it as "Type(N)";
//   - a text that names no value is an error wrapping the sentinel that
//     says nothing of the text: a host may pass along what a customer typed.
//
// Only tests import it.
package enumtext

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Enum is a type with the module's text form: String and MarshalText on the
// value, UnmarshalText on the pointer ([Ptr]).
type Enum interface {
	~uint8 | ~uint16
	encoding.TextMarshaler
	fmt.Stringer
}

// Ptr is the pointer to an [Enum], which reads its text.
type Ptr[T Enum] interface {
	*T
	encoding.TextUnmarshaler
}

// Value checks the rule for the value v: it marshals to a text that reads
// back as v in any case and that String returns too (only the zero value
// may marshal as ""), or MarshalText refuses it with an error wrapping
// sentinel and String prints it as "Type(N)". It returns the text and
// whether v marshalled.
func Value[T Enum, P Ptr[T]](t testing.TB, v T, sentinel error) (string, bool) {
	t.Helper()
	b, err := v.MarshalText()
	if err != nil {
		if !errors.Is(err, sentinel) {
			t.Errorf("%T(%d).MarshalText: %v, not wrapping %v", v, uint64(v), err, sentinel)
		}
		if got, want := v.String(), fmt.Sprintf("%s(%d)", reflect.TypeOf(v).Name(), uint64(v)); got != want {
			t.Errorf("%T(%d).String() = %q, want %q", v, uint64(v), got, want)
		}
		return "", false
	}
	for _, text := range [][]byte{b, bytes.ToUpper(b), bytes.ToLower(b)} {
		var back T
		if err := P(&back).UnmarshalText(text); err != nil || back != v {
			t.Errorf("%T(%d) marshals as %q, and %q reads back as %d, %v", v, uint64(v), b, text, uint64(back), err)
		}
	}
	switch {
	case len(b) == 0 && v != 0:
		t.Errorf("%T(%d) marshals as \"\", which is the zero value's", v, uint64(v))
	case len(b) > 0 && v.String() != string(b):
		t.Errorf("%T(%d).String() = %q, MarshalText %q", v, uint64(v), v.String(), b)
	}
	return string(b), true
}

// Text checks the rule for the text s: UnmarshalText reads it as a value
// whose own text is s up to case ("" being the zero value), or refuses it
// with an error wrapping sentinel that says nothing of s: no more than the
// error for another text of the same length.
func Text[T Enum, P Ptr[T]](t testing.TB, s string, sentinel error) {
	t.Helper()
	text[T, P](t, s, sentinel, false)
}

// SetText is [Text] for a set type, whose values have more than one
// spelling ("fri,mon-thu" is "mon-fri"): an accepted text need only read as
// a value that marshals.
func SetText[T Enum, P Ptr[T]](t testing.TB, s string, sentinel error) {
	t.Helper()
	text[T, P](t, s, sentinel, true)
}

func text[T Enum, P Ptr[T]](t testing.TB, s string, sentinel error, set bool) {
	t.Helper()
	var v T
	if err := P(&v).UnmarshalText([]byte(s)); err != nil {
		var other T
		o := P(&other).UnmarshalText(bytes.Repeat([]byte{0}, len(s)))
		if o == nil || err.Error() != o.Error() {
			t.Errorf("%T: the error depends on what was refused: %v", v, err)
		}
		if !errors.Is(err, sentinel) {
			t.Errorf("%T: %v does not wrap %v", v, err, sentinel)
		}
		return
	}
	b, err := v.MarshalText()
	switch {
	case err != nil:
		t.Errorf("%T accepted %q as %d, which does not marshal: %v", v, s, uint64(v), err)
	case s == "" && v != 0:
		t.Errorf("%T read \"\" as %d, want the zero value", v, uint64(v))
	case s != "" && !set && !strings.EqualFold(string(b), s):
		t.Errorf("%T read %q as %q", v, s, b)
	}
}

// badTexts are texts no enumeration of the module names.
var badTexts = []string{"", "fax", "Reason(0)", "Clock(0)", "+821012345678", "25:00", "mon-fry"}

// Values checks the rule for the values 0 to n-1 of T ([Value]) and
// returns the texts of those that marshal, which must come first.
func Values[T Enum, P Ptr[T]](t testing.TB, n int, sentinel error) []string {
	t.Helper()
	var got []string
	for i := range n {
		if s, ok := Value[T, P](t, T(i), sentinel); ok {
			if i != len(got) {
				t.Errorf("%T(%d) marshals after a value that did not", T(i), i)
			}
			got = append(got, s)
		}
	}
	return got
}

// Names checks the rule for every value of an enumeration T of at most 256
// values and pins its wire form: want is the text of each value from 0, and
// every value past them is refused.
func Names[T Enum, P Ptr[T]](t testing.TB, sentinel error, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, Values[T, P](t, 256, sentinel)); diff != "" {
		var v T
		t.Errorf("%T's texts (-want +got):\n%s", v, diff)
	}
	for _, s := range append(append([]string(nil), badTexts...), want...) {
		Text[T, P](t, s, sentinel)
	}
	one := T(1)
	if err := P(&one).UnmarshalText(nil); err != nil || one != 0 {
		t.Errorf("%T: \"\" reads as %d, %v; want the zero value", one, uint64(one), err)
	}
}

// BadTexts checks that the texts that name nothing are refused, or read as
// a value that marshals, with [SetText]'s leniency when set is true.
func BadTexts[T Enum, P Ptr[T]](t testing.TB, sentinel error, set bool, more ...string) {
	t.Helper()
	for _, s := range append(append([]string(nil), badTexts...), more...) {
		text[T, P](t, s, sentinel, set)
	}
}
