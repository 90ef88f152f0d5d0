package notify_test

import (
	"testing"

	"github.com/followup-go/followup/notify"
)

// DeliveredAny is true as soon as one message reached the customer, by its
// own channel or by substitute, and never for one that was only tried.
func TestReportDeliveredAny(t *testing.T) {
	entry := func(c notify.Channel, o notify.Outcome) notify.Entry { return notify.Entry{Channel: c, Outcome: o} }
	tests := []struct {
		name    string
		entries []notify.Entry
		want    bool
	}{
		{"no entries", nil, false},
		{"delivered", []notify.Entry{entry(sms, notify.Delivered)}, true},
		{"by substitute", []notify.Entry{entry(at, notify.DeliveredBySubstitute)}, true},
		{"failed", []notify.Entry{entry(sms, notify.Failed)}, false},
		{"skipped", []notify.Entry{entry(pu, notify.Skipped)}, false},
		{"outcome not set", []notify.Entry{entry(em, 0)}, false},
		{"none of several", []notify.Entry{entry(at, notify.Failed), entry(sms, notify.Skipped), entry(em, notify.Failed)}, false},
		{"the last of several", []notify.Entry{entry(at, notify.Failed), entry(em, notify.Skipped), entry(pu, notify.Delivered)}, true},
		{"the first of several", []notify.Entry{entry(at, notify.DeliveredBySubstitute), entry(em, notify.Failed)}, true},
	}
	for _, tt := range tests {
		if got := (notify.Report{Entries: tt.entries}).DeliveredAny(); got != tt.want {
			t.Errorf("%s: DeliveredAny() = %t, want %t", tt.name, got, tt.want)
		}
	}
}

// Delivered and Entry answer for a channel the report has no entry for:
// not delivered, no entry.
func TestReportEntryOfAMissingChannel(t *testing.T) {
	r := notify.Report{Entries: []notify.Entry{{Channel: sms, Outcome: notify.Delivered}}}
	if e, ok := r.Entry(em); ok || e.Channel != 0 {
		t.Errorf("Entry(email) = %v, %t; want none", e.Channel, ok)
	}
	if r.Delivered(em) {
		t.Error("Delivered(email) = true for a report without an email entry")
	}
	if !r.Delivered(sms) {
		t.Error("Delivered(sms) = false for its delivered entry")
	}
}
