package followup_test

import (
	"bytes"
	"context"
	"encoding"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
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

// The text forms of the root package's enums: an accepted name reads back
// as the value it names, and the error for a refused one tells nothing of
// it, since a host may pass along what a customer typed.
func FuzzEnumText(f *testing.F) {
	for _, s := range []string{"", "phone", "EMAIL", "mobile", "fixedLine", "due", "customerPresent",
		"sent", "deferred", "parallel", "Escalating", "nope", "홍길동", "010-1234-5678"} {
		f.Add(s)
	}
	type enum interface {
		encoding.TextMarshaler
		encoding.TextUnmarshaler
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range []func() enum{
			func() enum { return new(followup.Field) },
			func() enum { return new(followup.PhoneType) },
			func() enum { return new(followup.Reason) },
			func() enum { return new(followup.Status) },
			func() enum { return new(followup.Strategy) },
		} {
			x := v()
			if err := x.UnmarshalText([]byte(s)); err != nil {
				// The error says no more than a refused input of the same
				// length gets: nothing of the input itself.
				other := v().UnmarshalText(bytes.Repeat([]byte{0}, len(s)))
				if other == nil || err.Error() != other.Error() {
					t.Fatalf("%T: the error depends on what was refused: %v", x, err)
				}
				if !errors.Is(err, followup.ErrUnknownName) {
					t.Fatalf("%T: %v is not ErrUnknownName", x, err)
				}
				continue
			}
			b, err := x.MarshalText()
			if err != nil {
				t.Fatalf("%T accepted %q but does not marshal: %v", x, s, err)
			}
			y := v()
			if err := y.UnmarshalText(b); err != nil {
				t.Fatalf("%T: %q does not read back: %v", x, b, err)
			}
			if b2, _ := y.MarshalText(); !bytes.Equal(b, b2) {
				t.Fatalf("%T: %q read back as %q", x, b, b2)
			}
			if !strings.EqualFold(string(b), s) && s != "" {
				t.Fatalf("%T: %q accepted as %q", x, s, b)
			}
		}
	})
}
