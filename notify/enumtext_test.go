package notify_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/internal/enumtext"
	"github.com/followup-go/followup/notify"
)

// Channel, Outcome and TextKind follow the root package's text rule (see
// followup.ErrUnknownName): their zero values mean "not set" and marshal
// as "", and errors wrap ErrUnknownName (Channel's ErrUnknownChannel too).
func TestEnumTextRule(t *testing.T) {
	t.Run("Channel", func(t *testing.T) {
		enumtext.Names[notify.Channel](t, notify.ErrUnknownChannel, "", "alimtalk", "sms", "email", "push")
		enumtext.Names[notify.Channel](t, notify.ErrUnknownName, "", "alimtalk", "sms", "email", "push")
	})
	t.Run("Outcome", func(t *testing.T) {
		enumtext.Names[notify.Outcome](t, notify.ErrUnknownName, "", "delivered", "deliveredBySubstitute", "failed", "skipped")
	})
	t.Run("TextKind", func(t *testing.T) {
		enumtext.Names[notify.TextKind](t, notify.ErrUnknownName, "", "sms", "lms")
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
		enumtext.Text[notify.Channel](t, s, notify.ErrUnknownChannel)
		enumtext.Text[notify.Outcome](t, s, notify.ErrUnknownName)
		enumtext.Text[notify.TextKind](t, s, notify.ErrUnknownName)
		enumtext.Value[notify.Channel](t, notify.Channel(n), notify.ErrUnknownChannel)
		enumtext.Value[notify.Outcome](t, notify.Outcome(n), notify.ErrUnknownName)
		enumtext.Value[notify.TextKind](t, notify.TextKind(n), notify.ErrUnknownName)
		checkChannelSet(t, notify.ChannelSet(n))
		var set notify.ChannelSet
		if err := json.Unmarshal([]byte(s), &set); err == nil {
			checkChannelSet(t, set)
		}
	})
}
