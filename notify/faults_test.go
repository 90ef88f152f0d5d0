package notify_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

// TestDispatchFaults sends a batch on every channel (an AlimTalk with its
// substitute SMS, an SMS, an email and a push) while one channel's sender is
// at fault, one fault per row: a transient error to the end and one that
// clears on a retry, a permanent error (alone, and on the AlimTalk, which
// then goes out as its substitute), a rate limit, a panic whose value holds
// the recipient's phone number and email address, a hang that honours the
// context past the attempt's deadline, a hang that ignores it, the caller's
// context cancelled mid-retry, and a nil sender (skipped, or substituted).
//
// Every row proves the same things. The report is complete: one entry per
// message of the batch, the faulty channel's with the expected outcome and
// attempts, every other one delivered at the first attempt. Nothing is lost:
// the fault is still visible to errors.Is and errors.As in the entry, and in
// Report.Err when the message failed; the fakes were called exactly as often
// as the attempts say, and accepted exactly the messages the report says
// were delivered. Nothing personal leaks into the report or its error. The
// retry waits are the expected ones, through Options.Wait, so the test never
// sleeps for a backoff. And no goroutine outlives the dispatch, once a
// sender that ignored its context is released.
func TestDispatchFaults(t *testing.T) {
	errProvider := errors.New("provider 503")
	errInvalid := errors.New("invalid template")
	// What a panic value may hold, and the report never must.
	personal := []string{"+821012345678", "1012345678", "minji@example.com", "minji@"}

	tests := []struct {
		name string
		ch   notify.Channel // whose sender is at fault
		// fault sets the fault up; cancel cancels the caller's context.
		fault func(f *notifytest.Fakes, d *notify.Dispatcher, cancel context.CancelFunc)
		want  summary // ch's entry; the others are delivered at once
		calls [4]int  // calls of the AlimTalk, SMS, Email and Push fakes
		waits []time.Duration
		// is and as must be found in ch's error: its Err, or its failed
		// attempts' if it was delivered in the end; and in Report.Err if
		// it failed. isNot must not be found in its Err.
		is    []error
		as    any
		isNot []error
		check func(t *testing.T, e notify.Entry) // anything else the row proves
	}{
		{
			name: "transient error retried until MaxAttempts",
			ch:   em,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.Email.FailAlways(errProvider)
			},
			want:  summary{em, notify.Failed, 0, []notify.Channel{em, em, em}},
			calls: [4]int{1, 1, 3, 1},
			waits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			is:    []error{errProvider},
			check: func(t *testing.T, e notify.Entry) {
				if notify.IsPermanent(e.Err) {
					t.Errorf("transient error reported permanent: %v", e.Err)
				}
			},
		},
		{
			name: "transient error cleared by a retry",
			ch:   pu,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.Push.FailTimes(2, errProvider)
			},
			want:  summary{pu, notify.Delivered, pu, []notify.Channel{pu, pu, pu}},
			calls: [4]int{1, 1, 1, 3},
			waits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			is:    []error{errProvider},
		},
		{
			name: "permanent error is not retried",
			ch:   em,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.Email.FailAlways(notify.Permanent(errInvalid))
			},
			want:  summary{em, notify.Failed, 0, []notify.Channel{em}},
			calls: [4]int{1, 1, 1, 1},
			is:    []error{errInvalid},
			check: func(t *testing.T, e notify.Entry) {
				if !notify.IsPermanent(e.Err) {
					t.Errorf("permanent error lost its mark: %v", e.Err)
				}
			},
		},
		{
			name: "permanent AlimTalk error goes out as its substitute",
			ch:   at,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.AlimTalk.FailAlways(notify.Permanent(errInvalid))
			},
			want:  summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{at, sms}},
			calls: [4]int{1, 2, 1, 1}, // the SMS fake sends the SMS and the substitute
			is:    []error{errInvalid},
		},
		{
			// The backoff alone would wait 100ms, then 200ms.
			name: "rate limit waits its retry-after",
			ch:   sms,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.SMS.RateLimit(3, 2*time.Second)
			},
			want:  summary{sms, notify.Failed, 0, []notify.Channel{sms, sms, sms}},
			calls: [4]int{1, 3, 1, 1},
			waits: []time.Duration{2 * time.Second, 2 * time.Second},
			as:    new(*notify.RateLimitError),
			check: func(t *testing.T, e notify.Entry) {
				if ra, ok := notify.RetryAfter(e.Err); !ok || ra != 2*time.Second {
					t.Errorf("RetryAfter = %v, %t; want 2s, true", ra, ok)
				}
			},
		},
		{
			// A panicked AlimTalk may have gone through: no substitute.
			name: "panic holding the recipient",
			ch:   at,
			fault: func(f *notifytest.Fakes, _ *notify.Dispatcher, _ context.CancelFunc) {
				f.AlimTalk.Panic("no route to +821012345678 <minji@example.com>")
			},
			want:  summary{at, notify.Failed, 0, []notify.Channel{at}},
			calls: [4]int{1, 1, 1, 1},
			is:    []error{notify.ErrSenderPanicked},
			as:    new(*notify.PanicError),
			check: func(t *testing.T, e notify.Entry) {
				var pe *notify.PanicError
				if errors.As(e.Err, &pe) && pe.Type != "string" {
					t.Errorf("PanicError.Type = %q, want the panic value's type, string", pe.Type)
				}
			},
		},
		{
			// Grace is long so that a slow wake-up under load is never
			// taken for a sender that ignores its context.
			name: "hang honouring the context past the attempt's deadline",
			ch:   em,
			fault: func(f *notifytest.Fakes, d *notify.Dispatcher, _ context.CancelFunc) {
				f.Email.Hang()
				d.Options.AttemptTimeout, d.Options.Grace = 20*time.Millisecond, 5*time.Second
			},
			want:  summary{em, notify.Failed, 0, []notify.Channel{em, em, em}},
			calls: [4]int{1, 1, 3, 1},
			waits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			is:    []error{context.DeadlineExceeded},
			isNot: []error{notify.ErrAbandoned},
		},
		{
			// Abandoned, it is neither retried nor substituted: it may
			// still deliver.
			name: "hang ignoring the context is abandoned",
			ch:   at,
			fault: func(f *notifytest.Fakes, d *notify.Dispatcher, _ context.CancelFunc) {
				f.AlimTalk.HangIgnoringContext() // released after the dispatch
				d.Options.AttemptTimeout = 20 * time.Millisecond
			},
			want:  summary{at, notify.Failed, 0, []notify.Channel{at}},
			calls: [4]int{1, 1, 1, 1},
			is:    []error{notify.ErrAbandoned, context.DeadlineExceeded},
		},
		{
			// One message at a time, in the order of the report: Push,
			// the last, is cancelled once the others are delivered.
			name: "context cancelled mid-retry",
			ch:   pu,
			fault: func(f *notifytest.Fakes, d *notify.Dispatcher, cancel context.CancelFunc) {
				f.Push.FailAlways(errProvider)
				d.Options.MaxAttempts, d.Options.MaxConcurrency = 5, 1
				wait := d.Options.Wait
				var n atomic.Int32
				d.Options.Wait = func(ctx context.Context, dur time.Duration) error {
					if n.Add(1) == 2 {
						cancel()
					}
					return wait(ctx, dur)
				}
			},
			want:  summary{pu, notify.Failed, 0, []notify.Channel{pu, pu}},
			calls: [4]int{1, 1, 1, 2},
			waits: []time.Duration{100 * time.Millisecond, 200 * time.Millisecond},
			is:    []error{errProvider, context.Canceled},
		},
		{
			name: "nil sender is skipped",
			ch:   pu,
			fault: func(_ *notifytest.Fakes, d *notify.Dispatcher, _ context.CancelFunc) {
				d.Senders.Push = nil
			},
			want:  summary{pu, notify.Skipped, 0, nil},
			calls: [4]int{1, 1, 1, 0},
			is:    []error{notify.ErrNoSender},
		},
		{
			name: "nil AlimTalk sender goes out as its substitute",
			ch:   at,
			fault: func(_ *notifytest.Fakes, d *notify.Dispatcher, _ context.CancelFunc) {
				d.Senders.AlimTalk = nil
			},
			want:  summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{sms}},
			calls: [4]int{0, 2, 1, 1},
		},
	}

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			fakes, senders := notifytest.NewSenders()
			w := &waits{}
			d := newDispatcher(senders, w)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.fault(fakes, d, cancel)
			b := notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()}

			r := d.Dispatch(ctx, b)

			want := []summary{
				{at, notify.Delivered, at, []notify.Channel{at}},
				{sms, notify.Delivered, sms, []notify.Channel{sms}},
				{em, notify.Delivered, em, []notify.Channel{em}},
				{pu, notify.Delivered, pu, []notify.Channel{pu}},
			}
			want[tt.ch-at] = tt.want
			if diff := cmp.Diff(want, summarize(r)); diff != "" {
				t.Fatalf("report (-want +got):\n%s", diff)
			}

			err := r.Err()
			for _, e := range r.Entries {
				if e.Channel != tt.ch && e.Err != nil {
					t.Errorf("%v: Err = %v, want nil", e.Channel, e.Err)
				}
				if e.Err != nil && !strings.HasPrefix(e.Err.Error(), "notify: "+e.Channel.String()+":") {
					t.Errorf("%v: error %q does not name its channel", e.Channel, e.Err)
				}
			}
			e, _ := r.Entry(tt.ch)
			failed := e.Outcome == notify.Failed
			if (err != nil) != failed {
				t.Errorf("Err() = %v, but the %v entry is %v", err, tt.ch, e.Outcome)
			}
			// Where the fault lives: the entry's error, or the failed
			// attempts' if the message was delivered after all.
			where := e.Err
			if where == nil {
				for _, a := range e.Attempts {
					where = errors.Join(where, a.Err)
				}
			}
			for _, target := range tt.is {
				if !errors.Is(where, target) {
					t.Errorf("entry error %v does not wrap %v", where, target)
				}
				if failed && !errors.Is(err, target) {
					t.Errorf("Err() = %v does not wrap %v", err, target)
				}
			}
			if tt.as != nil {
				if !errors.As(where, tt.as) {
					t.Errorf("entry error %v is not a %T", where, tt.as)
				}
				if failed && !errors.As(err, tt.as) {
					t.Errorf("Err() = %v is not a %T", err, tt.as)
				}
			}
			for _, target := range tt.isNot {
				if errors.Is(e.Err, target) {
					t.Errorf("entry error %v wraps %v", e.Err, target)
				}
			}
			if tt.check != nil {
				tt.check(t, e)
			}

			report := fmt.Sprintf("%+v", r)
			if err != nil {
				report += "\n" + err.Error()
			}
			for _, raw := range personal {
				if strings.Contains(report, raw) {
					t.Errorf("report holds %q:\n%s", raw, report)
				}
			}

			calls := [4]int{fakes.AlimTalk.Calls(), fakes.SMS.Calls(), fakes.Email.Calls(), fakes.Push.Calls()}
			if diff := cmp.Diff(tt.calls, calls); diff != "" {
				t.Errorf("calls of the AlimTalk, SMS, Email and Push fakes (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.waits, w.all()); diff != "" {
				t.Errorf("waits (-want +got):\n%s", diff)
			}

			// The fakes accepted exactly what the report says was
			// delivered, the substitute under its own key.
			var delivered, accepted []string
			for _, e := range r.Entries {
				switch e.Outcome {
				case notify.Delivered:
					delivered = append(delivered, e.Key)
				case notify.DeliveredBySubstitute:
					delivered = append(delivered, b.AlimTalk.Substitute.Key)
				}
			}
			for _, m := range fakes.AlimTalk.Sent() {
				accepted = append(accepted, m.Key)
			}
			for _, m := range fakes.SMS.Sent() {
				accepted = append(accepted, m.Key)
			}
			for _, m := range fakes.Email.Sent() {
				accepted = append(accepted, m.Key)
			}
			for _, m := range fakes.Push.Sent() {
				accepted = append(accepted, m.Key)
			}
			slices.Sort(delivered)
			slices.Sort(accepted)
			if diff := cmp.Diff(delivered, accepted); diff != "" {
				t.Errorf("keys accepted by the fakes (-reported +accepted):\n%s", diff)
			}

			// Let a call the dispatcher abandoned return, as a host's
			// sender eventually does: only then, as ErrAbandoned warns, may
			// its message go, so the keys are compared before.
			for _, release := range []func(){fakes.AlimTalk.Release, fakes.SMS.Release, fakes.Email.Release, fakes.Push.Release} {
				release()
			}
			settleGoroutines(t, before)
		})
	}
}
