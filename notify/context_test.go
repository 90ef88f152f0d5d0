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
