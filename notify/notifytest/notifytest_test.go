package notifytest_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

func validSMS() notify.SMS {
	return notify.SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "답변"}
}

func validEmail() notify.Email {
	return notify.Email{Key: "k", To: "a@example.com", Subject: "s", Text: "t", Headers: map[string]string{"X-A": "1"}}
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

	release := f.HangIgnoringContext()
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
	release()
	if err := <-done; err != nil {
		t.Errorf("after release: %v", err)
	}
	if err := f.SendSMS(cctx, validSMS()); !errors.Is(err, context.Canceled) {
		t.Errorf("a done context: %v", err)
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

func TestConformanceAcceptsTheFakes(t *testing.T) {
	var s notifytest.SMS
	if err := notifytest.CheckSMSSender(&s, notifytest.Conformance[notify.SMS]{Valid: validSMS}); err != nil {
		t.Error(err)
	}
	var e notifytest.Email
	if err := notifytest.CheckEmailSender(&e, notifytest.Conformance[notify.Email]{Valid: validEmail}); err != nil {
		t.Error(err)
	}
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
	c := notifytest.Conformance[notify.Email]{Valid: validEmail, Timeout: 50 * time.Millisecond,
		InvalidRecipient: func() notify.Email { m := validEmail(); m.To = "nobody"; return m }}
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
		{"calls an invalid recipient transient", func(ctx context.Context, m notify.Email) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if m.To == "nobody" {
				return errors.New("550 no such user")
			}
			return nil
		}, "want notify.Permanent"},
		{"hangs past its deadline", func(ctx context.Context, m notify.Email) error {
			time.Sleep(200 * time.Millisecond)
			return ctx.Err()
		}, "did not return within"},
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
