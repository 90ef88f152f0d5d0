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
			Reason  string
			Key     string
			Records int
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
	if r.Status != "sent" || r.Key != k1.String() || r.Records != len(res.Records) || r.Reason != "" {
		t.Errorf("status %q, key %q, %d records, reason %q", r.Status, r.Key, r.Records, r.Reason)
	}
	if got := r.Refused["alimtalk"]; got != followup.ErrOptedOut.Error() {
		t.Errorf("refused alimtalk: %q, want the opt-out rule", got)
	}
	email := r.Report["email"]
	if email.Outcome != "failed" || email.Attempts != 1 || email.Err == "" || !bytes.Contains(buf.Bytes(), []byte("mailbox unavailable")) {
		t.Errorf("email entry %+v lacks the failure:\n%s", email, buf.Bytes())
	}
}

// A job run twice logs why the second run sent nothing, and a run that
// texted says so: a duplicate and a customer who read the answer look
// alike otherwise. A run that sent nothing logs no records to store.
func TestResultLogValueReasonAndTexted(t *testing.T) {
	e, _ := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	first, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || !first.Texted {
		t.Fatalf("first run: %v, %v, texted %v", first.Status, err, first.Texted)
	}
	c.FollowUps = first.Records
	again, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || again.Status != followup.Cancelled {
		t.Fatalf("second run: %v, %v", again.Status, err)
	}
	for _, tt := range []struct {
		res     followup.Result
		want    string
		notWant string
	}{
		{first, `"texted":true`, `"reason"`},
		{again, `"reason":"alreadyFollowedUp"`, `"records"`},
	} {
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("delivered", "result", tt.res)
		if !bytes.Contains(buf.Bytes(), []byte(tt.want)) {
			t.Errorf("log line lacks %s:\n%s", tt.want, buf.Bytes())
		}
		if bytes.Contains(buf.Bytes(), []byte(tt.notWant)) {
			t.Errorf("log line holds %s:\n%s", tt.notWant, buf.Bytes())
		}
	}
}
