package notify_test

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

	"github.com/followup-go/followup/notify"
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

// The helpers are the root package's (enumtext_test.go there), copied:
// test files cannot share them across packages.

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

// Channel, Outcome and TextKind follow the root package's text rule (see
// followup.ErrUnknownName): their zero values mean "not set" and marshal
// as "", and errors wrap ErrUnknownName (Channel's ErrUnknownChannel too).
func TestEnumTextRule(t *testing.T) {
	t.Run("Channel", func(t *testing.T) {
		checkEnum[notify.Channel](t, notify.ErrUnknownChannel, "", "alimtalk", "sms", "email", "push")
		checkEnum[notify.Channel](t, notify.ErrUnknownName, "", "alimtalk", "sms", "email", "push")
	})
	t.Run("Outcome", func(t *testing.T) {
		checkEnum[notify.Outcome](t, notify.ErrUnknownName, "", "delivered", "deliveredBySubstitute", "failed", "skipped")
	})
	t.Run("TextKind", func(t *testing.T) {
		checkEnum[notify.TextKind](t, notify.ErrUnknownName, "", "sms", "lms")
	})
}

// An Entry reads back from the JSON it writes: Outcome had MarshalText but
// no UnmarshalText, so the outcome a host stored did not read back.
func TestEntryJSONRoundTrip(t *testing.T) {
	in := []notify.Entry{
		{Channel: notify.ChannelAlimTalk, Outcome: notify.DeliveredBySubstitute, Via: notify.ChannelSMS, Key: "k"},
		{Channel: notify.ChannelEmail, Outcome: notify.Failed},
		{},
	}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"Outcome":"deliveredBySubstitute"`) || !strings.Contains(string(b), `"Outcome":""`) {
		t.Errorf("entries marshal as %s", b)
	}
	var back []notify.Entry
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("Unmarshal(%s): %v", b, err)
	}
	if diff := cmp.Diff(in, back); diff != "" {
		t.Errorf("round trip (-in +back):\n%s", diff)
	}
	if _, err := json.Marshal(notify.Entry{Outcome: 9}); !errors.Is(err, notify.ErrUnknownName) {
		t.Errorf("Entry with Outcome(9) marshals: %v", err)
	}
}

// A TextKind is text in JSON, not a number.
func TestTextKindJSON(t *testing.T) {
	b, err := json.Marshal(map[string]notify.TextKind{"a": notify.KindLMS, "b": 0})
	if err != nil || string(b) != `{"a":"lms","b":""}` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
}

// A channel name that is no channel, alone or in a ChannelSet, is
// ErrUnknownChannel; the error gives the name's length, not the name.
func TestUnknownChannel(t *testing.T) {
	var c notify.Channel
	err := c.UnmarshalText([]byte("fax"))
	if !errors.Is(err, notify.ErrUnknownChannel) || !errors.Is(err, notify.ErrUnknownName) || strings.Contains(err.Error(), "fax") {
		t.Errorf(`Channel.UnmarshalText("fax") = %v; want ErrUnknownChannel, without the name`, err)
	}
	var s notify.ChannelSet
	err = json.Unmarshal([]byte(`["sms","fax"]`), &s)
	if !errors.Is(err, notify.ErrUnknownChannel) || strings.Contains(err.Error(), "fax") {
		t.Errorf(`ChannelSet ["sms","fax"]: %v; want ErrUnknownChannel, without the name`, err)
	}
	if !errors.Is(notify.ErrUnknownChannel, notify.ErrUnknownName) {
		t.Error("ErrUnknownChannel is not an ErrUnknownName")
	}
}

// A ChannelSet marshals only if it reads back as itself: a bit that is no
// channel used to be dropped silently.
func TestChannelSetJSONEveryValue(t *testing.T) {
	ok := 0
	for n := range 256 {
		checkChannelSet(t, notify.ChannelSet(n))
		if _, err := json.Marshal(notify.ChannelSet(n)); err == nil {
			ok++
		}
	}
	if ok != 16 {
		t.Errorf("%d sets marshal, want the 16 sets of the 4 channels", ok)
	}
}

// checkChannelSet checks that s marshals to JSON that reads back as s, or
// is refused with ErrUnknownChannel.
func checkChannelSet(t *testing.T, s notify.ChannelSet) {
	t.Helper()
	b, err := json.Marshal(s)
	if err != nil {
		if !errors.Is(err, notify.ErrUnknownChannel) {
			t.Errorf("ChannelSet(%#x): %v, not ErrUnknownChannel", uint8(s), err)
		}
		return
	}
	var back notify.ChannelSet
	if err := json.Unmarshal(b, &back); err != nil || back != s {
		t.Errorf("ChannelSet(%#x) marshals as %s, which reads back as %#x, %v", uint8(s), b, uint8(back), err)
	}
}

// The text rule for every enumeration of the package, and ChannelSet's
// JSON: a value either marshals and reads back as itself or is refused; a
// text either reads as a value that marshals as it (up to case) or is
// refused with a sentinel, saying nothing of the text.
func FuzzEnumText(f *testing.F) {
	for i, s := range []string{"", "sms", "ALIMTALK", "Email", "push", "fax", "delivered",
		"deliveredBySubstitute", "FAILED", "skipped", "lms", "Channel(0)", "010-1234-5678"} {
		f.Add(s, uint8(i*19))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		checkEnumText[notify.Channel](t, s, notify.ErrUnknownChannel)
		checkEnumText[notify.Outcome](t, s, notify.ErrUnknownName)
		checkEnumText[notify.TextKind](t, s, notify.ErrUnknownName)
		checkEnumValue[notify.Channel](t, notify.Channel(n), notify.ErrUnknownChannel)
		checkEnumValue[notify.Outcome](t, notify.Outcome(n), notify.ErrUnknownName)
		checkEnumValue[notify.TextKind](t, notify.TextKind(n), notify.ErrUnknownName)
		checkChannelSet(t, notify.ChannelSet(n))
		var set notify.ChannelSet
		if err := json.Unmarshal([]byte(s), &set); err == nil {
			checkChannelSet(t, set)
		}
	})
}
