package notify_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

// goexit is a fault of a sender that ends its goroutine, as t.FailNow does
// in a test's sender.
func goexit(context.Context) error {
	runtime.Goexit()
	return nil
}

// A sender that calls runtime.Goexit fails its message at once, not when its
// call would be abandoned, and the other messages still go: the worker it
// ended is replaced, even with MaxConcurrency 1.
func TestDispatchSenderGoexit(t *testing.T) {
	tests := []struct {
		name  string
		fault func(f *notifytest.Fakes, s *notify.Senders)
		want  []summary
		calls [4]int
		is    []error // in the AlimTalk's entry
	}{
		{"alimtalk: no retry, no substitute", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.Hook(goexit)
		}, []summary{
			{at, notify.Failed, 0, []notify.Channel{at}},
			{sms, notify.Delivered, sms, []notify.Channel{sms}},
			{em, notify.Delivered, em, []notify.Channel{em}},
			{pu, notify.Delivered, pu, []notify.Channel{pu}},
		}, [4]int{1, 1, 1, 1}, []error{notify.ErrSenderExited}},
		{"the substitute", func(f *notifytest.Fakes, s *notify.Senders) {
			f.AlimTalk.FailAlways(notify.ErrRecipientRefused)
			s.SMS = notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
				if m.Key == testAlimTalk().Substitute.Key {
					_ = f.SMS.SendSMS(ctx, notify.SMS{}) // counts the call
					runtime.Goexit()
				}
				return f.SMS.SendSMS(ctx, m)
			})
		}, []summary{
			{at, notify.Failed, 0, []notify.Channel{at, sms}},
			{sms, notify.Delivered, sms, []notify.Channel{sms}},
			{em, notify.Delivered, em, []notify.Channel{em}},
			{pu, notify.Delivered, pu, []notify.Channel{pu}},
		}, [4]int{1, 2, 1, 1}, []error{notify.ErrSenderExited, notify.ErrRecipientRefused}},
		{"every sender", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.Hook(goexit)
			f.SMS.Hook(goexit)
			f.Email.Hook(goexit)
			f.Push.Hook(goexit)
		}, []summary{
			{at, notify.Failed, 0, []notify.Channel{at}},
			{sms, notify.Failed, 0, []notify.Channel{sms}},
			{em, notify.Failed, 0, []notify.Channel{em}},
			{pu, notify.Failed, 0, []notify.Channel{pu}},
		}, [4]int{1, 1, 1, 1}, []error{notify.ErrSenderExited}},
	}
	for _, tt := range tests {
		for _, limit := range []int{0, 1} {
			t.Run(fmt.Sprintf("%s/MaxConcurrency=%d", tt.name, limit), func(t *testing.T) {
				before := runtime.NumGoroutine()
				fakes, senders := notifytest.NewSenders()
				tt.fault(fakes, &senders)
				d := newDispatcher(senders, &waits{})
				// Long enough that waiting to abandon the call fails the test.
				d.Options.AttemptTimeout, d.Options.MaxConcurrency = 5*time.Second, limit
				start := time.Now()
				r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()})
				if took := time.Since(start); took > 2*time.Second {
					t.Errorf("Dispatch took %v: it waited to abandon the call", took)
				}
				if diff := cmp.Diff(tt.want, summarize(r)); diff != "" {
					t.Errorf("MaxConcurrency %d: report (-want +got):\n%s", limit, diff)
				}
				e, _ := r.Entry(at)
				for _, target := range tt.is {
					if !errors.Is(e.Err, target) || !errors.Is(r.Err(), target) {
						t.Errorf("entry error %v does not wrap %v", e.Err, target)
					}
				}
				if a := e.Attempts[len(e.Attempts)-1]; !errors.Is(a.Err, notify.ErrSenderExited) {
					t.Errorf("last attempt's error = %v", a.Err)
				}
				calls := [4]int{fakes.AlimTalk.Calls(), fakes.SMS.Calls(), fakes.Email.Calls(), fakes.Push.Calls()}
				if calls != tt.calls {
					t.Errorf("calls %v, want %v", calls, tt.calls)
				}
				settleGoroutines(t, before)
			})
		}
	}
}

// Options.Wait, the host's too, may end the goroutine: the message fails
// at once instead of never.
func TestDispatchWaitGoexit(t *testing.T) {
	before := runtime.NumGoroutine()
	fakes, senders := notifytest.NewSenders()
	fakes.Email.FailAlways(errors.New("503"))
	d := newDispatcher(senders, &waits{})
	d.Options.Wait = func(context.Context, time.Duration) error { runtime.Goexit(); return nil }
	d.Options.MaxConcurrency = 1
	r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
	want := []summary{{em, notify.Failed, 0, []notify.Channel{em}}, {pu, notify.Delivered, pu, []notify.Channel{pu}}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if e, _ := r.Entry(em); e.Err == nil || !strings.Contains(e.Err.Error(), "Options.Wait") {
		t.Errorf("entry error = %v", e.Err)
	}
	settleGoroutines(t, before)
}

// The Logger's handler may end the goroutine too, as it logs an attempt:
// the message's outcome is the attempt's.
func TestDispatchLoggerGoexit(t *testing.T) {
	before := runtime.NumGoroutine()
	fakes, senders := notifytest.NewSenders()
	fakes.Email.FailAlways(errors.New("503"))
	d := newDispatcher(senders, &waits{})
	d.Options.Logger = slog.New(goexitHandler{})
	d.Options.MaxConcurrency = 1
	r := d.Dispatch(context.Background(), notify.Batch{SMS: testSMS(), Email: testEmail()})
	want := []summary{{sms, notify.Delivered, sms, []notify.Channel{sms}}, {em, notify.Failed, 0, []notify.Channel{em}}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if e, _ := r.Entry(em); e.Err == nil || !strings.Contains(e.Err.Error(), "503") || !strings.Contains(e.Err.Error(), "Logger") {
		t.Errorf("entry error = %v, want the attempt's and the exit's", e.Err)
	}
	if e, _ := r.Entry(sms); e.Err != nil {
		t.Errorf("delivered entry error = %v", e.Err)
	}
	settleGoroutines(t, before)
}

// A sender and the Logger's handler may both end the goroutine: the
// handler's exit as it logs the sender's does not keep the message from its
// outcome, nor Dispatch from returning.
func TestDispatchSenderAndLoggerGoexit(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	fakes.SMS.Hook(goexit)
	d := newDispatcher(senders, &waits{})
	d.Options.Logger = slog.New(goexitHandler{})
	done := make(chan notify.Report, 1)
	go func() { done <- d.Dispatch(context.Background(), notify.Batch{SMS: testSMS(), Email: testEmail()}) }()
	var r notify.Report
	select {
	case r = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Dispatch did not return")
	}
	want := []summary{{sms, notify.Failed, 0, []notify.Channel{sms}}, {em, notify.Delivered, em, []notify.Channel{em}}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("report (-want +got):\n%s", diff)
	}
	if e, _ := r.Entry(sms); !errors.Is(e.Err, notify.ErrSenderExited) {
		t.Errorf("entry error = %v, want the sender's exit", e.Err)
	}
}

// goexitHandler is a slog handler that ends the goroutine it handles on.
type goexitHandler struct{}

func (goexitHandler) Enabled(context.Context, slog.Level) bool  { return true }
func (goexitHandler) Handle(context.Context, slog.Record) error { runtime.Goexit(); return nil }
func (h goexitHandler) WithAttrs([]slog.Attr) slog.Handler      { return h }
func (h goexitHandler) WithGroup(string) slog.Handler           { return h }

// A sender abandoned for ignoring its context that then calls Goexit
// changes nothing: the caller's goroutine owns its job.
func TestDispatchGoexitAfterAbandon(t *testing.T) {
	before := runtime.NumGoroutine()
	release := make(chan struct{})
	var exited sync.WaitGroup
	exited.Add(1)
	d := &notify.Dispatcher{Senders: notify.Senders{
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			defer exited.Done()
			<-release
			runtime.Goexit()
			return nil
		}),
		Push: notify.PushFunc(func(ctx context.Context, m notify.Push) error { return nil }),
	}, Options: notify.Options{AttemptTimeout: 10 * time.Millisecond, Grace: 10 * time.Millisecond, MaxConcurrency: 1}}
	r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
	if e, _ := r.Entry(em); !errors.Is(e.Err, notify.ErrAbandoned) || errors.Is(e.Err, notify.ErrSenderExited) {
		t.Errorf("entry error = %v", e.Err)
	}
	close(release)
	exited.Wait()
	// The dispatch's state, recycled once the exited worker let go of it,
	// serves the next dispatches.
	for range 100 {
		if r := d.Dispatch(context.Background(), notify.Batch{Push: testPush()}); !r.Delivered(pu) {
			t.Fatal(r.Err())
		}
	}
	settleGoroutines(t, before)
}

// Dispatches at the same time whose senders sometimes call Goexit, return,
// fail or are slow: every report is complete and nothing leaks. Run it
// under the race detector.
func TestDispatchGoexitUnderLoad(t *testing.T) {
	before := runtime.NumGoroutine()
	act := func(ctx context.Context) error {
		switch rand.IntN(5) {
		case 0:
			runtime.Goexit()
		case 1:
			return errors.New("503")
		case 2:
			select {
			case <-time.After(time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		return nil
	}
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error { return act(ctx) }),
		SMS:      notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { return act(ctx) }),
		Email:    notify.EmailFunc(func(ctx context.Context, m notify.Email) error { return act(ctx) }),
		Push:     notify.PushFunc(func(ctx context.Context, m notify.Push) error { return act(ctx) }),
	}, Options: notify.Options{AttemptTimeout: 5 * time.Second, MinBackoff: time.Microsecond, MaxBackoff: time.Microsecond}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			d := *d
			d.Options.MaxConcurrency = g % 3
			for range 50 {
				r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()})
				if len(r.Entries) != 4 {
					t.Errorf("%d entries", len(r.Entries))
					return
				}
				for _, e := range r.Entries {
					if (e.Outcome == notify.Failed) != (e.Err != nil) || e.Outcome == 0 {
						t.Errorf("%v: %v, %v", e.Channel, e.Outcome, e.Err)
					}
				}
			}
		}()
	}
	wg.Wait()
	settleGoroutines(t, before)
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
