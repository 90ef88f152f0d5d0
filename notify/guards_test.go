package notify_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

// An invalid message never reaches its sender: an AlimTalk over its limit
// goes as its substitute, or fails, without a call of the AlimTalk sender;
// an SMS over its limit, and an AlimTalk whose substitute is, fail without
// a call of the SMS sender. The messages at the limits go.
func TestGuardInvalidMessageNeverReachesItsSender(t *testing.T) {
	lms := strings.Repeat("가", 1000) // 2,000 EUC-KR bytes
	subject41 := strings.Repeat("가", 20) + "a"
	tests := []struct {
		name      string
		batch     func() notify.Batch
		setup     func(f *notifytest.Fakes)
		want      summary
		calls     [2]int // AlimTalk sender, SMS sender
		tooLong   bool   // the entry's error wraps ErrTooLong
		smsKey    string // the key of the SMS sent, if one is
		sentTexts int    // messages the two fakes accepted
	}{
		{name: "AlimTalk of 1,001 characters goes as its substitute",
			batch: func() notify.Batch {
				a := testAlimTalk()
				a.Text = strings.Repeat("가", 1001)
				return notify.Batch{AlimTalk: a}
			},
			want:  summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{sms}},
			calls: [2]int{0, 1}, smsKey: "fu-1-alimtalk-sub", sentTexts: 1},
		{name: "AlimTalk of 1,001 characters without a substitute fails",
			batch: func() notify.Batch {
				a := testAlimTalk()
				a.Text, a.Substitute = strings.Repeat("가", 1001), nil
				return notify.Batch{AlimTalk: a}
			},
			want: summary{at, notify.Failed, 0, nil}, tooLong: true},
		{name: "AlimTalk of 1,000 characters goes",
			batch: func() notify.Batch {
				a := testAlimTalk()
				a.Text = strings.Repeat("가", 1000)
				return notify.Batch{AlimTalk: a}
			},
			want:  summary{at, notify.Delivered, at, []notify.Channel{at}},
			calls: [2]int{1, 0}, sentTexts: 1},
		{name: "SMS of 2,001 EUC-KR bytes fails",
			batch: func() notify.Batch {
				m := testSMS()
				m.Text, m.Subject = lms+"a", "답변"
				return notify.Batch{SMS: m}
			},
			want: summary{sms, notify.Failed, 0, nil}, tooLong: true},
		{name: "LMS with a 41-byte subject fails",
			batch: func() notify.Batch {
				m := testSMS()
				m.Text, m.Subject = lms, subject41
				return notify.Batch{SMS: m}
			},
			want: summary{sms, notify.Failed, 0, nil}, tooLong: true},
		{name: "LMS of 2,000 bytes with a 40-byte subject goes",
			batch: func() notify.Batch {
				m := testSMS()
				m.Text, m.Subject = lms, strings.Repeat("가", 20)
				return notify.Batch{SMS: m}
			},
			want:  summary{sms, notify.Delivered, sms, []notify.Channel{sms}},
			calls: [2]int{0, 1}, smsKey: "fu-1-sms", sentTexts: 1},
		// The AlimTalk provider would refuse it, which sends the
		// substitute: the substitute never gets that far.
		{name: "substitute with a 41-byte subject: neither goes",
			batch: func() notify.Batch {
				a := testAlimTalk()
				a.Substitute.Text, a.Substitute.Subject = lms, subject41
				return notify.Batch{AlimTalk: a}
			},
			setup: func(f *notifytest.Fakes) { f.AlimTalk.FailAlways(notify.ErrRecipientRefused) },
			want:  summary{at, notify.Failed, 0, nil}, tooLong: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			if tt.setup != nil {
				tt.setup(fakes)
			}
			r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), tt.batch())
			if diff := cmp.Diff([]summary{tt.want}, summarize(r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got := [2]int{fakes.AlimTalk.Calls(), fakes.SMS.Calls()}; got != tt.calls {
				t.Errorf("calls (AlimTalk, SMS) = %v, want %v", got, tt.calls)
			}
			if got := len(fakes.AlimTalk.Sent()) + len(fakes.SMS.Sent()); got != tt.sentTexts {
				t.Errorf("%d messages accepted, want %d", got, tt.sentTexts)
			}
			if tt.smsKey != "" {
				if s := fakes.SMS.Sent(); len(s) != 1 || s[0].Key != tt.smsKey {
					t.Errorf("SMS sent %+v, want one with key %q", s, tt.smsKey)
				}
			}
			if e := r.Entries[0]; errors.Is(e.Err, notify.ErrTooLong) != tt.tooLong {
				t.Errorf("entry error %v; wraps ErrTooLong: want %v", e.Err, tt.tooLong)
			}
		})
	}
}
