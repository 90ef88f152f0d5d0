package notify

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
)

type ctxKey struct{}

// newAttemptCtx returns an attempt context whose deadline is d from now.
func newAttemptCtx(parent context.Context, d time.Duration) *attemptCtx {
	base := time.Now()
	return &attemptCtx{parent: parent, base: &base, dl: d}
}

func TestAttemptCtxBehavesAsWithTimeout(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "v")
	c := newAttemptCtx(parent, time.Hour)
	if dl, ok := c.Deadline(); !ok || time.Until(dl) < 59*time.Minute {
		t.Errorf("Deadline = %v, %v", dl, ok)
	}
	if c.Value(ctxKey{}) != "v" {
		t.Error("Value does not reach the parent")
	}
	if err := c.Err(); err != nil {
		t.Fatalf("Err = %v before the deadline", err)
	}
	select {
	case <-c.Done():
		t.Fatal("Done before the deadline")
	default:
	}
	c.release()
	if err := c.Err(); !errors.Is(err, context.Canceled) {
		t.Errorf("Err after release = %v", err)
	}
	select {
	case <-c.Done():
	default:
		t.Error("Done not closed after release")
	}
}

func TestAttemptCtxDeadline(t *testing.T) {
	t.Run("Done closes at the deadline", func(t *testing.T) {
		c := newAttemptCtx(context.Background(), 20*time.Millisecond)
		select {
		case <-c.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("Done not closed at the deadline")
		}
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err = %v", c.Err())
		}
		c.release()
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err changed after release: %v", c.Err())
		}
	})
	t.Run("Err sees the deadline without Done", func(t *testing.T) {
		c := newAttemptCtx(context.Background(), -time.Millisecond)
		if !errors.Is(c.Err(), context.DeadlineExceeded) {
			t.Errorf("Err = %v", c.Err())
		}
		select {
		case <-c.Done():
		default:
			t.Error("Done open after Err reported the deadline")
		}
	})
	t.Run("a derived context ends with it", func(t *testing.T) {
		c := newAttemptCtx(context.Background(), 20*time.Millisecond)
		child, cancel := context.WithTimeout(c, time.Hour)
		defer cancel()
		select {
		case <-child.Done():
		case <-time.After(5 * time.Second):
			t.Fatal("child not done at the parent's deadline")
		}
		if !errors.Is(child.Err(), context.DeadlineExceeded) {
			t.Errorf("child Err = %v", child.Err())
		}
	})
}

func TestAttemptCtxParent(t *testing.T) {
	t.Run("cancelled while waiting", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		c := newAttemptCtx(parent, time.Hour)
		done := c.Done()
		cancel()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatal("Done not closed when the parent was cancelled")
		}
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err = %v", c.Err())
		}
	})
	t.Run("cancelled before", func(t *testing.T) {
		parent, cancel := context.WithCancel(context.Background())
		cancel()
		c := newAttemptCtx(parent, time.Hour)
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err = %v", c.Err())
		}
		select {
		case <-c.Done():
		default:
			t.Error("Done open under a cancelled parent")
		}
	})
	t.Run("cause", func(t *testing.T) {
		cause := errors.New("shutting down")
		parent, cancel := context.WithCancelCause(context.Background())
		c := newAttemptCtx(parent, time.Hour)
		cancel(cause)
		if got := context.Cause(c); !errors.Is(got, cause) {
			t.Errorf("Cause = %v", got)
		}
	})
}

// The release of an attempt stops its timer and its watch on the parent.
func TestAttemptCtxReleaseStopsWatching(t *testing.T) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := newAttemptCtx(parent, time.Hour)
	_ = c.Done()
	c.release()
	d := c.lazy.Load()
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		t.Error("not closed")
	}
	if d.stop() {
		t.Error("the parent is still watched after release")
	}
	if d.timer.Stop() {
		t.Error("the timer still runs after release")
	}
}

// A sender that prints or logs its context, or one derived from it, gets a
// name: not the parent's values, which context.WithValue prints and may hold
// personal data, and not the attempt's fields, which printing would read
// while its timer may write them.
func TestAttemptCtxPrintsItsName(t *testing.T) {
	parent := context.WithValue(context.Background(), ctxKey{}, "김민지")
	var printed []string
	d := &Dispatcher{Senders: Senders{SMS: SMSFunc(func(ctx context.Context, m SMS) error {
		child, cancel := context.WithCancel(ctx)
		defer cancel()
		printed = append(printed, fmt.Sprint(ctx), fmt.Sprintf("%+v", ctx), fmt.Sprint(child))
		return nil
	})}}
	r := d.Dispatch(parent, Batch{SMS: &SMS{Key: "k", To: "+821012345678", Text: "답변"}})
	if err := r.Err(); err != nil {
		t.Fatal(err)
	}
	want := []string{"notify.attemptContext", "notify.attemptContext", "notify.attemptContext.WithCancel"}
	if diff := cmp.Diff(want, printed); diff != "" {
		t.Errorf("printed contexts (-want +got):\n%s", diff)
	}
}

// An attempt context is done at its deadline itself, as one of
// context.WithTimeout is: in fake time, where no time passes, a deadline of
// now has been reached.
func TestAttemptCtxDoneAtItsDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		want, cancel := context.WithTimeout(context.Background(), 0)
		defer cancel()
		c := newAttemptCtx(context.Background(), 0)
		if got := c.Err(); got != want.Err() {
			t.Errorf("Err = %v at the deadline, want %v as context.WithTimeout", got, want.Err())
		}
	})
}

// Done, asked for some time after the attempt began, closes at the deadline
// counted from the attempt's start, not from the call to Done.
func TestAttemptCtxDoneLateClosesAtTheDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		c := newAttemptCtx(context.Background(), 100*time.Millisecond)
		time.Sleep(30 * time.Millisecond)
		<-c.Done()
		if got := time.Since(start); got != 100*time.Millisecond {
			t.Errorf("Done closed %v after the start, want 100ms", got)
		}
	})
}

// A retry-after that ends at the caller's deadline is not waited for: the
// attempt after it would start with its context done, and the sender's
// refusal of it would read as a failure that may have delivered the
// message, hiding the rate limit. Each row gives the retry-after and the
// deadline, in fake time, where the deadline's timer and the retry-after's
// end at the same instant.
func TestDispatchNoAttemptAtTheDeadline(t *testing.T) {
	for _, tt := range []struct {
		name            string
		retryAfter, ctx time.Duration
	}{
		{"retry-after ends at the deadline", 50 * time.Millisecond, 50 * time.Millisecond},
		{"retry-after ends past the deadline", 80 * time.Millisecond, 50 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				calls := 0
				sms := SMSFunc(func(ctx context.Context, m SMS) error {
					calls++
					if err := ctx.Err(); err != nil {
						return err
					}
					return RateLimited(errors.New("busy"), tt.retryAfter)
				})
				ctx, cancel := context.WithTimeout(context.Background(), tt.ctx)
				defer cancel()
				start := time.Now()
				d := &Dispatcher{Senders: Senders{SMS: sms}, Options: Options{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}}
				r := d.Dispatch(ctx, Batch{SMS: &SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "hi"}})
				e := r.Entries[0]
				if calls != 1 || len(e.Attempts) != 1 {
					t.Errorf("%d calls, %d attempts; want 1: the second would start at or past the deadline", calls, len(e.Attempts))
				}
				if !IsRateLimited(e.Err) || !errors.Is(e.Err, context.DeadlineExceeded) || e.MayHaveSent() {
					t.Errorf("entry error %v, MayHaveSent %v; want the rate limit and the deadline, and not sent", e.Err, e.MayHaveSent())
				}
				if took := time.Since(start); took != 0 {
					t.Errorf("Dispatch took %v: it waited for a retry it could not make", took)
				}
			})
		})
	}
}

// The context ends while the dispatcher waits to retry, and the wait
// returns nil all the same (the default Wait's select may take its timer
// when both are ready): the entry's error keeps the sender's error beside
// the context's.
func TestDispatchKeepsTheErrorWhenTheContextEndsDuringTheWait(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	sms := SMSFunc(func(context.Context, SMS) error { calls++; return RateLimited(errors.New("busy"), time.Second) })
	d := &Dispatcher{Senders: Senders{SMS: sms}, Options: Options{
		Wait: func(context.Context, time.Duration) error { cancel(); return nil },
	}}
	r := d.Dispatch(ctx, Batch{SMS: &SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "hi"}})
	e := r.Entries[0]
	if calls != 1 || !IsRateLimited(e.Err) || !errors.Is(e.Err, context.Canceled) || !IsRateLimited(r.Err()) {
		t.Errorf("%d calls, entry error %v; want one call, the rate limit and context.Canceled", calls, e.Err)
	}
}
