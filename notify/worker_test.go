package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/followup-go/followup/notify"
)

// logged records the channel and number of every attempt the Logger logs.
type logged struct {
	mu   sync.Mutex
	recs []string
}

func (l *logged) Enabled(context.Context, slog.Level) bool { return true }
func (l *logged) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *logged) WithGroup(string) slog.Handler            { return l }
func (l *logged) Handle(_ context.Context, r slog.Record) error {
	var ch string
	var n int64
	r.Attrs(func(a slog.Attr) bool {
		switch a.Key {
		case "channel":
			ch = a.Value.String()
		case "attempt":
			n = a.Value.Int64()
		}
		return true
	})
	l.mu.Lock()
	defer l.mu.Unlock()
	l.recs = append(l.recs, ch+"#"+string(rune('0'+n)))
	return nil
}

func (l *logged) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.recs...)
}

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

// A sender that exits its goroutine on a retry gets an attempt as long as
// its call, after the first one, and the Logger logs both.
func TestDispatchSenderGoexitOnARetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		senders := notify.Senders{Email: notify.EmailFunc(func(context.Context, notify.Email) error {
			calls++
			if calls == 1 {
				return errors.New("smtp: 451 try again")
			}
			time.Sleep(10 * time.Millisecond)
			runtime.Goexit()
			return nil
		})}
		var log logged
		d := &notify.Dispatcher{Senders: senders, Options: notify.Options{
			Jitter: noJitter, MinBackoff: 100 * time.Millisecond, AttemptTimeout: time.Second, Logger: slog.New(&log),
		}}
		t0 := time.Now()
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		e, _ := r.Entry(em)
		ms := time.Millisecond
		if diff := cmp.Diff([]attemptTime{{0, 0, false}, {100 * ms, 10 * ms, false}}, attemptTimes(t0, e)); diff != "" {
			t.Errorf("attempts (-want +got):\n%s", diff)
		}
		if e.Outcome != notify.Failed || !errors.Is(e.Err, notify.ErrSenderExited) {
			t.Errorf("email: %v, %v; want failed with ErrSenderExited", e.Outcome, e.Err)
		}
		if diff := cmp.Diff([]string{"email#1", "email#2"}, log.all()); diff != "" {
			t.Errorf("logged attempts (-want +got):\n%s", diff)
		}
	})
}

// A sender that exits its goroutine the moment the dispatch starts fails
// its message with one attempt, logged, and the call is not abandoned later
// with another that overran its deadline.
func TestDispatchSenderGoexitAtTheStart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		senders := notify.Senders{
			Email: notify.EmailFunc(func(ctx context.Context, _ notify.Email) error { return goexit(ctx) }),
			Push: notify.PushFunc(func(ctx context.Context, _ notify.Push) error {
				<-ctx.Done()
				time.Sleep(20 * time.Millisecond)
				return ctx.Err()
			}),
		}
		var log logged
		d := &notify.Dispatcher{Senders: senders, Options: notify.Options{
			MaxAttempts: 1, AttemptTimeout: 50 * time.Millisecond, Grace: 10 * time.Millisecond, Logger: slog.New(&log),
		}}
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
		time.Sleep(time.Second) // the abandoned push's sender returns
		e, _ := r.Entry(em)
		var errs []error
		for _, a := range e.Attempts {
			errs = append(errs, a.Err)
		}
		if diff := cmp.Diff([]error{notify.ErrSenderExited}, errs, cmpopts.EquateErrors()); diff != "" {
			t.Errorf("email's attempts (-want +got):\n%s", diff)
		}
		if p, _ := r.Entry(pu); !errors.Is(p.Err, notify.ErrAbandoned) {
			t.Errorf("push: %v; want abandoned", p.Err)
		}
		if diff := cmp.Diff([]string{"email#1", "push#1"}, log.all()); diff != "" {
			t.Errorf("logged attempts (-want +got):\n%s", diff)
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

// exitingCtx is a context whose Err exits the goroutine from its second
// call on: the first is the caller's, before any sender runs.
type exitingCtx struct {
	context.Context
	calls atomic.Int32
}

func (c *exitingCtx) Err() error {
	if c.calls.Add(1) > 1 {
		runtime.Goexit()
	}
	return nil
}

// A worker whose goroutine ends before the message's first attempt fails
// the message without one.
func TestDispatchGoexitBeforeTheFirstAttempt(t *testing.T) {
	var w waits
	d := newDispatcher(notify.Senders{Email: notify.EmailFunc(func(context.Context, notify.Email) error { return nil })}, &w)
	r := d.Dispatch(&exitingCtx{Context: context.Background()}, notify.Batch{Email: testEmail()})
	e, _ := r.Entry(em)
	if e.Outcome != notify.Failed || e.Err == nil || len(e.Attempts) != 0 {
		t.Errorf("email: %v, %v, %d attempts; want failed without an attempt", e.Outcome, e.Err, len(e.Attempts))
	}
}
