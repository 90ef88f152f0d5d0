package followup_test

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

// textEnum is an enumeration with the library's text form: String and
// MarshalText on the value, UnmarshalText on the pointer (textEnumPtr).
type textEnum interface {
	~uint8
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
			t.Errorf("%T(%d).MarshalText: %v, not wrapping %v", v, uint8(v), err, sentinel)
		}
		if got, want := v.String(), fmt.Sprintf("%s(%d)", reflect.TypeOf(v).Name(), uint8(v)); got != want {
			t.Errorf("%T(%d).String() = %q, want %q", v, uint8(v), got, want)
		}
		return "", false
	}
	for _, text := range [][]byte{b, bytes.ToUpper(b), bytes.ToLower(b)} {
		var back T
		if err := P(&back).UnmarshalText(text); err != nil || back != v {
			t.Errorf("%T(%d) marshals as %q, and %q reads back as %d, %v", v, uint8(v), b, text, uint8(back), err)
		}
	}
	switch {
	case len(b) == 0 && v != 0:
		t.Errorf("%T(%d) marshals as \"\", which is the zero value's", v, uint8(v))
	case len(b) > 0 && v.String() != string(b):
		t.Errorf("%T(%d).String() = %q, MarshalText %q", v, uint8(v), v.String(), b)
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
		t.Errorf("%T accepted %q as %d, which does not marshal: %v", v, s, uint8(v), err)
	case s == "" && v != 0:
		t.Errorf("%T read \"\" as %d, want the zero value", v, uint8(v))
	case s != "" && !strings.EqualFold(string(b), s):
		t.Errorf("%T read %q as %q", v, s, b)
	}
}

// checkEnum checks the text rule for every value of T and pins its wire
// form: want is the text of each value from 0, and every value past them
// is refused.
func checkEnum[T textEnum, P textEnumPtr[T]](t *testing.T, sentinel error, want ...string) {
	t.Helper()
	var got []string
	for n := range 256 {
		if s, ok := checkEnumValue[T, P](t, T(n), sentinel); ok {
			if n != len(got) {
				t.Errorf("%T(%d) marshals after a value that did not", T(n), n)
			}
			got = append(got, s)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		var v T
		t.Errorf("%T's texts (-want +got):\n%s", v, diff)
	}
	for _, s := range append([]string{"", "fax", "Reason(0)", "+821012345678"}, want...) {
		checkEnumText[T, P](t, s, sentinel)
	}
	one := T(1)
	if err := P(&one).UnmarshalText(nil); err != nil || one != 0 {
		t.Errorf("%T: \"\" reads as %d, %v; want the zero value", one, uint8(one), err)
	}
}

// Every enumeration of the package follows one text rule; see
// ErrUnknownName. The zero Field, Reason and Status mean "not set" and
// marshal as ""; the zero Party, PhoneType and Strategy are constants and
// marshal as their names.
func TestEnumTextRule(t *testing.T) {
	t.Run("Field", func(t *testing.T) {
		checkEnum[followup.Field](t, followup.ErrUnknownName, "", "name", "phone", "email")
	})
	t.Run("Party", func(t *testing.T) {
		checkEnum[followup.Party](t, followup.ErrUnknownName, "customer", "agent")
	})
	t.Run("PhoneType", func(t *testing.T) {
		checkEnum[followup.PhoneType](t, followup.ErrUnknownName, "unknown", "mobile", "fixedLine",
			"fixedLineOrMobile", "tollFree", "premiumRate", "sharedCost", "voip", "personal", "pager", "uan", "voicemail")
	})
	t.Run("Reason", func(t *testing.T) {
		checkEnum[followup.Reason](t, followup.ErrUnknownName, "", "due", "agentStartedUnanswered", "nothingUnseen",
			"onlyMarketing", "alreadyFollowedUp", "noContact", "noChannel", "optedOut", "customerPresent", "notAwayLongEnough")
	})
	t.Run("Status", func(t *testing.T) {
		checkEnum[followup.Status](t, followup.ErrUnknownName, "", "sent", "cancelled", "rescheduled", "replanned",
			"refused", "deferred")
	})
	t.Run("Strategy", func(t *testing.T) {
		checkEnum[followup.Strategy](t, followup.ErrUnknownName, "parallel", "escalating")
		checkEnum[followup.Strategy](t, followup.ErrUnknownStrategy, "parallel", "escalating")
	})
}

// A Reason or Status that is none of the constants used to marshal as
// "Reason(99)", which no UnmarshalText reads back: a Plan holding one was
// stored and then lost. It is refused before it is stored.
func TestEnumOutOfRangeIsNotStored(t *testing.T) {
	for name, v := range map[string]any{
		"Plan":     followup.Plan{Reason: 99},
		"Status":   followup.Status(99),
		"Field":    followup.Field(4),
		"Strategy": followup.Timing{Strategy: 2},
	} {
		if b, err := json.Marshal(v); !errors.Is(err, followup.ErrUnknownName) {
			t.Errorf("%s: json.Marshal(%v) = %s, %v; want an error wrapping ErrUnknownName", name, v, b, err)
		}
	}
}

// The zero Field names no field; it marshals as "" as the other "not set"
// values do, instead of failing a host's JSON for a FieldError that matches
// any field.
func TestFieldZeroMarshalsEmpty(t *testing.T) {
	b, err := json.Marshal(struct{ F followup.Field }{})
	if err != nil || string(b) != `{"F":""}` {
		t.Errorf("json.Marshal(zero Field) = %s, %v; want {\"F\":\"\"}", b, err)
	}
}

// A clock time outside the day in office or quiet hours, such as
// policy.At(25, 0) or policy.At(-1, 0), is refused when the admin saves the
// settings, with an error wrapping policy.ErrBadHours.
func TestSettingsRefuseBadClocks(t *testing.T) {
	seoul, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []policy.Clock{policy.At(25, 0), policy.At(-1, 0), policy.At(1093, 0)} {
		h := policy.Hours{Days: policy.Weekdays, Start: policy.At(9, 0), End: bad}
		s := followup.Settings{AskPhone: true, AskEmail: true,
			Gate: policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: seoul, Hours: []policy.Hours{h}}},
			Text: followup.TextOptions{QuietHours: policy.QuietHours{Hours: []policy.Hours{h}}, TimeZone: seoul}}
		want := []followup.SettingError{{Setting: "gate", Err: policy.ErrBadHours}, {Setting: "text.quietHours", Err: policy.ErrBadHours}}
		if diff := cmp.Diff(want, problems(t, s.Validate(paying)), errKind); diff != "" {
			t.Errorf("hours ending at %v: Validate problems (-want +got):\n%s", bad, diff)
		}
	}
}
