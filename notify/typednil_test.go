package notify_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/followup-go/followup/notify"
)

// providerError is a host's error type, returned by pointer.
type providerError struct{ code int }

func (e *providerError) Error() string { return "provider: code " + string(rune('0'+e.code)) }

// A sender that returns a nil pointer as its error (var perr *T; return
// perr: the classic typed nil) fails its message, with an error that says
// so, rather than crash the process when the dispatcher reads the error (to
// log it, to classify it). It may have sent the message, so an AlimTalk gets
// no substitute.
func TestDispatchTypedNilError(t *testing.T) {
	var logs strings.Builder
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for name, err := range map[string]error{
		"host's type":     (*providerError)(nil),
		"*RateLimitError": (*notify.RateLimitError)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			texts := 0
			d := &notify.Dispatcher{Senders: notify.Senders{
				AlimTalk: notify.AlimTalkFunc(func(context.Context, notify.AlimTalk) error { return err }),
				SMS:      notify.SMSFunc(func(context.Context, notify.SMS) error { texts++; return nil }),
			}, Options: notify.Options{Logger: logger, MaxAttempts: 1}}
			r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk()})
			e := r.Entries[0]
			if e.Outcome != notify.Failed || !e.MayHaveSent() || texts != 0 {
				t.Errorf("entry %v, MayHaveSent %v, %d substitutes; want failed, may have sent, none", e.Outcome, e.MayHaveSent(), texts)
			}
			if e.Err == nil || !strings.Contains(e.Err.Error(), "nil") {
				t.Errorf("entry error %v does not say the sender returned a nil pointer", e.Err)
			}
		})
	}
}

// RetryAfter, IsRateLimited and IsPermanent do not panic on a nil
// *RateLimitError: it carries no rate limit.
func TestNilRateLimitError(t *testing.T) {
	var rl *notify.RateLimitError
	if d, ok := notify.RetryAfter(rl); ok || d != 0 {
		t.Errorf("RetryAfter(nil *RateLimitError) = %v, %v", d, ok)
	}
	if notify.IsRateLimited(rl) || notify.IsPermanent(rl) || errors.Is(rl, context.Canceled) {
		t.Error("a nil *RateLimitError classified")
	}
	_ = rl.Error()
}

// Nil func adapters are no senders: the channel is not available, and an
// AlimTalk goes out as its substitute, as with a nil sender.
func TestDispatchNilFuncSenders(t *testing.T) {
	var alim notify.AlimTalkFunc // a host that wires AlimTalk only when configured
	texts := 0
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: alim,
		SMS:      notify.SMSFunc(func(context.Context, notify.SMS) error { texts++; return nil }),
		Email:    notify.EmailFunc(nil),
	}}
	r := d.Dispatch(context.Background(), notify.Batch{AlimTalk: testAlimTalk(), Email: testEmail()})
	if e, _ := r.Entry(notify.ChannelAlimTalk); e.Outcome != notify.DeliveredBySubstitute || texts != 1 {
		t.Errorf("AlimTalk %v with %d texts, want delivered by substitute", e.Outcome, texts)
	}
	if e, _ := r.Entry(notify.ChannelEmail); e.Outcome != notify.Skipped {
		t.Errorf("email %v, want skipped", e.Outcome)
	}
	if got := d.Senders.Available(); got.Has(notify.ChannelAlimTalk) || got.Has(notify.ChannelEmail) {
		t.Errorf("Available() = %v, want neither AlimTalk nor email", got)
	}
}
