package notify_test

import (
	"context"
	"errors"
	"testing"
	"testing/synctest"
	"time"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

// A host may test its own code with testing/synctest, where time is fake and
// moves only when every goroutine of the bubble is blocked. Dispatch must
// block there as it does outside, on what the bubble can see, so a sender
// that hangs is given up at its deadline in fake time, not never.
func TestDispatchInSynctestBubble(t *testing.T) {
	dispatchHanging := func(t *testing.T) {
		t.Helper()
		fakes, senders := notifytest.NewSenders()
		fakes.Email.Hang()
		d := &notify.Dispatcher{Senders: senders, Options: notify.Options{MaxAttempts: 1, AttemptTimeout: 50 * time.Millisecond}}
		start := time.Now()
		r := d.Dispatch(context.Background(), notify.Batch{Email: testEmail(), Push: testPush()})
		if e, _ := r.Entry(notify.ChannelEmail); e.Outcome != notify.Failed || !errors.Is(e.Err, context.DeadlineExceeded) {
			t.Errorf("email: %v, %v; want failed at its deadline", e.Outcome, e.Err)
		}
		if !r.Delivered(notify.ChannelPush) {
			t.Error("push was not delivered")
		}
		if took := time.Since(start); took < 50*time.Millisecond {
			t.Errorf("Dispatch took %v, less than the attempt timeout", took)
		}
	}
	for range 3 {
		synctest.Test(t, func(t *testing.T) {
			dispatchHanging(t)
			if took := time.Since(time.Now()); took != 0 {
				t.Fatalf("time moved by %v in a bubble: not fake time", took)
			}
		})
		// Nothing Dispatch kept from the bubble may be used outside it.
		dispatchHanging(t)
	}
}
