package notify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

func TestChannelSet(t *testing.T) {
	s := notify.SetOf(notify.ChannelEmail, notify.ChannelAlimTalk)
	if !s.Has(notify.ChannelEmail) || !s.Has(notify.ChannelAlimTalk) || s.Has(notify.ChannelSMS) {
		t.Errorf("Has: %v", s)
	}
	if diff := cmp.Diff([]notify.Channel{notify.ChannelAlimTalk, notify.ChannelEmail}, s.Channels()); diff != "" {
		t.Errorf("Channels (-want +got):\n%s", diff)
	}
	s = s.Add(notify.ChannelPush).Remove(notify.ChannelEmail)
	if diff := cmp.Diff([]notify.Channel{notify.ChannelAlimTalk, notify.ChannelPush}, s.Channels()); diff != "" {
		t.Errorf("Add/Remove (-want +got):\n%s", diff)
	}
	text := notify.SetOf(notify.ChannelAlimTalk, notify.ChannelSMS)
	if got := s.Intersect(text); got != notify.SetOf(notify.ChannelAlimTalk) {
		t.Errorf("Intersect = %v", got)
	}
	if got := s.Without(text); got != notify.SetOf(notify.ChannelPush) {
		t.Errorf("Without = %v", got)
	}
	if !notify.SetOf().Empty() || s.Empty() {
		t.Error("Empty")
	}
	if s.Has(notify.Channel(0)) || notify.SetOf(notify.Channel(9)).Has(notify.Channel(9)) {
		t.Error("an invalid channel is in a set")
	}
	if got := notify.SetOf(notify.ChannelSMS, notify.ChannelEmail).String(); got != "[sms email]" {
		t.Errorf("String = %q", got)
	}
}

func TestSendersAvailable(t *testing.T) {
	s := notify.Senders{SMS: noopSMS, Email: noopEmail}
	if got := s.Available(); got != notify.SetOf(notify.ChannelSMS, notify.ChannelEmail) {
		t.Errorf("Available = %v", got)
	}
}

func TestChannelText(t *testing.T) {
	for c := notify.Channel(0); c <= notify.ChannelPush; c++ {
		b, err := c.MarshalText()
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		var back notify.Channel
		if err := back.UnmarshalText(bytes.ToUpper(b)); err != nil || back != c {
			t.Errorf("%q: unmarshalled %v, %v; want %v", b, back, err, c)
		}
	}
	if b, _ := notify.Channel(0).MarshalText(); string(b) != "" {
		t.Errorf("the zero channel marshals as %q, want \"\"", b)
	}
	// A report with a failed entry has no Via: it still marshals.
	r := notify.Report{Entries: []notify.Entry{{Channel: notify.ChannelEmail, Outcome: notify.Failed}}}
	if b, err := json.Marshal(r); err != nil || !strings.Contains(string(b), `"Via":""`) {
		t.Errorf("report json %s, %v", b, err)
	}
	if _, err := notify.Channel(9).MarshalText(); err == nil {
		t.Error("Channel(9) marshalled")
	}
	var c notify.Channel
	if err := c.UnmarshalText([]byte("fax")); err == nil {
		t.Error(`"fax" unmarshalled`)
	}
}

// "" names the zero Channel, which is no channel: a set read from JSON
// refuses it, as it refuses any other name that is no channel.
func TestChannelSetUnmarshalRefusesEmptyName(t *testing.T) {
	for _, in := range []string{`["", "sms"]`, `[""]`, `["sms", "fax"]`} {
		s := notify.SetOf(notify.ChannelEmail)
		if err := json.Unmarshal([]byte(in), &s); !errors.Is(err, notify.ErrUnknownChannel) || s != notify.SetOf(notify.ChannelEmail) {
			t.Errorf("Unmarshal(%s) = %v, %v; want ErrUnknownChannel and the set untouched", in, s, err)
		}
	}
}
