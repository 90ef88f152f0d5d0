package notifytest_test

import (
	"context"
	"errors"
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

const (
	leaksRecipient = "holds the message's recipient"
	leaksText      = "holds the message's text"
)

// refusing returns a sender that accepts every message but one to refused,
// which it refuses for good with an error whose text is errText.
func refusing[M any](to func(M) string, refused, errText string) func(context.Context, M) error {
	return func(ctx context.Context, m M) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if to(m) == refused {
			return notify.Permanent(errors.New(errText))
		}
		return nil
	}
}

// violations returns the text of the violations of err, or "" for none.
func violations(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// The suite looks for a recipient down to the shortest it documents: a
// number of 7 digits, an address's local part of 3 characters, any other
// recipient of 4; and it finds a local part wherever it stands as a word.
func TestConformanceFindsShortRecipients(t *testing.T) {
	tests := []struct {
		name    string
		to      string
		errText string
		want    string // a violation, or "" for none
	}{
		{"a push id of 4 characters", "dev1", "no such device dev1", leaksRecipient},
		{"a number of 7 digits, grouped otherwise", "555-0123", "unknown number 5550123", leaksRecipient},
		{"a local part of 3 characters", "kim@example.com", "550 no such user kim", leaksRecipient},
		{"a local part that starts the error", "kim@example.com", "kim: no such user", leaksRecipient},
		{"a local part in brackets", "kim@example.com", "550 mailbox [kim] unavailable", leaksRecipient},
		{"a local part followed by Korean", "kim@example.com", "550 kim님의 메일함이 없습니다", leaksRecipient},
		{"a longer word ending in 0", "kim@example.com", "550 no such user kim0", ""},
		{"a longer word ending in 9", "kim@example.com", "550 no such user kim9", ""},
		{"a longer word ending in a", "kim@example.com", "550 no such user kima", ""},
		{"a longer word ending in z", "kim@example.com", "550 no such user kimz", ""},
		{"a longer word starting with 0", "kim@example.com", "550 no such user 0kim", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sender := refusing(func(m notify.Push) string { return m.To }, tt.to, tt.errText)
			err := notifytest.CheckPushSender(notify.PushFunc(sender), notifytest.Conformance[notify.Push]{
				Valid: func() notify.Push { return notify.Push{Key: "k", To: "user-1", Title: "t"} },
				InvalidRecipient: func() notify.Push {
					return notify.Push{Key: "k", To: tt.to, Title: "t"}
				},
			})
			got := violations(err)
			if tt.want == "" && err != nil || !strings.Contains(got, tt.want) {
				t.Errorf("error %q for %q: CheckPushSender = %v, want a violation %q", tt.errText, tt.to, err, tt.want)
			}
		})
	}
}

// The suite looks for texts down to 8 characters, and for every window of
// 16 characters of a longer one, the last included.
func TestConformanceFindsTextsAtTheirBounds(t *testing.T) {
	const eight = "상담 답변 도착"              // 8 characters
	const twenty = "김민지님, 상담원이 답변을 남겼습니다" // 20 characters
	tests := []struct {
		name    string
		title   string
		errText string
		want    string
	}{
		{"a text of 8 characters", eight, "rejected: " + eight, leaksText},
		{"the last 16 characters of a text", twenty, "rejected: " + string([]rune(twenty)[4:]), leaksText},
		{"15 characters of a text", twenty, "rejected: " + string([]rune(twenty)[5:]), ""},
		{"a text of 7 characters", "상담 답변 옴", "rejected: 상담 답변 옴", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if n := len([]rune(tt.title)); n != 7 && n != 8 && n != 20 {
				t.Fatalf("title of %d characters", n)
			}
			sender := refusing(func(m notify.Push) string { return m.To }, "nobody", tt.errText)
			err := notifytest.CheckPushSender(notify.PushFunc(sender), notifytest.Conformance[notify.Push]{
				Valid:            func() notify.Push { return notify.Push{Key: "k", To: "user-1", Title: "t"} },
				InvalidRecipient: func() notify.Push { return notify.Push{Key: "k", To: "nobody", Title: tt.title} },
			})
			got := violations(err)
			if tt.want == "" && err != nil || !strings.Contains(got, tt.want) {
				t.Errorf("error %q: CheckPushSender = %v, want a violation %q", tt.errText, err, tt.want)
			}
		})
	}
}

// Concurrency is how many concurrent calls the suite makes, 8 when zero.
func TestConformanceConcurrency(t *testing.T) {
	for _, tt := range []struct{ concurrency, want int }{{0, 8}, {3, 3}} {
		var mu sync.Mutex
		live := 0 // calls with a context not yet done: the first valid message, then the concurrent ones
		sender := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			mu.Lock()
			live++
			mu.Unlock()
			return nil
		})
		err := notifytest.CheckSMSSender(sender, notifytest.Conformance[notify.SMS]{Valid: validSMS, Concurrency: tt.concurrency})
		if err != nil {
			t.Errorf("Concurrency %d: %v", tt.concurrency, err)
		}
		if got := live - 1; got != tt.want {
			t.Errorf("Concurrency %d: %d concurrent calls, want %d", tt.concurrency, got, tt.want)
		}
	}
}

// A sender that fails concurrent calls is reported, with how many failed.
func TestConformanceCountsFailedConcurrentCalls(t *testing.T) {
	var calls atomic.Int32
	sender := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if calls.Add(1) > 1 { // all but the first valid message
			return errors.New("503 busy")
		}
		return nil
	})
	err := notifytest.CheckSMSSender(sender, notifytest.Conformance[notify.SMS]{Valid: validSMS, Concurrency: 4})
	if diff := cmp.Diff("notifytest: 4 of 4 concurrent calls failed or hung", violations(err)); diff != "" {
		t.Errorf("CheckSMSSender (-want +got):\n%s", diff)
	}
}

// The suite ends a Blocking message's context Timeout/4 after the call
// starts, by cancelling it and by its deadline.
func TestConformanceEndsABlockingCallAfterAQuarterOfTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const silent = "+821099990000"
		var mu sync.Mutex
		var ended []time.Duration
		sender := notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			if err := ctx.Err(); err != nil || m.To != silent {
				return err
			}
			start := time.Now()
			<-ctx.Done()
			mu.Lock()
			ended = append(ended, time.Since(start))
			mu.Unlock()
			return ctx.Err()
		})
		err := notifytest.CheckSMSSender(sender, notifytest.Conformance[notify.SMS]{
			Valid:    validSMS,
			Blocking: func() notify.SMS { m := validSMS(); m.To = silent; return m },
			Timeout:  time.Second,
		})
		if err != nil {
			t.Error(err)
		}
		if diff := cmp.Diff([]time.Duration{250 * time.Millisecond, 250 * time.Millisecond}, ended); diff != "" {
			t.Errorf("time from a blocking call's start to its context's end (-want +got):\n%s", diff)
		}
	})
}
