package notify_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

func TestRateLimitErrorMessage(t *testing.T) {
	tests := []struct {
		err  *notify.RateLimitError
		want string
	}{
		{&notify.RateLimitError{}, "notify: rate limited"},
		{&notify.RateLimitError{RetryAfter: 2 * time.Second}, "notify: rate limited, retry after 2s"},
		{&notify.RateLimitError{Err: errors.New("429")}, "notify: rate limited: 429"},
		{&notify.RateLimitError{Err: errors.New("429"), RetryAfter: time.Second}, "notify: rate limited, retry after 1s: 429"},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.err.Error()); diff != "" {
			t.Errorf("Error() of %+v (-want +got):\n%s", *tt.err, diff)
		}
	}
}

// Permanent, RateLimited and ErrRecipientRefused classify an error through
// any wrapping, for errors.Is and errors.As.
func TestErrorClassification(t *testing.T) {
	base := errors.New("invalid number")
	p := notify.Permanent(base)
	if !notify.IsPermanent(p) || !errors.Is(p, base) {
		t.Errorf("Permanent: IsPermanent=%v, Is(base)=%v", notify.IsPermanent(p), errors.Is(p, base))
	}
	if notify.IsPermanent(base) || notify.Permanent(nil) != nil {
		t.Error("a plain error is permanent, or Permanent(nil) is not nil")
	}
	if !notify.IsPermanent(notify.ErrRecipientRefused) {
		t.Error("ErrRecipientRefused is not permanent")
	}
	rl := notify.RateLimited(base, 3e9)
	if d, ok := notify.RetryAfter(rl); !ok || d != 3e9 || !errors.Is(rl, base) || notify.IsPermanent(rl) {
		t.Errorf("RateLimited: RetryAfter=%v,%v", d, ok)
	}
	var rle *notify.RateLimitError
	if !errors.As(rl, &rle) {
		t.Error("errors.As(*RateLimitError) failed")
	}
	if wrapped := fmt.Errorf("provider: %w", rl); !notify.IsRateLimited(wrapped) || notify.IsRateLimited(base) {
		t.Error("IsRateLimited misclassifies")
	}
	if !errors.Is(fmt.Errorf("kakao: %w", notify.ErrRecipientRefused), notify.ErrRecipientRefused) ||
		!notify.IsPermanent(fmt.Errorf("kakao: %w", notify.ErrRecipientRefused)) {
		t.Error("a wrapped ErrRecipientRefused is not recognised")
	}
}
