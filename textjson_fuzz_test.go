package followup_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/internal/enumtext"
)

// A Plan comes back from the host's queue as JSON, which may be old,
// hand-edited or corrupt. Whatever it holds, decoding gives an error or a
// Plan that encodes and decodes to itself, and Deliver given that Plan
// neither panics nor sends anything the conversation does not call for.
func FuzzPlanJSON(f *testing.F) {
	f.Add(`{}`)
	f.Add(`{"reason":"due","key":{"conversation":"c1","reply":"r1"},"sendAt":"2025-03-14T10:03:00Z","channels":["alimtalk","email"],"replies":1,"through":"2025-03-14T10:00:00Z"}`)
	f.Add(`{"reason":"customerPresent","recheck":"2025-03-14T10:04:30Z"}`)
	f.Add(`{"reason":"DUE","channels":["SMS","push","sms"]}`)
	f.Add(`{"reason":"nope","channels":"alimtalk"}`)
	f.Add(`{"channels":[null,7,"fax"],"replies":-3}`)
	e, fakes := deliverEngine(f, fullSettings, paying)
	c := baseConversation(f)
	now := t0.Add(3 * time.Minute)
	f.Fuzz(func(t *testing.T, data string) {
		var p followup.Plan
		if err := json.Unmarshal([]byte(data), &p); err != nil {
			return
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("a decoded plan does not encode: %v", err)
		}
		var back followup.Plan
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("an encoded plan does not decode: %v\n%s", err, b)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Fatalf("round trip of %s (-decoded +again):\n%s", b, diff)
		}
		before := len(fakes.AlimTalk.Sent()) + len(fakes.SMS.Sent()) + len(fakes.Email.Sent())
		res, err := e.Deliver(context.Background(), now, p, c)
		after := len(fakes.AlimTalk.Sent()) + len(fakes.SMS.Sent()) + len(fakes.Email.Sent())
		// The conversation's one follow-up is due now on AlimTalk and
		// email: no plan, however made up, sends more than that.
		if n := after - before; n > 2 || (n > 0 && res.Status != followup.Sent) {
			t.Fatalf("Deliver(%s) sent %d messages: %v, %v", b, n, res.Status, err)
		}
	})
}

// The text forms of the root package's enums, as TestEnumTextRule checks
// them for every value: the value n either marshals to a text that reads
// back as n, or is refused; an accepted name reads back as the value it
// names, and the error for a refused one tells nothing of it, since a host
// may pass along what a customer typed.
func FuzzEnumText(f *testing.F) {
	for i, s := range []string{"", "phone", "EMAIL", "mobile", "fixedLine", "due", "customerPresent",
		"sent", "deferred", "parallel", "Escalating", "agent", "Customer", "nope", "홍길동", "010-1234-5678"} {
		f.Add(s, uint8(i*17))
	}
	f.Fuzz(func(t *testing.T, s string, n uint8) {
		enumtext.Text[followup.Field](t, s, followup.ErrUnknownName)
		enumtext.Text[followup.Party](t, s, followup.ErrUnknownName)
		enumtext.Text[followup.PhoneType](t, s, followup.ErrUnknownName)
		enumtext.Text[followup.Reason](t, s, followup.ErrUnknownName)
		enumtext.Text[followup.Status](t, s, followup.ErrUnknownName)
		enumtext.Text[followup.Strategy](t, s, followup.ErrUnknownStrategy)
		enumtext.Value[followup.Field](t, followup.Field(n), followup.ErrUnknownName)
		enumtext.Value[followup.Party](t, followup.Party(n), followup.ErrUnknownName)
		enumtext.Value[followup.PhoneType](t, followup.PhoneType(n), followup.ErrUnknownName)
		enumtext.Value[followup.Reason](t, followup.Reason(n), followup.ErrUnknownName)
		enumtext.Value[followup.Status](t, followup.Status(n), followup.ErrUnknownName)
		enumtext.Value[followup.Strategy](t, followup.Strategy(n), followup.ErrUnknownStrategy)
	})
}
