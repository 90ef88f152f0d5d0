package notify_test

import (
	"errors"
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
