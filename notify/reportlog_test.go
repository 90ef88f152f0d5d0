package notify_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

// A Report logged as one attribute through slog's JSON handler writes every
// channel's outcome, the channel that carried a delivered message, and the
// error's text, which the handler would otherwise write as {}; an entry
// without an error has no "err".
func TestReportLogValue(t *testing.T) {
	one := []notify.Attempt{{}}
	r := notify.Report{Entries: []notify.Entry{
		{Channel: at, Outcome: notify.DeliveredBySubstitute, Via: sms, Key: "k-at", Attempts: []notify.Attempt{{}, {}},
			Duration: 3 * time.Millisecond},
		{Channel: sms, Outcome: notify.Delivered, Via: sms, Key: "k-sms", Attempts: one, Duration: time.Millisecond},
		{Channel: em, Outcome: notify.Failed, Key: "k-em", Attempts: []notify.Attempt{{}, {}, {}},
			Err: errors.New("notify: email: 503"), Duration: 2 * time.Second},
		{Channel: pu, Outcome: notify.Skipped, Key: "k-pu", Err: errors.New("notify: push: no sender")},
	}}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("dispatched", "report", r)
	var line struct{ Report map[string]map[string]any }
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	want := map[string]map[string]any{
		"alimtalk": {"outcome": "deliveredBySubstitute", "via": "sms", "attempts": 2.0, "duration": 3e6, "key": "k-at"},
		"sms":      {"outcome": "delivered", "via": "sms", "attempts": 1.0, "duration": 1e6, "key": "k-sms"},
		"email":    {"outcome": "failed", "attempts": 3.0, "duration": 2e9, "key": "k-em", "err": "notify: email: 503"},
		"push":     {"outcome": "skipped", "attempts": 0.0, "duration": 0.0, "key": "k-pu", "err": "notify: push: no sender"},
	}
	if diff := cmp.Diff(want, line.Report); diff != "" {
		t.Errorf("logged report (-want +got):\n%s", diff)
	}
}
