package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

func testSMS() *notify.SMS {
	return &notify.SMS{Key: "fu-1-sms", From: "15881234", To: "+821012345678", Text: "상담원이 답변했습니다."}
}

func testAlimTalk() *notify.AlimTalk {
	sub := *testSMS()
	sub.Key = "fu-1-alimtalk-sub"
	return &notify.AlimTalk{Key: "fu-1-alimtalk", To: "+821012345678", TemplateCode: "FOLLOWUP",
		Text: "상담원이 답변했습니다.", Substitute: &sub}
}

func testEmail() *notify.Email {
	return &notify.Email{Key: "fu-1-email", To: "minji@example.com", Subject: "답변이 도착했습니다", Text: "본문"}
}

func testPush() *notify.Push {
	return &notify.Push{Key: "fu-1-push", To: "user-1", Title: "답변"}
}

// waits records the backoff waits instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) wait(ctx context.Context, d time.Duration) error {
	w.mu.Lock()
	w.d = append(w.d, d)
	w.mu.Unlock()
	return ctx.Err()
}

func (w *waits) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func noJitter(d time.Duration) time.Duration { return d }

func newDispatcher(s notify.Senders, w *waits) *notify.Dispatcher {
	return &notify.Dispatcher{Senders: s, Options: notify.Options{
		Wait: w.wait, Jitter: noJitter, MinBackoff: 100 * time.Millisecond, MaxBackoff: 300 * time.Millisecond,
		AttemptTimeout: 200 * time.Millisecond, Grace: 20 * time.Millisecond,
	}}
}

// summary is the part of an entry tests compare.
type summary struct {
	Channel  notify.Channel
	Outcome  notify.Outcome
	Via      notify.Channel
	Attempts []notify.Channel
}

func summarize(r notify.Report) []summary {
	var out []summary
	for _, e := range r.Entries {
		s := summary{Channel: e.Channel, Outcome: e.Outcome, Via: e.Via}
		for _, a := range e.Attempts {
			s.Attempts = append(s.Attempts, a.Channel)
		}
		out = append(out, s)
	}
	return out
}

var (
	at  = notify.ChannelAlimTalk
	sms = notify.ChannelSMS
	em  = notify.ChannelEmail
	pu  = notify.ChannelPush
)

func TestDispatchDeliversEveryChannel(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), notify.Batch{
		AlimTalk: testAlimTalk(), Email: testEmail(), Push: testPush()})
	want := []summary{
		{at, notify.Delivered, at, []notify.Channel{at}},
		{em, notify.Delivered, em, []notify.Channel{em}},
		{pu, notify.Delivered, pu, []notify.Channel{pu}},
	}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if r.Err() != nil {
		t.Errorf("Err() = %v", r.Err())
	}
	if got := len(fakes.SMS.Sent()); got != 0 {
		t.Errorf("substitute sent %d times though AlimTalk went through", got)
	}
	if e, _ := r.Entry(at); e.Key != "fu-1-alimtalk" {
		t.Errorf("entry key = %q", e.Key)
	}
}

// Three channels fail in three different ways; the report holds all three.
func TestDispatchReportsEveryFailure(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	invalid := errors.New("invalid template")
	transient := errors.New("provider 503")
	fakes.AlimTalk.FailAlways(notify.Permanent(invalid))
	fakes.SMS.RateLimit(10, time.Second)
	fakes.Email.FailAlways(transient)
	a := testAlimTalk()
	a.Substitute = nil
	w := &waits{}
	r := newDispatcher(senders, w).Dispatch(context.Background(), notify.Batch{AlimTalk: a, SMS: testSMS(), Email: testEmail()})
	want := []summary{
		{at, notify.Failed, 0, []notify.Channel{at}},
		{sms, notify.Failed, 0, []notify.Channel{sms, sms, sms}},
		{em, notify.Failed, 0, []notify.Channel{em, em, em}},
	}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	err := r.Err()
	var rl *notify.RateLimitError
	if !errors.Is(err, invalid) || !errors.Is(err, transient) || !errors.As(err, &rl) {
		t.Errorf("Err() lost an outcome: %v", err)
	}
	for _, e := range r.Entries {
		for i, a := range e.Attempts {
			if a.Err == nil {
				t.Errorf("%v attempt %d has no error", e.Channel, i+1)
			}
		}
		if !strings.HasPrefix(e.Err.Error(), "notify: "+e.Channel.String()+":") {
			t.Errorf("entry error %q does not name its channel", e.Err)
		}
	}
}

func TestDispatchSubstitute(t *testing.T) {
	refused := notify.ErrRecipientRefused
	tests := []struct {
		name     string
		setup    func(f *notifytest.Fakes, s *notify.Senders)
		want     summary
		smsSent  int
		wantErrs []error
	}{
		{"permanent failure goes out as SMS", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailAlways(notify.Permanent(errors.New("template mismatch")))
		}, summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{at, sms}}, 1, nil},
		{"recipient refused goes out as SMS", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailAlways(refused)
		}, summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{at, sms}}, 1, nil},
		{"no AlimTalk sender goes out as SMS", func(_ *notifytest.Fakes, s *notify.Senders) {
			s.AlimTalk = nil
		}, summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{sms}}, 1, nil},
		{"transient then success: no substitute", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailTimes(1, errors.New("timeout"))
		}, summary{at, notify.Delivered, at, []notify.Channel{at, at}}, 0, nil},
		{"transient to the end: no substitute, it may have gone through", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailAlways(errors.New("timeout"))
		}, summary{at, notify.Failed, 0, []notify.Channel{at, at, at}}, 0, nil},
		{"transient then refused: no substitute, the first may have gone through", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailTimes(1, errors.New("502 bad gateway"))
			f.AlimTalk.FailAlways(refused)
		}, summary{at, notify.Failed, 0, []notify.Channel{at, at}}, 0, []error{refused}},
		{"timeout then permanent: no substitute", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailTimes(1, fmt.Errorf("provider: %w", context.DeadlineExceeded))
			f.AlimTalk.FailAlways(notify.Permanent(errors.New("duplicate request")))
		}, summary{at, notify.Failed, 0, []notify.Channel{at, at}}, 0, nil},
		{"rate limited then refused goes out as SMS", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.RateLimit(1, time.Second)
			f.AlimTalk.FailAlways(refused)
		}, summary{at, notify.DeliveredBySubstitute, sms, []notify.Channel{at, at, sms}}, 1, nil},
		{"rate limited to the end: no substitute, the host may send it later", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.RateLimit(3, time.Second)
		}, summary{at, notify.Failed, 0, []notify.Channel{at, at, at}}, 0, nil},
		{"panic: no substitute", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.Panic("boom")
		}, summary{at, notify.Failed, 0, []notify.Channel{at}}, 0, []error{notify.ErrSenderPanicked}},
		{"refused and the substitute fails too", func(f *notifytest.Fakes, _ *notify.Senders) {
			f.AlimTalk.FailAlways(refused)
			f.SMS.FailAlways(notify.Permanent(errors.New("blocked number")))
		}, summary{at, notify.Failed, 0, []notify.Channel{at, sms}}, 0, []error{refused}},
		{"refused and no SMS sender", func(f *notifytest.Fakes, s *notify.Senders) {
			f.AlimTalk.FailAlways(refused)
			s.SMS = nil
		}, summary{at, notify.Failed, 0, []notify.Channel{at}}, 0, []error{refused, notify.ErrNoSender}},
		{"no sender for either", func(_ *notifytest.Fakes, s *notify.Senders) {
			s.AlimTalk, s.SMS = nil, nil
		}, summary{at, notify.Skipped, 0, nil}, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			tt.setup(fakes, &senders)
			r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk()})
			if diff := cmp.Diff([]summary{tt.want}, summarize(r)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if got := len(fakes.SMS.Sent()); got != tt.smsSent {
				t.Errorf("SMS sent %d times, want %d", got, tt.smsSent)
			}
			if tt.smsSent == 1 {
				if got := fakes.SMS.Sent()[0].Key; got != "fu-1-alimtalk-sub" {
					t.Errorf("substitute key %q", got)
				}
			}
			delivered := len(fakes.AlimTalk.Sent()) + len(fakes.SMS.Sent())
			if delivered > 1 {
				t.Errorf("%d messages reached the customer, want at most one", delivered)
			}
			for _, want := range tt.wantErrs {
				e, _ := r.Entry(at)
				if !errors.Is(e.Err, want) {
					t.Errorf("entry error %v does not wrap %v", e.Err, want)
				}
			}
		})
	}
}

// A provider takes the AlimTalk, but its answer comes too late: the
// attempt times out. The retry, under the same idempotency key, is refused
// as a duplicate, permanently. The customer has the AlimTalk, so the
// substitute must not go.
func TestDispatchNoSubstituteAfterATimeout(t *testing.T) {
	var delivered sync.Map // idempotency keys the provider took
	var alimTalks, texts atomic.Int32
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			if _, dup := delivered.LoadOrStore(m.Key, true); dup {
				return notify.Permanent(errors.New("duplicate request"))
			}
			alimTalks.Add(1)
			<-ctx.Done() // the answer does not come in time
			return ctx.Err()
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { texts.Add(1); return nil }),
	}, Options: notify.Options{AttemptTimeout: 10 * time.Millisecond, Grace: 5 * time.Second,
		Wait: (&waits{}).wait}}
	r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk()})
	if got := alimTalks.Load() + texts.Load(); got != 1 {
		t.Errorf("the customer got %d messages, want 1", got)
	}
	if diff := cmp.Diff([]summary{{at, notify.Failed, 0, []notify.Channel{at, at}}}, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if e := r.Entries[0]; e.Err == nil || !strings.Contains(e.Err.Error(), "no substitute") {
		t.Errorf("entry error %v does not say why there was no substitute", e.Err)
	}
}

// A sender that marks the context's error permanent ("do not retry network
// errors") does not make the dispatcher send the substitute: the call was
// cut off, and the provider may have delivered the AlimTalk.
func TestDispatchNoSubstituteAfterATimeoutMarkedPermanent(t *testing.T) {
	for name, mark := range map[string]func(error) error{
		"Permanent":           notify.Permanent,
		"ErrRecipientRefused": func(err error) error { return errors.Join(notify.ErrRecipientRefused, err) },
	} {
		t.Run(name, func(t *testing.T) {
			var texts atomic.Int32
			d := &notify.Dispatcher{Senders: notify.Senders{
				AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
					<-ctx.Done() // the provider took the request; its answer comes too late
					return mark(ctx.Err())
				}),
				SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { texts.Add(1); return nil }),
			}, Options: notify.Options{AttemptTimeout: 10 * time.Millisecond, Wait: (&waits{}).wait}}
			r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk()})
			if n := texts.Load(); n != 0 {
				t.Errorf("the substitute went %d times after an AlimTalk that may have gone", n)
			}
			if e := r.Entries[0]; e.Outcome != notify.Failed || !e.MayHaveSent() {
				t.Errorf("entry %v, MayHaveSent %v; want failed, may have sent", e.Outcome, e.MayHaveSent())
			}
		})
	}
}

func TestDispatchRetries(t *testing.T) {
	t.Run("capped exponential backoff", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailTimes(4, errors.New("503"))
		w := &waits{}
		d := newDispatcher(senders, w)
		d.Options.MaxAttempts = 5
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		if !r.Delivered(em) {
			t.Fatalf("not delivered: %v", r.Err())
		}
		want := []time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond}
		if diff := cmp.Diff(want, w.all()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("default jitter stays within [d/2, d]", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailTimes(2, errors.New("503"))
		w := &waits{}
		d := newDispatcher(senders, w)
		d.Options.Jitter = nil
		for range 20 {
			fakes.Email.FailTimes(2, errors.New("503"))
			d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		}
		for i, got := range w.all() {
			nominal := 100 * time.Millisecond << (i % 2)
			if got < nominal/2 || got > nominal {
				t.Errorf("wait %d = %v, want within [%v, %v]", i, got, nominal/2, nominal)
			}
		}
	})
	t.Run("rate limit waits at least its retry-after", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		fakes.SMS.RateLimit(1, 2*time.Second)
		w := &waits{}
		r := newDispatcher(senders, w).Dispatch(context.Background(), notify.Batch{SMS: testSMS()})
		if !r.Delivered(sms) {
			t.Fatalf("not delivered: %v", r.Err())
		}
		if diff := cmp.Diff([]time.Duration{2 * time.Second}, w.all()); diff != "" {
			t.Errorf("waits (-want +got):\n%s", diff)
		}
	})
	t.Run("a retry-after over MaxRetryAfter is not waited", func(t *testing.T) {
		for _, tt := range []struct {
			max, retryAfter time.Duration
			waited          bool
		}{
			{0, time.Minute, true},
			{0, time.Minute + time.Millisecond, false},
			{0, 72 * time.Hour, false},
			{96 * time.Hour, 72 * time.Hour, true},
			{time.Second, 2 * time.Second, false},
		} {
			fakes, senders := notifytest.NewSenders()
			fakes.SMS.RateLimit(1, tt.retryAfter)
			w := &waits{}
			d := newDispatcher(senders, w)
			d.Options.MaxRetryAfter = tt.max
			r := d.Dispatch(context.Background(), notify.Batch{SMS: testSMS()})
			e, _ := r.Entry(sms)
			if tt.waited {
				if !r.Delivered(sms) || len(e.Attempts) != 2 || !cmp.Equal(w.all(), []time.Duration{tt.retryAfter}) {
					t.Errorf("MaxRetryAfter %v, retry-after %v: %v after %d attempts, waits %v; want delivered after waiting it",
						tt.max, tt.retryAfter, e.Outcome, len(e.Attempts), w.all())
				}
				continue
			}
			if e.Outcome != notify.Failed || len(e.Attempts) != 1 || len(w.all()) != 0 || fakes.SMS.Calls() != 1 {
				t.Errorf("MaxRetryAfter %v, retry-after %v: %v after %d attempts, waits %v; want failed at once",
					tt.max, tt.retryAfter, e.Outcome, len(e.Attempts), w.all())
			}
			if ra, ok := notify.RetryAfter(e.Err); !ok || ra != tt.retryAfter {
				t.Errorf("MaxRetryAfter %v: RetryAfter(%v) = %v, %t; want the rate limit, for the host to reschedule",
					tt.max, e.Err, ra, ok)
			}
			if ra, ok := notify.RetryAfter(r.Err()); !ok || ra != tt.retryAfter {
				t.Errorf("MaxRetryAfter %v: RetryAfter(Report.Err()) = %v, %t", tt.max, ra, ok)
			}
		}
	})
	t.Run("permanent is never retried", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailAlways(notify.Permanent(errors.New("no such mailbox")))
		w := &waits{}
		newDispatcher(senders, w).Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		if fakes.Email.Calls() != 1 || len(w.all()) != 0 {
			t.Errorf("calls = %d, waits = %v", fakes.Email.Calls(), w.all())
		}
	})
	t.Run("nothing is retried once the context is done", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		ctx, cancel := context.WithCancel(context.Background())
		fakes.Email.Hook(func(context.Context) error { cancel(); return errors.New("503") })
		r := newDispatcher(senders, &waits{}).Dispatch(ctx, notify.Batch{Email: testEmail()})
		if fakes.Email.Calls() != 1 {
			t.Errorf("calls = %d, want 1", fakes.Email.Calls())
		}
		if e, _ := r.Entry(em); e.Outcome != notify.Failed || !errors.Is(e.Err, context.Canceled) {
			t.Errorf("entry = %v, %v", e.Outcome, e.Err)
		}
	})
	t.Run("a done context sends nothing", func(t *testing.T) {
		fakes, senders := notifytest.NewSenders()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := newDispatcher(senders, &waits{}).Dispatch(ctx, notify.Batch{Email: testEmail(), AlimTalk: testAlimTalk()})
		if fakes.Email.Calls()+fakes.AlimTalk.Calls()+fakes.SMS.Calls() != 0 {
			t.Error("a sender was called with a done context")
		}
		if !errors.Is(r.Err(), context.Canceled) {
			t.Errorf("Err() = %v", r.Err())
		}
	})
}

func TestDispatchInvalidAndSkipped(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	bad := testEmail()
	bad.Subject = ""
	r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), notify.Batch{Email: bad, Push: testPush()})
	want := []summary{{em, notify.Failed, 0, nil}, {pu, notify.Skipped, 0, nil}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if fakes.Email.Calls() != 0 {
		t.Error("an invalid message reached its sender")
	}
	if e, _ := r.Entry(pu); !errors.Is(e.Err, notify.ErrNoSender) {
		t.Errorf("skipped entry error = %v", e.Err)
	}
	if err := r.Err(); !errors.Is(err, notify.ErrNoContent) || errors.Is(err, notify.ErrNoSender) {
		t.Errorf("Err() = %v: want the failure, not the skip", err)
	}
}

// Senders of different channels run at the same time: each blocks until all
// three have started.
func TestDispatchIsConcurrent(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	var started sync.WaitGroup
	started.Add(3)
	all := make(chan struct{})
	go func() { started.Wait(); close(all) }()
	barrier := func(ctx context.Context) error {
		started.Done()
		select {
		case <-all:
			return nil
		case <-ctx.Done():
			return errors.New("the other channels never started")
		}
	}
	fakes.AlimTalk.Hook(barrier)
	fakes.Email.Hook(barrier)
	fakes.Push.Hook(barrier)
	d := newDispatcher(senders, &waits{})
	d.Options.AttemptTimeout = 5 * time.Second
	d.Options.MaxAttempts = 1
	r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), Email: testEmail(), Push: testPush()})
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
}

// Once Dispatch returns, no sender call is running with the messages unless
// the report says one was abandoned: the host may then modify them, maps
// and slices included. Run it under the race detector, which sees a
// sender's read that races with the host's write.
func TestDispatchLeavesTheMessagesToTheHost(t *testing.T) {
	// Every sender reads its message's maps and slices at the end of its
	// call, which ends at the attempt's deadline.
	slow := func(ctx context.Context, read func()) error {
		<-ctx.Done()
		read()
		return ctx.Err()
	}
	var sink atomic.Int64
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			return slow(ctx, func() { sink.Add(int64(len(m.Variables["name"]) + len(m.Buttons[0].Name))) })
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { return nil }),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			return slow(ctx, func() { sink.Add(int64(len(m.Headers["X-Conversation"]))) })
		}),
		Push: notify.PushFunc(func(ctx context.Context, m notify.Push) error {
			return slow(ctx, func() { sink.Add(int64(len(m.Data["conversation"]))) })
		}),
	}, Options: notify.Options{AttemptTimeout: 5 * time.Millisecond, Grace: 5 * time.Second, MaxAttempts: 2,
		Wait: (&waits{}).wait}}
	a, e, p := testAlimTalk(), testEmail(), testPush()
	a.Variables = map[string]string{"name": "민지"}
	a.Buttons = []notify.Button{{Name: "채팅", MobileURL: "https://chat.example/c/1"}}
	e.Headers = map[string]string{"X-Conversation": "c-1"}
	p.Data = map[string]string{"conversation": "c-1"}
	r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: a, Email: e, Push: p})
	if errors.Is(r.Err(), notify.ErrAbandoned) {
		t.Fatalf("a call was abandoned: %v", r.Err())
	}
	a.Variables["name"], a.Buttons[0].Name = "someone else", "x"
	e.Headers["X-Conversation"] = "c-2"
	p.Data["conversation"] = "c-2"
	a.Substitute.Text = "changed"

	// A call abandoned is still running: the report says so, and its
	// message is the call's.
	release := make(chan struct{})
	read := make(chan struct{})
	d.Senders.Email = notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
		<-release
		sink.Add(int64(len(m.Headers["X-Conversation"])))
		close(read)
		return nil
	})
	d.Options.Grace = 5 * time.Millisecond
	r = d.Dispatch(context.Background(), notify.Batch{Email: e})
	if !errors.Is(r.Err(), notify.ErrAbandoned) {
		t.Fatalf("Err() = %v, want ErrAbandoned", r.Err())
	}
	close(release)
	<-read // only now is the message the host's again
	e.Headers["X-Conversation"] = "c-3"
}

// MaxConcurrency bounds the calls running at once; a call abandoned no
// longer counts, so the next message does not wait for a sender that
// ignores its context.
func TestDispatchMaxConcurrency(t *testing.T) {
	var running, peak atomic.Int32
	enter := func() func() {
		n := running.Add(1)
		for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
		}
		return func() { running.Add(-1) }
	}
	slow := func(ctx context.Context) error {
		defer enter()()
		select {
		case <-time.After(2 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error { return slow(ctx) }),
		SMS:      notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { return slow(ctx) }),
		Email:    notify.EmailFunc(func(ctx context.Context, m notify.Email) error { return slow(ctx) }),
		Push:     notify.PushFunc(func(ctx context.Context, m notify.Push) error { return slow(ctx) }),
	}, Options: notify.Options{MaxConcurrency: 2, AttemptTimeout: 5 * time.Second}}
	for range 20 {
		r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()})
		if err := r.Err(); err != nil {
			t.Fatal(err)
		}
	}
	if p := peak.Load(); p > 2 {
		t.Errorf("%d calls at once, MaxConcurrency 2", p)
	}

	// The email's call ignores its context: abandoned, it runs on while
	// the push goes out.
	release := make(chan struct{})
	defer close(release)
	peak.Store(0)
	d.Senders.Email = notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
		defer enter()()
		<-release
		return nil
	})
	d.Options = notify.Options{MaxConcurrency: 1, AttemptTimeout: 5 * time.Millisecond, Grace: 5 * time.Millisecond}
	r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
	if e, _ := r.Entry(em); !errors.Is(e.Err, notify.ErrAbandoned) || !r.Delivered(pu) {
		t.Fatalf("email %v, push %v: want the email abandoned and the push delivered", e.Err, r.Entries[1].Outcome)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("%d calls at once, want 2: the push's, and the email's abandoned", p)
	}
}

func settleGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("%d goroutines, want %d:\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		runtime.Gosched()
		time.Sleep(time.Millisecond)
	}
}

func TestDispatchLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	fakes, senders := notifytest.NewSenders()
	fakes.AlimTalk.Panic(errors.New("nil map"))
	fakes.Email.Hang()
	fakes.SMS.FailAlways(errors.New("503"))
	fakes.Push.FailAlways(notify.Permanent(errors.New("unregistered device")))
	d := newDispatcher(senders, &waits{})
	// The hanging sender returns at its deadline: however late a loaded
	// machine runs it, it must not be taken for one that ignores its
	// context. A long grace costs nothing here.
	d.Options.Grace = 10 * time.Second
	r := d.Dispatch(context.Background(), notify.Batch{
		AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()})
	if len(r.Entries) != 4 {
		t.Fatalf("%d entries", len(r.Entries))
	}
	for _, e := range r.Entries {
		if e.Outcome != notify.Failed {
			t.Errorf("%v: %v", e.Channel, e.Outcome)
		}
	}
	if e, _ := r.Entry(em); !errors.Is(e.Err, context.DeadlineExceeded) || errors.Is(e.Err, notify.ErrAbandoned) {
		t.Errorf("hanging sender that honours its context: %v", e.Err)
	}
	var pe *notify.PanicError
	if e, _ := r.Entry(at); !errors.As(e.Err, &pe) || pe.Type != "*errors.errorString" {
		t.Errorf("panic entry: %v", e.Err)
	}
	settleGoroutines(t, before)
}

func TestDispatchAbandonsASenderThatIgnoresItsContext(t *testing.T) {
	before := runtime.NumGoroutine()
	fakes, senders := notifytest.NewSenders()
	release := fakes.Email.HangIgnoringContext()
	d := newDispatcher(senders, &waits{})
	d.Options.AttemptTimeout = 30 * time.Millisecond
	r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
	e, _ := r.Entry(em)
	if e.Outcome != notify.Failed || !errors.Is(e.Err, notify.ErrAbandoned) || len(e.Attempts) != 1 {
		t.Errorf("entry = %v, %d attempts, %v", e.Outcome, len(e.Attempts), e.Err)
	}
	if !r.Delivered(pu) {
		t.Error("the other channel was held up")
	}
	release()
	settleGoroutines(t, before)
}

// A call the dispatcher abandoned stays abandoned: when the caller's
// goroutine looks for overdue calls again, here because ctx ends while the
// push's call runs, the email's gets no second abandoned attempt.
func TestDispatchAbandonsACallOnce(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	d := &notify.Dispatcher{Senders: notify.Senders{
		Email: notify.EmailFunc(func(context.Context, notify.Email) error { <-release; return nil }),
		Push: notify.PushFunc(func(context.Context, notify.Push) error {
			cancel() // after the email's call was abandoned: the push waited for its place
			<-release
			return nil
		}),
	}, Options: notify.Options{MaxConcurrency: 1, AttemptTimeout: 5 * time.Millisecond, Grace: 5 * time.Millisecond}}
	r := d.Dispatch(ctx, notify.Batch{Email: testEmail(), Push: testPush()})
	want := []summary{{em, notify.Failed, 0, []notify.Channel{em}}, {pu, notify.Failed, 0, []notify.Channel{pu}}}
	if diff := cmp.Diff(want, summarize(r)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if e, _ := r.Entry(em); !errors.Is(e.Err, notify.ErrAbandoned) || !errors.Is(e.Err, context.DeadlineExceeded) {
		t.Errorf("email error = %v, want abandoned at its deadline", e.Err)
	}
	if e, _ := r.Entry(pu); !errors.Is(e.Err, notify.ErrAbandoned) || !errors.Is(e.Err, context.Canceled) {
		t.Errorf("push error = %v, want abandoned once ctx ended", e.Err)
	}
}

func TestDispatchLogsMaskedRecipients(t *testing.T) {
	var b strings.Builder
	var mu sync.Mutex
	h := slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return b.Write(p)
	}), &slog.HandlerOptions{Level: slog.LevelDebug})
	fakes, senders := notifytest.NewSenders()
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
	d := newDispatcher(senders, &waits{})
	d.Options.Logger = slog.New(h)
	d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), Email: testEmail()})
	out := b.String()
	for _, raw := range []string{"+821012345678", "1012345678", "minji@", "상담원이 답변했습니다", "본문"} {
		if strings.Contains(out, raw) {
			t.Errorf("log holds %q:\n%s", raw, out)
		}
	}
	for _, want := range []string{`"to":"+82******5678"`, `"to":"m***@example.com"`, `"channel":"alimtalk"`, `"key":"fu-1-alimtalk-sub"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %s:\n%s", want, out)
		}
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// noop senders for the benchmark.
var (
	noopAlimTalk = notify.AlimTalkFunc(func(context.Context, notify.AlimTalk) error { return nil })
	noopSMS      = notify.SMSFunc(func(context.Context, notify.SMS) error { return nil })
	noopEmail    = notify.EmailFunc(func(context.Context, notify.Email) error { return nil })
)

// BenchmarkDispatch measures a dispatch of one message to each of three
// no-op senders (AlimTalk with a substitute, SMS, Email), next to the
// baseline of calling the three senders directly. The dispatcher's added
// cost is dispatcher minus direct.
//
// goroutine measures the part of that cost no design that keeps senders off
// the caller's goroutine can avoid: starting one goroutine and getting back
// to the caller once it is done, as Dispatch does.
func BenchmarkDispatch(b *testing.B) {
	a, s, e := testAlimTalk(), testSMS(), testEmail()
	ctx := context.Background()
	b.Run("direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = noopAlimTalk.SendAlimTalk(ctx, *a)
			_ = noopSMS.SendSMS(ctx, *s)
			_ = noopEmail.SendEmail(ctx, *e)
		}
	})
	b.Run("dispatcher", func(b *testing.B) {
		d := &notify.Dispatcher{Senders: notify.Senders{AlimTalk: noopAlimTalk, SMS: noopSMS, Email: noopEmail}}
		batch := notify.Batch{AlimTalk: a, SMS: s, Email: e}
		b.ReportAllocs()
		for b.Loop() {
			if r := d.Dispatch(ctx, batch); len(r.Entries) != 3 {
				b.Fatal(r)
			}
		}
	})
	// inline is what the report asks of any dispatcher besides calling the
	// senders, done on the caller's goroutine with no concurrency: validate
	// the messages, read the clock for every attempt's start and duration,
	// and allocate the entries and attempts the report hands back. It is a
	// floor under Dispatch that no design can go below.
	b.Run("inline", func(b *testing.B) {
		b.ReportAllocs()
		type block struct {
			entries [3]notify.Entry
			atts    [3]notify.Attempt
		}
		var sink []notify.Entry
		for b.Loop() {
			if a.Validate() != nil || s.Validate() != nil || e.Validate() != nil {
				b.Fatal("invalid test message")
			}
			t0 := time.Now()
			k := new(block)
			start := time.Duration(0)
			for i, c := range [...]notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS, notify.ChannelEmail} {
				var err error
				switch c {
				case notify.ChannelAlimTalk:
					err = noopAlimTalk.SendAlimTalk(ctx, *a)
				case notify.ChannelSMS:
					err = noopSMS.SendSMS(ctx, *s)
				default:
					err = noopEmail.SendEmail(ctx, *e)
				}
				end := time.Since(t0)
				k.atts[i] = notify.Attempt{Channel: c, Start: t0.Add(start), Duration: end - start, Err: err}
				k.entries[i] = notify.Entry{Channel: c, Outcome: notify.Delivered, Via: c,
					Attempts: k.atts[i : i+1 : i+1], Started: t0.Add(start), Duration: end - start}
				start = end
			}
			sink = k.entries[:]
		}
		_ = sink
	})
	b.Run("goroutine", func(b *testing.B) {
		b.ReportAllocs()
		var done atomic.Bool
		for b.Loop() {
			done.Store(false)
			go func() {
				_ = noopAlimTalk.SendAlimTalk(ctx, *a)
				_ = noopSMS.SendSMS(ctx, *s)
				_ = noopEmail.SendEmail(ctx, *e)
				done.Store(true)
			}()
			for !done.Load() {
				runtime.Gosched()
			}
		}
	})
	// worker hands the three calls to a goroutine that lives across
	// dispatches, as a pool of workers would, and waits for it: a pool
	// saves starting the goroutine but not the two switches.
	b.Run("worker", func(b *testing.B) {
		b.ReportAllocs()
		work, done := make(chan struct{}), make(chan struct{})
		go func() {
			for range work {
				_ = noopAlimTalk.SendAlimTalk(ctx, *a)
				_ = noopSMS.SendSMS(ctx, *s)
				_ = noopEmail.SendEmail(ctx, *e)
				done <- struct{}{}
			}
		}()
		for b.Loop() {
			work <- struct{}{}
			<-done
		}
		close(work)
	})
}

// MayHaveSent is false only when no attempt could have delivered the
// message; the caps count every other text.
func TestEntryMayHaveSent(t *testing.T) {
	att := func(errs ...error) []notify.Attempt {
		var a []notify.Attempt
		for _, err := range errs {
			a = append(a, notify.Attempt{Channel: notify.ChannelSMS, Err: err})
		}
		return a
	}
	refused := notify.Permanent(errors.New("invalid number"))
	limited := notify.RateLimited(errors.New("429"), time.Minute)
	for _, tt := range []struct {
		name string
		e    notify.Entry
		want bool
	}{
		{"delivered", notify.Entry{Outcome: notify.Delivered, Attempts: att(nil)}, true},
		{"by substitute", notify.Entry{Outcome: notify.DeliveredBySubstitute, Attempts: att(refused, nil)}, true},
		{"skipped", notify.Entry{Outcome: notify.Skipped}, false},
		{"invalid", notify.Entry{Outcome: notify.Failed, Err: notify.ErrNoRecipient}, false},
		{"refused", notify.Entry{Outcome: notify.Failed, Attempts: att(refused)}, false},
		{"rate-limited, then refused", notify.Entry{Outcome: notify.Failed, Attempts: att(limited, refused)}, false},
		{"a server error", notify.Entry{Outcome: notify.Failed, Attempts: att(errors.New("503"))}, true},
		{"a timeout, then refused", notify.Entry{Outcome: notify.Failed, Attempts: att(context.DeadlineExceeded, refused)}, true},
		{"a panic", notify.Entry{Outcome: notify.Failed, Attempts: att(&notify.PanicError{Type: "string"})}, true},
		{"abandoned", notify.Entry{Outcome: notify.Failed, Attempts: att(fmt.Errorf("%w: %w", notify.ErrAbandoned, context.DeadlineExceeded))}, true},
		// A sender that marks every error permanent, or joins a refusal
		// to the context's error, does not make a call cut off certain.
		{"a timeout marked permanent", notify.Entry{Outcome: notify.Failed, Attempts: att(notify.Permanent(context.DeadlineExceeded))}, true},
		{"a cancellation joined to a refusal", notify.Entry{Outcome: notify.Failed, Attempts: att(errors.Join(notify.ErrRecipientRefused, context.Canceled))}, true},
		{"a timeout marked as a rate limit", notify.Entry{Outcome: notify.Failed, Attempts: att(notify.RateLimited(context.DeadlineExceeded, 0))}, true},
	} {
		if got := tt.e.MayHaveSent(); got != tt.want {
			t.Errorf("%s: MayHaveSent = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// An attempt's timing, as offsets from the start of the dispatch, for the
// tests that run in fake time, where they are exact.
type attemptTime struct {
	Start, Duration time.Duration
	Abandoned       bool
}

func attemptTimes(t0 time.Time, e notify.Entry) []attemptTime {
	var out []attemptTime
	for _, a := range e.Attempts {
		out = append(out, attemptTime{a.Start.Sub(t0), a.Duration, errors.Is(a.Err, notify.ErrAbandoned)})
	}
	return out
}

// entryTime is an entry's timing and its attempts', as offsets from the
// start of the dispatch.
type entryTime struct {
	Started, Duration time.Duration
	Attempts          []attemptTime
}

func entryTimes(t0 time.Time, r notify.Report) []entryTime {
	var out []entryTime
	for _, e := range r.Entries {
		out = append(out, entryTime{e.Started.Sub(t0), e.Duration, attemptTimes(t0, e)})
	}
	return out
}

// A call that ignores its context is abandoned at its deadline plus Grace,
// not before and not later; zero Grace means 100 milliseconds.
func TestDispatchAbandonsAtTheDeadlinePlusGrace(t *testing.T) {
	for _, tt := range []struct {
		grace, want time.Duration
	}{
		{0, 100 * time.Millisecond},
		{30 * time.Millisecond, 30 * time.Millisecond},
	} {
		synctest.Test(t, func(t *testing.T) {
			d := &notify.Dispatcher{Senders: notify.Senders{
				Email: notify.EmailFunc(func(context.Context, notify.Email) error { time.Sleep(time.Hour); return nil }),
			}, Options: notify.Options{MaxAttempts: 1, AttemptTimeout: 200 * time.Millisecond, Grace: tt.grace}}
			t0 := time.Now()
			r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
			time.Sleep(time.Hour) // the abandoned call returns
			e := r.Entries[0]
			want := []attemptTime{{0, 200*time.Millisecond + tt.want, true}}
			if diff := cmp.Diff(want, attemptTimes(t0, e)); diff != "" {
				t.Errorf("Grace %v: attempts (-want +got):\n%s", tt.grace, diff)
			}
			if e.Duration != 200*time.Millisecond+tt.want {
				t.Errorf("Grace %v: entry took %v, want %v", tt.grace, e.Duration, 200*time.Millisecond+tt.want)
			}
		})
	}
}

// When ctx ends, a call that ignores its context is abandoned Grace later,
// not at its own deadline.
func TestDispatchAbandonsGraceAfterTheContextEnds(t *testing.T) {
	for _, after := range []time.Duration{0, 10 * time.Millisecond} {
		synctest.Test(t, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			d := &notify.Dispatcher{Senders: notify.Senders{
				Email: notify.EmailFunc(func(context.Context, notify.Email) error {
					time.Sleep(after)
					cancel()
					time.Sleep(time.Hour)
					return nil
				}),
			}, Options: notify.Options{AttemptTimeout: time.Minute, Grace: 50 * time.Millisecond}}
			t0 := time.Now()
			r := d.Dispatch(ctx, notify.Batch{Email: testEmail()})
			time.Sleep(time.Hour) // the abandoned call returns
			e := r.Entries[0]
			want := []attemptTime{{0, after + 50*time.Millisecond, true}}
			if diff := cmp.Diff(want, attemptTimes(t0, e)); diff != "" {
				t.Errorf("ctx ended after %v: attempts (-want +got):\n%s", after, diff)
			}
			if !errors.Is(e.Err, context.Canceled) {
				t.Errorf("ctx ended after %v: entry error %v, want context.Canceled", after, e.Err)
			}
		})
	}
}

// The report times an abandoned retry from its own start, and the message
// from when it was taken, the backoff between its attempts included; the
// default Wait sleeps the backoff.
func TestDispatchTimesAnAbandonedRetry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		pushes := 0
		d := &notify.Dispatcher{Senders: notify.Senders{
			Email: notify.EmailFunc(func(context.Context, notify.Email) error { time.Sleep(time.Second); return nil }),
			Push: notify.PushFunc(func(context.Context, notify.Push) error {
				if pushes++; pushes == 1 {
					return errors.New("503")
				}
				time.Sleep(time.Hour)
				return nil
			}),
		}, Options: notify.Options{MaxConcurrency: 1, MinBackoff: 2 * time.Second, Jitter: noJitter,
			AttemptTimeout: 5 * time.Second, Grace: 30 * time.Millisecond}}
		t0 := time.Now()
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
		time.Sleep(time.Hour) // the abandoned call returns
		want := []entryTime{
			{0, time.Second, []attemptTime{{0, time.Second, false}}},
			{time.Second, 7030 * time.Millisecond, []attemptTime{
				{time.Second, 0, false},
				{3 * time.Second, 5030 * time.Millisecond, true},
			}},
		}
		if diff := cmp.Diff(want, entryTimes(t0, r)); diff != "" {
			t.Errorf("(-want +got):\n%s", diff)
		}
	})
}

// Zero MinBackoff and MaxBackoff mean 200 milliseconds and 5 seconds.
func TestDispatchDefaultBackoffBounds(t *testing.T) {
	for _, tt := range []struct {
		min, max time.Duration
		want     []time.Duration
	}{
		{0, time.Second, []time.Duration{200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second}},
		{time.Second, 0, []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second}},
	} {
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailTimes(4, errors.New("503"))
		w := &waits{}
		d := newDispatcher(senders, w)
		d.Options.MaxAttempts, d.Options.MinBackoff, d.Options.MaxBackoff = 5, tt.min, tt.max
		if r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()}); !r.Delivered(em) {
			t.Fatalf("MinBackoff %v, MaxBackoff %v: not delivered: %v", tt.min, tt.max, r.Err())
		}
		if diff := cmp.Diff(tt.want, w.all()); diff != "" {
			t.Errorf("MinBackoff %v, MaxBackoff %v: waits (-want +got):\n%s", tt.min, tt.max, diff)
		}
	}
}

// The default jitter reaches both ends of [d/2, d], even for the shortest
// backoffs.
func TestDispatchDefaultJitterCoversItsRange(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	w := &waits{}
	d := newDispatcher(senders, w)
	d.Options.Jitter, d.Options.MinBackoff, d.Options.MaxBackoff = nil, 2, 2
	seen := map[time.Duration]bool{}
	for range 64 {
		fakes.Email.FailTimes(1, errors.New("503"))
		if r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail()}); !r.Delivered(em) {
			t.Fatalf("not delivered: %v", r.Err())
		}
	}
	for _, got := range w.all() {
		seen[got] = true
	}
	if diff := cmp.Diff(map[time.Duration]bool{1: true, 2: true}, seen); diff != "" {
		t.Errorf("waits for a 2ns backoff (-want +got):\n%s", diff)
	}
}

// When ctx ends just before a retry's wait, even one of zero, the retry is
// not made and the entry keeps the error of the attempt that failed.
func TestDispatchContextEndingBeforeAZeroWait(t *testing.T) {
	transient := errors.New("503")
	for range 20 {
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailAlways(transient)
		ctx, cancel := context.WithCancel(context.Background())
		d := &notify.Dispatcher{Senders: senders, Options: notify.Options{
			Jitter: func(time.Duration) time.Duration { cancel(); return 0 }}}
		r := d.Dispatch(ctx, notify.Batch{Email: testEmail()})
		cancel()
		e := r.Entries[0]
		if fakes.Email.Calls() != 1 || !errors.Is(e.Err, transient) || !errors.Is(e.Err, context.Canceled) {
			t.Fatalf("%d calls, entry error %v; want one call, the 503 and context.Canceled", fakes.Email.Calls(), e.Err)
		}
	}
}

// An AlimTalk that is invalid itself and whose substitute is invalid too
// fails with both reasons.
func TestDispatchInvalidAlimTalkAndSubstitute(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	a := testAlimTalk()
	a.TemplateCode = ""
	a.Substitute.Text = ""
	r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), notify.Batch{AlimTalk: a})
	e := r.Entries[0]
	if e.Outcome != notify.Failed || !errors.Is(e.Err, notify.ErrNoTemplate) || !errors.Is(e.Err, notify.ErrNoContent) {
		t.Errorf("entry %v, %v; want failed with ErrNoTemplate and ErrNoContent", e.Outcome, e.Err)
	}
	if fakes.AlimTalk.Calls()+fakes.SMS.Calls() != 0 {
		t.Error("an invalid message reached a sender")
	}
}

// An AlimTalk delivered by its substitute says why the AlimTalk itself did
// not go, so that a template problem that turns every AlimTalk into a paid
// SMS shows in the report; Err stays nil, since the message was delivered.
func TestDispatchSubstitutedFor(t *testing.T) {
	for _, tt := range []struct {
		name  string
		setup func(*notifytest.Fakes, *notify.Senders, *notify.AlimTalk)
		want  error // nil: delivered directly, no reason
	}{
		{"invalid: too long", func(_ *notifytest.Fakes, _ *notify.Senders, a *notify.AlimTalk) {
			a.Text = strings.Repeat("가", notify.AlimTalkMaxRunes+1)
		}, notify.ErrTooLong},
		{"invalid: no template", func(_ *notifytest.Fakes, _ *notify.Senders, a *notify.AlimTalk) {
			a.TemplateCode = ""
		}, notify.ErrNoTemplate},
		{"no AlimTalk sender", func(_ *notifytest.Fakes, s *notify.Senders, _ *notify.AlimTalk) {
			s.AlimTalk = nil
		}, notify.ErrNoSender},
		{"refused by the recipient", func(f *notifytest.Fakes, _ *notify.Senders, _ *notify.AlimTalk) {
			f.AlimTalk.FailAlways(notify.ErrRecipientRefused)
		}, notify.ErrRecipientRefused},
		{"delivered", func(*notifytest.Fakes, *notify.Senders, *notify.AlimTalk) {}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			a := testAlimTalk()
			tt.setup(fakes, &senders, a)
			r := newDispatcher(senders, &waits{}).Dispatch(context.Background(), notify.Batch{AlimTalk: a})
			e := r.Entries[0]
			wantOutcome := notify.DeliveredBySubstitute
			if tt.want == nil {
				wantOutcome = notify.Delivered
			}
			if e.Outcome != wantOutcome || e.Err != nil || r.Err() != nil {
				t.Errorf("entry %v, %v; report error %v; want %v and no error", e.Outcome, e.Err, r.Err(), wantOutcome)
			}
			if (tt.want == nil) != (e.SubstitutedFor == nil) || tt.want != nil && !errors.Is(e.SubstitutedFor, tt.want) {
				t.Errorf("SubstitutedFor = %v, want an error wrapping %v", e.SubstitutedFor, tt.want)
			}
			var b strings.Builder
			slog.New(slog.NewTextHandler(&b, nil)).Info("r", "entry", e)
			if strings.Contains(b.String(), "substitutedFor") != (tt.want != nil) {
				t.Errorf("logged entry %q; want substitutedFor only for a substitute", b.String())
			}
		})
	}
}

// An attempt that delivered is logged at Debug as sent, one that failed at
// Warn: a handler at Info shows the failures only.
func TestDispatchLogLevels(t *testing.T) {
	type record struct {
		Level, Msg, Channel string
		Attempt             int
	}
	for _, tt := range []struct {
		level slog.Level
		want  []record
	}{
		{slog.LevelDebug, []record{{"WARN", "notify: attempt failed", "email", 1}, {"DEBUG", "notify: sent", "email", 2}}},
		{slog.LevelInfo, []record{{"WARN", "notify: attempt failed", "email", 1}}},
	} {
		var b strings.Builder
		fakes, senders := notifytest.NewSenders()
		fakes.Email.FailTimes(1, errors.New("503"))
		d := newDispatcher(senders, &waits{})
		d.Options.Logger = slog.New(slog.NewJSONHandler(&b, &slog.HandlerOptions{Level: tt.level}))
		d.Dispatch(context.Background(), notify.Batch{Email: testEmail()})
		var got []record
		for line := range strings.Lines(b.String()) {
			var r record
			if err := json.Unmarshal([]byte(line), &r); err != nil {
				t.Fatalf("log line %q: %v", line, err)
			}
			got = append(got, r)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("handler at %v: records (-want +got):\n%s", tt.level, diff)
		}
	}
}

// A dispatch of three messages to senders that return at once allocates
// twice, as BENCHMARKS.md records for the same batch: the state of the
// dispatch is recycled, not allocated afresh for every call.
func TestDispatchRecyclesItsState(t *testing.T) {
	d := &notify.Dispatcher{Senders: notify.Senders{AlimTalk: noopAlimTalk, SMS: noopSMS, Email: noopEmail}}
	b := notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail()}
	ctx := context.Background()
	// A dispatch whose senders are held up makes a waiter and starts
	// helpers, so a loaded machine may push one measure over: only three
	// measures over in a row fail, which state never recycled always makes.
	var allocs []float64
	for range 3 {
		n := testing.AllocsPerRun(1000, func() { d.Dispatch(ctx, b) })
		if n <= 2 {
			return
		}
		allocs = append(allocs, n)
	}
	t.Errorf("Dispatch allocates %v times, want 2", allocs)
}
