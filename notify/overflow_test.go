package notify_test

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/followup-go/followup/notify"
)

// Durations as long as a time.Duration goes mean "no limit", not an
// overflow: every call was abandoned at once, and a long backoff panicked.
func TestDispatchHugeDurations(t *testing.T) {
	for _, o := range []notify.Options{
		{AttemptTimeout: math.MaxInt64},
		{Grace: math.MaxInt64},
		{AttemptTimeout: math.MaxInt64, Grace: math.MaxInt64},
		{AttemptTimeout: math.MaxInt64 - 1, Grace: math.MaxInt64 - 1},
	} {
		var ctxErr error
		var dl time.Time
		d := &notify.Dispatcher{Senders: notify.Senders{
			SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
				time.Sleep(2 * time.Millisecond) // so that the dispatcher waits
				ctxErr = ctx.Err()
				dl, _ = ctx.Deadline()
				return ctxErr
			}),
		}, Options: o}
		d.Options.MaxAttempts = 1
		start := time.Now()
		r := d.Dispatch(context.Background(), notify.Batch{SMS: testSMS()})
		if e := r.Entries[0]; e.Outcome != notify.Delivered {
			t.Errorf("AttemptTimeout %v, Grace %v: %v, %v", o.AttemptTimeout, o.Grace, e.Outcome, e.Err)
		}
		if ctxErr != nil {
			t.Errorf("AttemptTimeout %v, Grace %v: the sender's context was done: %v", o.AttemptTimeout, o.Grace, ctxErr)
		}
		if o.AttemptTimeout != 0 && dl.Before(start.AddDate(50, 0, 0)) {
			t.Errorf("AttemptTimeout %v: the sender's deadline is %v", o.AttemptTimeout, dl)
		}
	}

	for _, o := range []notify.Options{
		{MinBackoff: math.MaxInt64, MaxBackoff: math.MaxInt64},
		{MinBackoff: 1 << 62, MaxBackoff: math.MaxInt64},
		{MinBackoff: math.MaxInt64},
	} {
		var waits []time.Duration
		o.MaxAttempts = 3
		o.Wait = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return nil }
		n := 0
		d := &notify.Dispatcher{Senders: notify.Senders{
			SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
				if n++; n < 3 {
					return errors.New("503")
				}
				return nil
			}),
		}, Options: o}
		r := d.Dispatch(context.Background(), notify.Batch{SMS: testSMS()})
		if !r.Delivered(sms) {
			t.Errorf("MinBackoff %v, MaxBackoff %v: %v", o.MinBackoff, o.MaxBackoff, r.Err())
		}
		for _, w := range waits {
			if w < 0 {
				t.Errorf("MinBackoff %v, MaxBackoff %v: waits %v", o.MinBackoff, o.MaxBackoff, waits)
			}
		}
	}
}
