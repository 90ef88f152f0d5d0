package followup_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/followup-go/followup"
)

// Every duration Timing cannot read is ErrBadDuration, which a host tests
// with errors.Is; the errors used to be time's own, or bare strings.
func TestTimingBadDuration(t *testing.T) {
	for _, in := range []string{
		`{"delay":"soon"}`,
		`{"delay":"99999999999h"}`,
		`{"maxWait":"` + "1000000000000000000000000000000000h" + `"}`,
		`{"pushWait":true}`,
		`{"pushWait":1.5}`,
		`{"Delay":{"m":3}}`,
		`{"delay":"kim@example.com"}`,
		`{"maxWait":"010-1234-5678"}`,
	} {
		var tm followup.Timing
		err := json.Unmarshal([]byte(in), &tm)
		if !errors.Is(err, followup.ErrBadDuration) {
			t.Errorf("%s: %v; want ErrBadDuration", in, err)
		}
		// The error never repeats what was typed.
		for _, raw := range []string{"soon", "kim@", "1234-5678"} {
			if err != nil && strings.Contains(err.Error(), raw) {
				t.Errorf("%s: error %q repeats the text", in, err)
			}
		}
	}
	var tm followup.Timing
	if err := json.Unmarshal([]byte(`{"delay":"3m","maxWait":600000000000,"pushWait":null}`), &tm); err != nil ||
		tm != (followup.Timing{Delay: 3 * time.Minute, MaxWait: 10 * time.Minute}) {
		t.Errorf("good durations: %+v, %v", tm, err)
	}
	if err := json.Unmarshal([]byte(`{"strategy":"sometimes"}`), &tm); errors.Is(err, followup.ErrBadDuration) ||
		!errors.Is(err, followup.ErrUnknownStrategy) {
		t.Errorf("unknown strategy: %v; want ErrUnknownStrategy, not ErrBadDuration", err)
	}
}

// A duration string is read up to 32 bytes long, and refused past that.
func TestTimingDurationLength(t *testing.T) {
	for _, tt := range []struct {
		s       string
		want    time.Duration
		wantErr error
	}{
		{strings.Repeat("0", 30) + "3m", 3 * time.Minute, nil},
		{strings.Repeat("0", 31) + "3m", 0, followup.ErrBadDuration},
	} {
		var tm followup.Timing
		err := json.Unmarshal([]byte(`{"delay":"`+tt.s+`"}`), &tm)
		if !errors.Is(err, tt.wantErr) || tm.Delay != tt.want {
			t.Errorf("delay of %d bytes: %v, %v; want %v, %v", len(tt.s), tm.Delay, err, tt.want, tt.wantErr)
		}
	}
}

// Of several keys that match a field without regard to case, the last in
// the input is read, as encoding/json reads a struct's field: the same
// settings read the same by another Go reader.
func TestTimingCaseFoldedKeys(t *testing.T) {
	for _, in := range []string{
		`{"Delay":"2m","DELAY":"1m","dElAy":"3m"}`,
		`{"DELAY":"1m","dElAy":"3m","Delay":"2m"}`,
		`{"dElAy":"3m","Delay":"2m","DELAY":"1m"}`,
		`{"delay":"1m","Delay":"2m"}`,
		`{"Delay":"2m","delay":"1m"}`,
		`{"delay":"1m","Delay":"2m","delay":"3m"}`,
		`{"Delay":"2m","delay":"1m","maxWait":"20m","Delay":"5m"}`,
		`{"delay":"4m","x":{"Delay":"9m"},"y":["Delay"]}`,
	} {
		var plain struct{ Delay string }
		if err := json.Unmarshal([]byte(in), &plain); err != nil {
			t.Fatal(err)
		}
		want, err := time.ParseDuration(plain.Delay)
		if err != nil {
			t.Fatal(err)
		}
		var tm followup.Timing
		if err := json.Unmarshal([]byte(in), &tm); err != nil || tm.Delay != want {
			t.Errorf("%s: delay %v, %v; want %v, as encoding/json reads it", in, tm.Delay, err, want)
		}
	}
}

// Decoding over a Timing changes only the fields whose keys the input has,
// as encoding/json decodes over a struct: a settings patch
// ({"timing":{"delay":"1m"}}) keeps the rest of the stored timing. A key
// whose value is null leaves its field alone too.
func TestTimingDecodesOverExisting(t *testing.T) {
	stored := followup.Settings{Timing: followup.Timing{Delay: 3 * time.Minute, MaxWait: 20 * time.Minute, Strategy: followup.Escalating}}
	if err := json.Unmarshal([]byte(`{"timing":{"delay":"1m","maxWait":null}}`), &stored); err != nil {
		t.Fatal(err)
	}
	want := followup.Timing{Delay: time.Minute, MaxWait: 20 * time.Minute, Strategy: followup.Escalating}
	if stored.Timing != want {
		t.Errorf("patched timing %+v, want %+v", stored.Timing, want)
	}
	// The same input read by encoding/json into a plain struct.
	plain := struct{ Delay, MaxWait string }{MaxWait: "20m"}
	if err := json.Unmarshal([]byte(`{"delay":"1m","maxWait":null}`), &plain); err != nil || plain.MaxWait != "20m" {
		t.Fatalf("encoding/json: %v, %+v", err, plain)
	}
}

// Every value of a key written twice is read, in order, as encoding/json
// reads them: a malformed earlier one is an error, though a later one is
// good.
func TestTimingRepeatedKeyReadsEveryValue(t *testing.T) {
	for _, in := range []string{`{"delay":"3 minutes","delay":"1m"}`, `{"Delay":"x","delay":"1m"}`, `{"strategy":"escalate","Strategy":"parallel"}`} {
		var tm followup.Timing
		if err := json.Unmarshal([]byte(in), &tm); err == nil {
			t.Errorf("%s: read as %+v, want an error for the first value", in, tm)
		}
	}
}
