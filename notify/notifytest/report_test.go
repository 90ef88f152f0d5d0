package notifytest

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// recordingTB records the errors a Run function reports.
type recordingTB struct {
	testing.TB
	errs []string
}

func (r *recordingTB) Helper()           {}
func (r *recordingTB) Error(args ...any) { r.errs = append(r.errs, fmt.Sprint(args...)) }

// The Run functions fail the test once per violation, each with its own
// error, and not at all without one.
func TestReportFailsOncePerViolation(t *testing.T) {
	a, b := errors.New("notifytest: a"), errors.New("notifytest: b")
	tests := []struct {
		name string
		err  error
		want []string
	}{
		{"no violation", nil, nil},
		{"one", a, []string{"notifytest: a"}},
		{"joined", errors.Join(a, b), []string{"notifytest: a", "notifytest: b"}},
		{"wrapped, not joined", fmt.Errorf("x: %w", a), []string{"x: notifytest: a"}},
	}
	for _, tt := range tests {
		var r recordingTB
		report(&r, tt.err)
		if diff := cmp.Diff(tt.want, r.errs); diff != "" {
			t.Errorf("%s: reported errors (-want +got):\n%s", tt.name, diff)
		}
	}
}
