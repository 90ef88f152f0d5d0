package notify_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

// In fake time, the report's times are exact: an attempt lasts as long as
// its sender, a retry starts after its wait, and a message sent after
// another starts as the other ends and lasts its own attempts only.
func TestDispatchTimesAttemptsAndMessages(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		senders := notify.Senders{
			Email: notify.EmailFunc(func(context.Context, notify.Email) error {
				calls++
				time.Sleep(10 * time.Millisecond)
				if calls == 1 {
					return errors.New("smtp: 451 try again")
				}
				return nil
			}),
			Push: notify.PushFunc(func(context.Context, notify.Push) error {
				time.Sleep(10 * time.Millisecond)
				return nil
			}),
		}
		d := &notify.Dispatcher{Senders: senders, Options: notify.Options{
			Jitter: noJitter, MinBackoff: 100 * time.Millisecond, MaxConcurrency: 1, AttemptTimeout: time.Second,
		}}
		t0 := time.Now()
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
		ms := time.Millisecond
		want := []entryTime{
			{0, 120 * ms, []attemptTime{{0, 10 * ms, false}, {110 * ms, 10 * ms, false}}},
			{120 * ms, 10 * ms, []attemptTime{{120 * ms, 10 * ms, false}}},
		}
		if diff := cmp.Diff(want, entryTimes(t0, r)); diff != "" {
			t.Errorf("email then push (-want +got):\n%s", diff)
		}
	})
}

// A rate limit that asks for longer than MaxRetryAfter fails the message at
// once even when the backoff is as long or longer: the provider has run out
// of a quota, whatever the dispatcher would have waited.
func TestDispatchRetryAfterOverMaxFailsEvenUnderTheBackoff(t *testing.T) {
	for _, ra := range []time.Duration{2 * time.Second, 3 * time.Second} {
		calls := 0
		senders := notify.Senders{Email: notify.EmailFunc(func(context.Context, notify.Email) error {
			calls++
			return notify.RateLimited(errors.New("429"), ra)
		})}
		var w waits
		d := newDispatcher(senders, &w)
		d.Options.MinBackoff, d.Options.MaxBackoff, d.Options.MaxRetryAfter = 3*time.Second, 3*time.Second, time.Second
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		e, _ := r.Entry(em)
		if got, ok := notify.RetryAfter(e.Err); e.Outcome != notify.Failed || !ok || got != ra {
			t.Errorf("retry-after %v: %v, %v; want failed with the rate limit", ra, e.Outcome, e.Err)
		}
		if diff := cmp.Diff([]time.Duration(nil), w.all()); calls != 1 || diff != "" {
			t.Errorf("retry-after %v: %d calls, waits (-want +got):\n%s", ra, calls, diff)
		}
	}
}
