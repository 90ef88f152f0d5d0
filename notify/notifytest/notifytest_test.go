package notifytest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

func validSMS() notify.SMS {
	return notify.SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "답변"}
}

func validEmail() notify.Email {
	return notify.Email{Key: "k", To: "a@example.com", Subject: "s", Text: "t", Headers: map[string]string{"X-A": "1"}}
}

// longEmail is validEmail with a text long enough for the suite to look for
// in errors.
func longEmail() notify.Email {
	m := validEmail()
	m.Text = "안녕하세요, 김민지님. 상담원이 답변을 남겼습니다."
	return m
}

func TestFakeFaults(t *testing.T) {
	ctx := context.Background()
	var f notifytest.SMS
	boom := errors.New("boom")
	f.FailTimes(2, boom)
	for i, want := range []error{boom, boom, nil, nil} {
		if err := f.SendSMS(ctx, validSMS()); !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("call %d: %v, want %v", i+1, err, want)
		}
	}
	if f.Calls() != 4 || len(f.Sent()) != 2 {
		t.Errorf("calls %d, sent %d", f.Calls(), len(f.Sent()))
	}

	f.RateLimit(1, time.Second)
	if d, ok := notify.RetryAfter(f.SendSMS(ctx, validSMS())); !ok || d != time.Second {
		t.Errorf("rate limit: %v, %v", d, ok)
	}

	f.FailAlways(notify.Permanent(boom))
	for range 3 {
		if err := f.SendSMS(ctx, validSMS()); !notify.IsPermanent(err) {
			t.Errorf("FailAlways: %v", err)
		}
	}
	f.Reset()
	if err := f.SendSMS(ctx, validSMS()); err != nil {
		t.Errorf("after Reset: %v", err)
	}

	f.Hang()
	tctx, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
	defer cancel()
	if err := f.SendSMS(tctx, validSMS()); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Hang: %v", err)
	}

	f.Panic("boom")
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Panic did not panic")
			}
		}()
		_ = f.SendSMS(ctx, validSMS())
	}()

	f.HangIgnoringContext()
	done := make(chan error)
	cctx, ccancel := context.WithCancel(ctx)
	ccancel()
	f.Hook(nil)
	go func() { done <- f.SendSMS(context.Background(), validSMS()) }()
	select {
	case <-done:
		t.Fatal("HangIgnoringContext returned before release")
	case <-time.After(20 * time.Millisecond):
	}
	f.Release()
	if err := <-done; err != nil {
		t.Errorf("after Release: %v", err)
	}
	f.Release() // a second Release does nothing
	if err := f.SendSMS(cctx, validSMS()); !errors.Is(err, context.Canceled) {
		t.Errorf("a done context: %v", err)
	}
}

// The calls FailTimes and RateLimit program come first; FailAlways, Hang,
// HangIgnoringContext and Panic take every call after them, so "fail once
// with a, then always with b" is two lines.
func TestFakeScriptBeforeAlways(t *testing.T) {
	ctx := context.Background()
	var f notifytest.SMS
	a, b := errors.New("a"), notify.Permanent(errors.New("b"))
	f.RateLimit(1, time.Second)
	f.FailTimes(1, a)
	f.FailAlways(b)
	if _, ok := notify.RetryAfter(f.SendSMS(ctx, validSMS())); !ok {
		t.Error("call 1: not the rate limit")
	}
	if err := f.SendSMS(ctx, validSMS()); !errors.Is(err, a) {
		t.Errorf("call 2: %v, want a", err)
	}
	for i := 3; i <= 4; i++ {
		if err := f.SendSMS(ctx, validSMS()); !errors.Is(err, b) {
			t.Errorf("call %d: %v, want b", i, err)
		}
	}
}

// A call HangIgnoringContext holds plays a sender that ignores its
// context: released after the dispatcher gave up on it, it still records
// its message as sent, the late delivery notify.ErrAbandoned warns of.
func TestFakeHangIgnoringContextDeliversLate(t *testing.T) {
	var f notifytest.SMS
	release := f.HangIgnoringContext()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- f.SendSMS(ctx, validSMS()) }()
	for f.Calls() == 0 {
		runtime.Gosched()
	}
	cancel() // the dispatcher abandons the call
	release()
	if err := <-done; err != nil {
		t.Errorf("the released call: %v, want nil, as a sender ignoring its context returns", err)
	}
	if n := len(f.Sent()); n != 1 {
		t.Errorf("%d messages sent, want the late one", n)
	}
}

// A fake prints by its counts: the messages it recorded hold recipients
// and texts, which a test's log must not show.
func TestFakePrintsNoMessage(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	m := validSMS()
	if err := senders.SMS.SendSMS(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("fakes", "sms", fakes.SMS)
	out := buf.String()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		out += fmt.Sprintf(verb, fakes.SMS) + fmt.Sprintf(verb, &fakes.SMS.Fake)
	}
	if strings.Contains(out, m.To) || strings.Contains(out, m.Text) || !strings.Contains(out, "calls: 1, sent: 1") {
		t.Errorf("printed %q", out)
	}
}

// Hook sees every call first: its error is the call's result, ahead of any
// fault, and a nil from it lets the call go on as programmed.
func TestFakeHook(t *testing.T) {
	refused := errors.New("refused by the hook")
	boom := errors.New("boom")
	tests := []struct {
		name     string
		hook     error
		fault    error // FailAlways, if not nil
		want     error
		wantSent int
	}{
		{"a nil from the hook lets the call through", nil, nil, nil, 1},
		{"a nil from the hook leaves the fault to play", nil, boom, boom, 0},
		{"the hook's error is the call's result", refused, nil, refused, 0},
		{"the hook's error comes before the fault", refused, boom, refused, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f notifytest.SMS
			if tt.fault != nil {
				f.FailAlways(tt.fault)
			}
			hooked := 0
			f.Hook(func(context.Context) error { hooked++; return tt.hook })
			err := f.SendSMS(context.Background(), validSMS())
			if diff := cmp.Diff(tt.want, err, cmpopts.EquateErrors()); diff != "" {
				t.Errorf("SendSMS error (-want +got):\n%s", diff)
			}
			got := []int{len(f.Sent()), f.Calls(), hooked}
			if diff := cmp.Diff([]int{tt.wantSent, 1, 1}, got); diff != "" {
				t.Errorf("[sent, calls, hook calls] (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFakeIsSafeForConcurrentUse(t *testing.T) {
	var f notifytest.Email
	f.FailTimes(50, errors.New("x"))
	var wg sync.WaitGroup
	for range 100 {
		wg.Add(1)
		go func() { defer wg.Done(); _ = f.SendEmail(context.Background(), validEmail()); _ = f.Sent() }()
	}
	wg.Wait()
	if f.Calls() != 100 || len(f.Sent()) != 50 {
		t.Errorf("calls %d, sent %d", f.Calls(), len(f.Sent()))
	}
}

// The fakes record copies: a caller changing its message later does not
// change the record.
func TestFakeRecordsCopies(t *testing.T) {
	var f notifytest.Email
	m := validEmail()
	_ = f.SendEmail(context.Background(), m)
	m.Headers["X-A"] = "changed"
	if got := f.Sent()[0].Headers["X-A"]; got != "1" {
		t.Errorf("recorded header changed to %q", got)
	}
}

// Reset ends the calls held by HangIgnoringContext too.
func TestFakeResetReleases(t *testing.T) {
	var f notifytest.Push
	f.HangIgnoringContext()
	done := make(chan error)
	go func() { done <- f.SendPush(context.Background(), notify.Push{Key: "k", To: "u", Title: "t"}) }()
	for f.Calls() == 0 {
		time.Sleep(time.Millisecond)
	}
	f.Reset()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("after Reset: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Reset did not end a held call")
	}
}

// Release ends the hang of HangIgnoringContext only: a fault programmed
// after it stays.
func TestFakeReleaseKeepsLaterFaults(t *testing.T) {
	blocked := notify.Permanent(errors.New("blocked"))
	tests := []struct {
		name  string
		fault func(f *notifytest.SMS)
		check func(t *testing.T, f *notifytest.SMS)
	}{
		{"FailAlways", func(f *notifytest.SMS) { f.FailAlways(blocked) }, func(t *testing.T, f *notifytest.SMS) {
			if err := f.SendSMS(context.Background(), validSMS()); !errors.Is(err, blocked) {
				t.Errorf("after Release: %v, want %v", err, blocked)
			}
		}},
		{"Panic", func(f *notifytest.SMS) { f.Panic("boom") }, func(t *testing.T, f *notifytest.SMS) {
			defer func() {
				if recover() == nil {
					t.Error("after Release: the call did not panic")
				}
			}()
			_ = f.SendSMS(context.Background(), validSMS())
		}},
		{"Hang", func(f *notifytest.SMS) { f.Hang() }, func(t *testing.T, f *notifytest.SMS) {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Millisecond)
			defer cancel()
			if err := f.SendSMS(ctx, validSMS()); !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("after Release: %v, want the hang until the deadline", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f notifytest.SMS
			f.HangIgnoringContext()
			held := make(chan error)
			go func() { held <- f.SendSMS(context.Background(), validSMS()) }()
			for f.Calls() == 0 {
				time.Sleep(time.Millisecond)
			}
			tt.fault(&f)
			f.Release()
			select {
			case err := <-held:
				if err != nil {
					t.Errorf("the held call: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("Release did not end the held call")
			}
			tt.check(t, &f)
			f.Release() // a second Release changes nothing
			tt.check(t, &f)
		})
	}
}

func TestConformanceAcceptsTheFakes(t *testing.T) {
	fakes, _ := notifytest.NewSenders()
	notifytest.RunSMSSender(t, fakes.SMS, notifytest.Conformance[notify.SMS]{Valid: validSMS})
	notifytest.RunEmailSender(t, fakes.Email, notifytest.Conformance[notify.Email]{Valid: validEmail})
	notifytest.RunAlimTalkSender(t, fakes.AlimTalk, notifytest.Conformance[notify.AlimTalk]{Valid: func() notify.AlimTalk {
		sub := validSMS()
		return notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "T", Text: "답변",
			Variables: map[string]string{"name": "민지"}, Buttons: []notify.Button{{Name: "b", MobileURL: "https://x.example"}},
			Substitute: &sub}
	}})
	notifytest.RunPushSender(t, fakes.Push, notifytest.Conformance[notify.Push]{Valid: func() notify.Push {
		return notify.Push{Key: "k", To: "user-1", Title: "t", Data: map[string]string{"c": "1"}}
	}})
	// A sender told how to build an invalid recipient.
	strict := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !strings.HasPrefix(m.To, "+") {
			return notify.Permanent(errors.New("invalid recipient"))
		}
		return nil
	})
	c := notifytest.Conformance[notify.SMS]{Valid: validSMS, InvalidRecipient: func() notify.SMS {
		m := validSMS()
		m.To = "not a number"
		return m
	}}
	if err := notifytest.CheckSMSSender(strict, c); err != nil {
		t.Error(err)
	}
}

func TestConformanceCatchesBadSenders(t *testing.T) {
	// release ends the calls the suite gave up on, with the test.
	release := make(chan struct{})
	defer close(release)
	c := notifytest.Conformance[notify.Email]{Valid: validEmail, Timeout: 50 * time.Millisecond,
		InvalidRecipient: func() notify.Email { m := longEmail(); m.To = "nobody"; return m }}
	tests := []struct {
		name   string
		sender notify.EmailFunc
		want   string
	}{
		{"ignores a cancelled context", func(ctx context.Context, m notify.Email) error { return nil },
			"a cancelled context"},
		{"modifies the message", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			m.Headers["X-Sent"] = "yes"
			return nil
		}, "modified the message"},
		// It writes the first message's map once it has returned, while
		// the suite makes its second call (which waits for the write, so
		// that the test itself has no data race).
		{"modifies the message after returning", func() notify.EmailFunc {
			var calls atomic.Int32
			second, wrote := make(chan struct{}), make(chan struct{})
			return func(ctx context.Context, m notify.Email) error {
				switch calls.Add(1) {
				case 1:
					go func() {
						<-second
						m.Headers["X-Sent"] = "yes"
						close(wrote)
					}()
					return nil
				case 2:
					close(second)
					<-wrote
				}
				return ctx.Err()
			}
		}(), "modified the message it was given after it returned"},
		{"calls an invalid recipient transient", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if m.To == "nobody" {
				return errors.New("550 no such user")
			}
			return nil
		}, "want notify.Permanent"},
		{"puts the recipient in its error", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if m.To == "nobody" {
				return notify.Permanent(fmt.Errorf("550 no such user <%s>", strings.ToUpper(m.To)))
			}
			return nil
		}, "holds the message's recipient"},
		{"puts the text in its error", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if m.To == "nobody" {
				return notify.Permanent(fmt.Errorf("550 rejected content: %s", m.Text))
			}
			return nil
		}, "holds the message's text"},
		{"marks the context's error permanent", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return notify.Permanent(err)
			}
			return nil
		}, "a cancelled context: got a permanent failure or a rate limit"},
		{"joins a refusal to the context's error", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return errors.Join(notify.ErrRecipientRefused, err)
			}
			return nil
		}, "a cancelled context: got a permanent failure or a rate limit"},
		{"returns a nil pointer as its error", func(ctx context.Context, m notify.Email) error {
			var perr *nilError // set on failure, and returned either way
			if err := ctx.Err(); err != nil {
				return err
			}
			return perr
		}, "a nil pointer as a non-nil error"},
		{"hangs past its deadline", func(ctx context.Context, m notify.Email) error {
			time.Sleep(200 * time.Millisecond)
			return ctx.Err()
		}, "did not return within"},
		{"panics", func(ctx context.Context, m notify.Email) error {
			panic("nil map")
		}, "a valid message was refused: panicked with a string"},
		{"never returns for a valid message", func() notify.EmailFunc {
			var first atomic.Bool
			return func(ctx context.Context, m notify.Email) error {
				if !first.Swap(true) {
					<-release // the suite's first call: a valid message
					return nil
				}
				return ctx.Err()
			}
		}(), "a valid message: the sender did not return within 500ms"},
		{"never returns for an invalid recipient", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if m.To == "nobody" {
				<-release
				return notify.Permanent(errors.New("550 no such user"))
			}
			return nil
		}, "an invalid recipient: the sender did not return within 500ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notifytest.CheckEmailSender(tt.sender, c)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("CheckEmailSender = %v, want a violation mentioning %q", err, tt.want)
			}
		})
	}
}

// A violation that quotes the sender's error does not quote one that holds
// the recipient or the text: the suite's output lands in CI logs.
func TestConformanceWithholdsLeakyErrors(t *testing.T) {
	leaky := notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
		// Transient, and holding the recipient and the text: two violations.
		return fmt.Errorf("421 try later: %s %q", m.To, m.Text)
	})
	err := notifytest.CheckEmailSender(leaky, notifytest.Conformance[notify.Email]{Valid: longEmail})
	if err == nil {
		t.Fatal("CheckEmailSender accepted a sender that refuses everything")
	}
	m := longEmail()
	for _, raw := range []string{m.To, m.Text} {
		if strings.Contains(err.Error(), raw) {
			t.Errorf("a violation quotes %q:\n%v", raw, err)
		}
	}
	for _, want := range []string{"a valid message was refused", "holds the message's recipient", "holds the message's text"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("no violation mentions %q:\n%v", want, err)
		}
	}
}

// A sender that echoes the recipient in another form than the message's is
// caught too: a number in national form, an address by its local part.
func TestConformanceCatchesRecipientInAnotherForm(t *testing.T) {
	national := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.To == "+821000001234" {
			n := "0" + strings.TrimPrefix(m.To, "+82") // 01000001234
			return notify.Permanent(fmt.Errorf("provider: invalid recipient %s-%s-%s", n[:3], n[3:7], n[7:]))
		}
		return nil
	})
	err := notifytest.CheckSMSSender(national, notifytest.Conformance[notify.SMS]{Valid: validSMS,
		InvalidRecipient: func() notify.SMS { m := validSMS(); m.To = "+821000001234"; return m }})
	if err == nil || !strings.Contains(err.Error(), "holds the message's recipient") {
		t.Errorf("a number in national form: CheckSMSSender = %v", err)
	}

	local := notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.To == "nobody-here@example.com" {
			return notify.Permanent(fmt.Errorf("550 mailbox %s unavailable", strings.Split(m.To, "@")[0]))
		}
		return nil
	})
	err = notifytest.CheckEmailSender(local, notifytest.Conformance[notify.Email]{Valid: validEmail,
		InvalidRecipient: func() notify.Email { m := validEmail(); m.To = "nobody-here@example.com"; return m }})
	if err == nil || !strings.Contains(err.Error(), "holds the message's recipient") {
		t.Errorf("an address's local part: CheckEmailSender = %v", err)
	}
}

// A context that ends while a call of a Blocking message blocks: a sender
// that looks at it only before it blocks is caught.
func TestConformanceEndsContextsDuringACall(t *testing.T) {
	const silent = "+821099990000" // the provider never answers for it
	blocking := func() notify.SMS { m := validSMS(); m.To = silent; return m }
	// provider plays a provider's API: it does not answer for silent
	// until ctx ends, and takes slow for the others.
	provider := func(ctx context.Context, m notify.SMS, slow time.Duration) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("provider: %w", err)
		}
		d := slow
		if m.To == silent {
			d = time.Hour
		}
		select {
		case <-time.After(d):
			return nil
		case <-ctx.Done():
			return fmt.Errorf("provider: %w", ctx.Err())
		}
	}
	good := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error { return provider(ctx, m, 0) })
	// What a sender that ignores its context gives the provider instead:
	// it ends with the test, so that no call outlives it.
	ignored, stop := context.WithCancel(context.Background())
	defer stop()
	c := notifytest.Conformance[notify.SMS]{Valid: validSMS, Blocking: blocking, Timeout: 100 * time.Millisecond}
	if err := notifytest.CheckSMSSender(good, c); err != nil {
		t.Errorf("a sender that honours its context during the call: %v", err)
	}

	tests := []struct {
		name     string
		sender   notify.SMSFunc
		blocking bool // set Conformance.Blocking
		want     []string
	}{
		{"looks at its context on entry only", func(ctx context.Context, m notify.SMS) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return provider(ignored, m, 0)
		}, true, []string{"a context cancelled while the call blocks: the sender did not return",
			"a deadline passing while the call blocks: the sender did not return"}},
		{"honours its context, without a Blocking message", good, false, nil},
		{"the Blocking message is accepted at once", func(ctx context.Context, m notify.SMS) error {
			return ctx.Err()
		}, true, []string{"a context cancelled while the call blocks: the call succeeded",
			"a deadline passing while the call blocks: the call succeeded"}},
		{"loses the context's error", func(ctx context.Context, m notify.SMS) error {
			if err := provider(ctx, m, 0); err != nil {
				return errors.New("provider: request aborted")
			}
			return nil
		}, true, []string{"a context cancelled while the call blocks: got provider: request aborted, want an error wrapping context canceled",
			"a deadline passing while the call blocks: got provider: request aborted, want an error wrapping context deadline exceeded"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := notifytest.Conformance[notify.SMS]{Valid: validSMS, Timeout: 100 * time.Millisecond}
			if tt.blocking {
				c.Blocking = blocking
			}
			err := notifytest.CheckSMSSender(tt.sender, c)
			var got string
			if err != nil {
				got = err.Error()
			}
			if len(tt.want) == 0 && err != nil {
				t.Errorf("CheckSMSSender = %v, want nil", err)
			}
			for _, want := range tt.want {
				if !strings.Contains(got, want) {
					t.Errorf("CheckSMSSender = %v\nwant a violation %q", err, want)
				}
			}
		})
	}
}

// Check returns every violation, not only the first: Run reports each.
func TestConformanceReportsEveryViolation(t *testing.T) {
	bad := notify.PushFunc(func(ctx context.Context, m notify.Push) error {
		m.Data["sent"] = "yes" // modifies the message, and ignores ctx
		return nil
	})
	err := notifytest.CheckPushSender(bad, notifytest.Conformance[notify.Push]{
		Valid:   func() notify.Push { return notify.Push{Key: "k", To: "u", Title: "t", Data: map[string]string{}} },
		Timeout: 50 * time.Millisecond,
	})
	j, ok := err.(interface{ Unwrap() []error })
	if !ok || len(j.Unwrap()) != 3 {
		t.Fatalf("want 3 violations (modified, cancelled context, past deadline), got %v", err)
	}
}

// A sender that mutates an AlimTalk's buttons or substitute is caught: the
// suite compares deep copies.
func TestConformanceComparesDeeply(t *testing.T) {
	bad := notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		m.Substitute.Text = "changed"
		return nil
	})
	err := notifytest.CheckAlimTalkSender(bad, notifytest.Conformance[notify.AlimTalk]{Valid: func() notify.AlimTalk {
		sub := validSMS()
		return notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "T", Text: "답변", Substitute: &sub}
	}})
	if err == nil || !strings.Contains(err.Error(), "modified the message") {
		t.Errorf("CheckAlimTalkSender = %v", err)
	}
}

func ExampleCheckSMSSender() {
	// In a host's own test: check its sender against the rules the
	// dispatcher relies on.
	mySender := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return nil // call the SMS gateway here
	})
	err := notifytest.CheckSMSSender(mySender, notifytest.Conformance[notify.SMS]{
		Valid: func() notify.SMS {
			return notify.SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "test"}
		},
	})
	if err != nil {
		panic(err) // t.Fatal(err) in a test
	}
	// Output:
}

// A host's test programs the fakes' faults and looks at what reached the
// customer.
func ExampleNewSenders() {
	fakes, senders := notifytest.NewSenders()
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused) // blocked the channel
	fakes.Email.FailTimes(1, errors.New("421 try again later"))

	d := &notify.Dispatcher{Senders: senders, Options: notify.Options{
		Wait: func(ctx context.Context, d time.Duration) error { return ctx.Err() }, // no sleeping
	}}
	sub := notify.SMS{Key: "fu-1-sms", To: "+821012345678", Text: "답변이 도착했습니다."}
	r := d.Dispatch(context.Background(), notify.Batch{
		AlimTalk: &notify.AlimTalk{Key: "fu-1-alimtalk", To: "+821012345678", TemplateCode: "FOLLOWUP",
			Text: "답변이 도착했습니다.", Substitute: &sub},
		Email: &notify.Email{Key: "fu-1-email", To: "minji@example.com", Subject: "답변", Text: "…"},
	})
	for _, e := range r.Entries {
		fmt.Println(e.Channel, e.Outcome, len(e.Attempts))
	}
	fmt.Println("texts sent:", len(fakes.SMS.Sent()), fakes.SMS.Sent()[0].Key)
	fmt.Println("emails sent:", len(fakes.Email.Sent()), "in", fakes.Email.Calls(), "calls")
	// Output:
	// alimtalk deliveredBySubstitute 2
	// email delivered 2
	// texts sent: 1 fu-1-sms
	// emails sent: 1 in 2 calls
}

// A host's sender posts to its provider's HTTP API. Its test points the
// sender at a fake endpoint that never answers for one recipient, so that
// the suite can end the context of a call blocked in the request.
func ExampleConformance_blocking() {
	const silent = "+821099990000" // the fake endpoint never answers for it
	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("to") == silent {
			<-r.Context().Done()
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}))
	defer provider.Close()

	// The host's sender, as it would be written for the real provider.
	sender := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		form := url.Values{"key": {m.Key}, "to": {m.To}, "text": {m.Text}}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, provider.URL, strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := provider.Client().Do(req)
		if err != nil {
			return fmt.Errorf("sms provider: %w", err) // wraps ctx.Err()
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			return fmt.Errorf("sms provider: status %d", resp.StatusCode)
		}
		return nil
	})

	err := notifytest.CheckSMSSender(sender, notifytest.Conformance[notify.SMS]{
		Valid: func() notify.SMS {
			return notify.SMS{Key: "k", To: "+821012345678", Text: "test"}
		},
		Blocking: func() notify.SMS {
			return notify.SMS{Key: "k", To: silent, Text: "test"}
		},
	})
	fmt.Println("violations:", err)
	// Output:
	// violations: <nil>
}

// nilError is a host's error type whose Error method reads its receiver.
type nilError struct{ code int }

func (e *nilError) Error() string { return fmt.Sprint("provider code ", e.code) }
