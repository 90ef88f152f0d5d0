package followup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

// A Result logged as one attribute through slog's JSON handler keeps every
// channel's outcome and error text, and the refusals' rules, which the
// handler would otherwise write as {}.
func TestResultLogValue(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	fakes.Email.FailAlways(notify.Permanent(errors.New("mailbox unavailable")))
	c := baseConversation(t)
	c.OptOuts = []notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS}
	now := t0.Add(3 * time.Minute)
	p := mustEngine(t, fullSettings, paying, notify.Senders{}).Plan(now, baseConversation(t))
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("delivered", "result", res)
	var line struct {
		Result struct {
			Status  string
			Key     string
			Refused map[string]string
			Report  map[string]struct {
				Outcome  string
				Attempts int
				Err      string
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, buf.Bytes())
	}
	r := line.Result
	if r.Status != "sent" || r.Key != k1.String() {
		t.Errorf("status %q, key %q", r.Status, r.Key)
	}
	if got := r.Refused["alimtalk"]; got != followup.ErrOptedOut.Error() {
		t.Errorf("refused alimtalk: %q, want the opt-out rule", got)
	}
	email := r.Report["email"]
	if email.Outcome != "failed" || email.Attempts != 1 || email.Err == "" || !bytes.Contains(buf.Bytes(), []byte("mailbox unavailable")) {
		t.Errorf("email entry %+v lacks the failure:\n%s", email, buf.Bytes())
	}
}
