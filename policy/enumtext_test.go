package policy_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

// The helpers are the root package's (enumtext_test.go there), copied, as
// test files cannot share them across packages, and widened to Clock's
// uint16.

// textEnum is a type with the library's text form: String and MarshalText
// on the value, UnmarshalText on the pointer (textEnumPtr).
type textEnum interface {
	~uint8 | ~uint16
	encoding.TextMarshaler
	fmt.Stringer
}

type textEnumPtr[T textEnum] interface {
	*T
	encoding.TextUnmarshaler
}

// checkEnumValue checks the text rule for the value v: it marshals to a text
// that reads back as v in any case and that String returns too (only the
// zero value may marshal as ""), or MarshalText refuses it with an error
// wrapping sentinel and String prints it as "Type(N)". It returns the text
// and whether v marshalled.
func checkEnumValue[T textEnum, P textEnumPtr[T]](t *testing.T, v T, sentinel error) (string, bool) {
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

// checkEnumText checks the text rule for the text s: UnmarshalText reads it
// as a value whose own text is s up to case ("" being the zero value), or
// refuses it with an error wrapping sentinel that says nothing of s: no
// more than the error for another text of the same length.
func checkEnumText[T textEnum, P textEnumPtr[T]](t *testing.T, s string, sentinel error) {
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
	case s != "" && !strings.EqualFold(string(b), s) && reflect.TypeFor[T]() != reflect.TypeFor[policy.Days]():
		// Days reads "fri,mon-thu" as mon-fri: the same set, another text.
		t.Errorf("%T read %q as %q", v, s, b)
	}
}

// checkEnum checks the text rule for the values 0 to n-1 of T and returns
// the texts of those that marshal, which must come first.
func checkEnum[T textEnum, P textEnumPtr[T]](t *testing.T, n int, sentinel error) []string {
	t.Helper()
	var got []string
	for i := range n {
		if s, ok := checkEnumValue[T, P](t, T(i), sentinel); ok {
			if i != len(got) {
				t.Errorf("%T(%d) marshals after a value that did not", T(i), i)
			}
			got = append(got, s)
		}
	}
	for _, s := range append([]string{"", "fax", "Clock(0)", "+821012345678", "25:00", "mon-fry"}, got...) {
		checkEnumText[T, P](t, s, sentinel)
	}
	return got
}

// checkNames checks the text rule for every value of an enumeration T whose
// "" reads as its zero value, and pins its wire form: want is the text of
// each value from 0, and every value past them is refused.
func checkNames[T textEnum, P textEnumPtr[T]](t *testing.T, sentinel error, want ...string) {
	t.Helper()
	if diff := cmp.Diff(want, checkEnum[T, P](t, 256, sentinel)); diff != "" {
		var v T
		t.Errorf("%T's texts (-want +got):\n%s", v, diff)
	}
	one := T(1)
	if err := P(&one).UnmarshalText(nil); err != nil || one != 0 {
		t.Errorf("%T: \"\" reads as %d, %v; want the zero value", one, uint64(one), err)
	}
}

// Every enumeration of the package follows the module's text rule; see
// ErrUnknownName. The zero Admission and Outcome mean "not decided" and
// marshal as ""; the zero GateMode is GateOff, "off".
func TestEnumTextRule(t *testing.T) {
	t.Run("GateMode", func(t *testing.T) {
		checkNames[policy.GateMode](t, policy.ErrBadGateMode, "off", "always", "outsideOfficeHours")
		checkNames[policy.GateMode](t, policy.ErrUnknownName, "off", "always", "outsideOfficeHours")
	})
	t.Run("Admission", func(t *testing.T) {
		checkNames[policy.Admission](t, policy.ErrUnknownName, "", "open", "awaitContact")
	})
	t.Run("Outcome", func(t *testing.T) {
		checkNames[policy.Outcome](t, policy.ErrUnknownName, "", "keep", "discard")
	})
	t.Run("Days", func(t *testing.T) {
		got := checkEnum[policy.Days](t, 256, policy.ErrBadHours)
		if len(got) != 128 || got[0] != "" || got[policy.Weekdays] != "mon-fri" || got[policy.EveryDay] != "mon-sun" {
			t.Errorf("%d sets of days marshal (want 128), the empty one as %q, Weekdays as %q, EveryDay as %q",
				len(got), got[0], got[policy.Weekdays], got[policy.EveryDay])
		}
	})
	t.Run("Clock", func(t *testing.T) {
		got := checkEnum[policy.Clock](t, math.MaxUint16+1, policy.ErrBadHours)
		if len(got) != 1441 || got[0] != "00:00" || got[policy.At(9, 5)] != "09:05" || got[1440] != "24:00" {
			t.Errorf("%d clocks marshal (want 00:00 to 24:00, 1441)", len(got))
		}
	})
}

// GateMode read only its exact names: "Always" was refused, while every
// other enumeration of the module reads any case.
func TestGateModeAnyCase(t *testing.T) {
	var g policy.Gate
	if err := json.Unmarshal([]byte(`{"mode":"OutsideOfficeHours"}`), &g); err != nil || g.Mode != policy.GateOutsideOfficeHours {
		t.Errorf(`{"mode":"OutsideOfficeHours"} = %v, %v`, g.Mode, err)
	}
	var m policy.GateMode
	err := m.UnmarshalText([]byte("sometimes"))
	if !errors.Is(err, policy.ErrBadGateMode) || !errors.Is(err, policy.ErrUnknownName) || strings.Contains(err.Error(), "sometimes") {
		t.Errorf(`UnmarshalText("sometimes") = %v; want ErrBadGateMode and ErrUnknownName, without the text`, err)
	}
}

// Admission and Outcome are names in JSON, not numbers.
func TestAdmissionOutcomeJSON(t *testing.T) {
	type answer struct {
		Admission policy.Admission
		Outcome   policy.Outcome
	}
	in := answer{policy.AwaitContact, policy.Discard}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"Admission":"awaitContact","Outcome":"discard"}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var back answer
	if err := json.Unmarshal(b, &back); err != nil || back != in {
		t.Errorf("read back as %+v, %v", back, err)
	}
}

// Clock's doc said it marshals as "HH:MM"; it marshalled as a number of
// minutes, and "09:00" did not unmarshal.
func TestClockJSON(t *testing.T) {
	b, err := json.Marshal([]policy.Clock{policy.At(9, 0), 0, policy.MinutesPerDay})
	if err != nil || string(b) != `["09:00","00:00","24:00"]` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var c []policy.Clock
	if err := json.Unmarshal([]byte(`["09:00","23:59"]`), &c); err != nil || !cmp.Equal(c, []policy.Clock{policy.At(9, 0), policy.At(23, 59)}) {
		t.Errorf(`["09:00","23:59"] = %v, %v`, c, err)
	}
	for _, bad := range []string{`""`, `"9:00"`, `"24:01"`, `"12:60"`, `540`} {
		var c policy.Clock
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s read as %v", bad, c)
		}
	}
	if _, err := json.Marshal(policy.At(25, 0)); !errors.Is(err, policy.ErrBadHours) {
		t.Errorf("At(25, 0) marshals: %v", err)
	}
}

// At normalizes minutes as time.Date does, and a time outside the day is
// an invalid Clock, never one wrapped into the day: At(1093, 0) was 00:44
// and At(-1, 0) 1091:16.
func TestAt(t *testing.T) {
	tests := []struct {
		h, m  int
		want  string // for a valid Clock
		valid bool
	}{
		{9, 0, "09:00", true},
		{9, 90, "10:30", true},
		{10, -30, "09:30", true},
		{0, 0, "00:00", true},
		{24, 0, "24:00", true},
		{0, 1440, "24:00", true},
		{24, 1, "", false},
		{25, 0, "", false},
		{-1, 0, "", false},
		{0, -1, "", false},
		{1093, 0, "", false},
		{math.MaxInt, 0, "", false},
		{math.MinInt, math.MaxInt, "", false},
	}
	for _, tt := range tests {
		c := policy.At(tt.h, tt.m)
		if c.Valid() != tt.valid || tt.valid && c.String() != tt.want {
			t.Errorf("At(%d, %d) = %v, valid %v; want %s, %v", tt.h, tt.m, c, c.Valid(), tt.want, tt.valid)
		}
	}
}

// A range with a clock time outside the day does not validate, however it
// was made, and neither does the schedule or the gate that holds it.
func TestBadClocksDoNotValidate(t *testing.T) {
	seoul, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []policy.Hours{
		{Days: policy.Weekdays, Start: policy.At(25, 0), End: policy.At(18, 0)},
		{Days: policy.Weekdays, Start: policy.At(-1, 0), End: policy.At(18, 0)},
		{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(1093, 0)},
		{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.Clock(1441)},
	} {
		if err := h.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("%v: Validate() = %v, want ErrBadHours", h, err)
		}
		s := policy.Schedule{Zone: seoul, Hours: []policy.Hours{h}}
		if err := s.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("schedule of %v: Validate() = %v, want ErrBadHours", h, err)
		}
		g := policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: s}
		if err := g.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("gate with %v: Validate() = %v, want ErrBadHours", h, err)
		}
		if _, err := h.MarshalText(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("%v marshals: %v", h, err)
		}
	}
}

// The text rule for every enumeration of the package, Days and Clock: a
// value either marshals and reads back as itself or is refused; a text
// either reads as a value that marshals as it (up to case) or is refused
// with a sentinel, saying nothing of the text.
func FuzzEnumText(f *testing.F) {
	for i, s := range []string{"", "off", "Always", "OUTSIDEOFFICEHOURS", "open", "awaitContact", "keep",
		"Discard", "mon-fri", "SAT,sun", "fri-mon", "09:00", "24:00", "24:01", "nope", "010-1234-5678"} {
		f.Add(s, uint16(i*4099))
	}
	f.Fuzz(func(t *testing.T, s string, n uint16) {
		checkEnumText[policy.GateMode](t, s, policy.ErrBadGateMode)
		checkEnumText[policy.Admission](t, s, policy.ErrUnknownName)
		checkEnumText[policy.Outcome](t, s, policy.ErrUnknownName)
		checkEnumText[policy.Days](t, s, policy.ErrBadHours)
		checkEnumText[policy.Clock](t, s, policy.ErrBadHours)
		checkEnumValue[policy.GateMode](t, policy.GateMode(n), policy.ErrBadGateMode)
		checkEnumValue[policy.Admission](t, policy.Admission(n), policy.ErrUnknownName)
		checkEnumValue[policy.Outcome](t, policy.Outcome(n), policy.ErrUnknownName)
		checkEnumValue[policy.Days](t, policy.Days(n), policy.ErrBadHours)
		checkEnumValue[policy.Clock](t, policy.Clock(n), policy.ErrBadHours)
	})
}
