package policy_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

var (
	seoul   = mustZone("Asia/Seoul")
	newYork = mustZone("America/New_York")
)

func mustZone(name string) policy.Zone {
	z, err := policy.LoadZone(name)
	if err != nil {
		panic(err)
	}
	return z
}

// officeGate is open to everyone Monday to Friday, 09:00 to 18:00 in Seoul.
var officeGate = policy.Gate{
	Mode: policy.GateOutsideOfficeHours,
	OfficeHours: policy.Schedule{
		Zone:  seoul,
		Hours: []policy.Hours{{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}},
	},
}

func seoulTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, seoul.Location())
	if err != nil {
		panic(err)
	}
	return t
}

func TestGate(t *testing.T) {
	// 2026-11-23 is a Monday.
	monNoon := seoulTime("2026-11-23 12:00")
	monNight := seoulTime("2026-11-23 22:00")
	satNoon := seoulTime("2026-11-28 12:00")
	type result struct {
		Required bool
		Admit    policy.Admission
		Leave    policy.Outcome
	}
	tests := []struct {
		name      string
		gate      policy.Gate
		opened    time.Time
		reachable bool
		want      result
	}{
		{"off, no contact", policy.Gate{}, monNoon, false, result{false, policy.Open, policy.Keep}},
		{"off, contact", policy.Gate{}, monNoon, true, result{false, policy.Open, policy.Keep}},
		{"always, no contact", policy.Gate{Mode: policy.GateAlways}, monNoon, false, result{true, policy.AwaitContact, policy.Discard}},
		{"always, contact", policy.Gate{Mode: policy.GateAlways}, monNoon, true, result{true, policy.Open, policy.Keep}},
		{"office hours, inside, no contact", officeGate, monNoon, false, result{false, policy.Open, policy.Keep}},
		{"office hours, night, no contact", officeGate, monNight, false, result{true, policy.AwaitContact, policy.Discard}},
		{"office hours, night, contact", officeGate, monNight, true, result{true, policy.Open, policy.Keep}},
		{"office hours, weekend, no contact", officeGate, satNoon, false, result{true, policy.AwaitContact, policy.Discard}},
		{"office hours, 09:00 sharp is inside", officeGate, seoulTime("2026-11-23 09:00"), false, result{false, policy.Open, policy.Keep}},
		{"office hours, 18:00 sharp is outside", officeGate, seoulTime("2026-11-23 18:00"), false, result{true, policy.AwaitContact, policy.Discard}},
		{"office hours, evaluated in the gate's zone", officeGate, time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC), false, result{false, policy.Open, policy.Keep}}, // 12:00 in Seoul
		{"office hours, no hours set means always gated", policy.Gate{Mode: policy.GateOutsideOfficeHours}, monNoon, false, result{true, policy.AwaitContact, policy.Discard}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := result{
				Required: tt.gate.Required(tt.opened),
				Admit:    tt.gate.Admit(tt.opened, tt.reachable),
				Leave:    tt.gate.Leave(tt.opened, tt.reachable),
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got)\n%s", diff)
			}
		})
	}
}

func TestGateJSON(t *testing.T) {
	b, err := json.Marshal(officeGate)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"mode":"outsideOfficeHours","officeHours":{"zone":"Asia/Seoul","hours":["mon-fri 09:00-18:00"]}}`
	if string(b) != want {
		t.Errorf("Marshal = %s, want %s", b, want)
	}
	var back policy.Gate
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(officeGate, back, cmp.Comparer(func(a, b policy.Zone) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("round trip (-want +got)\n%s", diff)
	}

	b, _ = json.Marshal(policy.Gate{})
	if string(b) != `{"mode":"off"}` {
		t.Errorf("zero Gate marshals as %s", b)
	}
	for _, bad := range []string{`{"mode":"sometimes"}`, `{"mode":3}`, `{"officeHours":{"zone":"Mars/Olympus"}}`, `{"officeHours":{"hours":["mon 18:00-09"]}}`} {
		if err := json.Unmarshal([]byte(bad), new(policy.Gate)); err == nil {
			t.Errorf("Unmarshal(%s) succeeded", bad)
		}
	}
}

func TestGateValidate(t *testing.T) {
	if err := officeGate.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	if err := (policy.Gate{Mode: 9}).Validate(); !errors.Is(err, policy.ErrBadGateMode) {
		t.Errorf("bad mode: Validate() = %v", err)
	}
	bad := policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: seoul, Hours: []policy.Hours{{Days: policy.Weekdays, Start: 600, End: 600}}}}
	if err := bad.Validate(); !errors.Is(err, policy.ErrBadHours) {
		t.Errorf("empty range: Validate() = %v", err)
	}

	office := []policy.Hours{{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}}
	tests := []struct {
		name string
		gate policy.Gate
		want error // nil for valid
	}{
		// Without a zone the hours would be read in UTC: 09:00-18:00 meant
		// for Seoul would be 18:00-03:00 there.
		{"office hours without a zone", policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Hours: office}}, policy.ErrNoZone},
		{"office hours in UTC on purpose", policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: policy.ZoneOf(time.UTC), Hours: office}}, nil},
		{"office hours in the server's zone", policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: policy.ZoneOf(time.Local), Hours: office}}, policy.ErrBadZone},
		// Without office hours the gate is closed around the clock, which is
		// GateAlways under another name, most likely a mistake.
		{"outside office hours, none given", policy.Gate{Mode: policy.GateOutsideOfficeHours}, policy.ErrNoOfficeHours},
		{"outside office hours, only a zone", policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: seoul}}, policy.ErrNoOfficeHours},
		{"always, no office hours", policy.Gate{Mode: policy.GateAlways}, nil},
		{"off", policy.Gate{}, nil},
		// Office hours other modes ignore must still make sense.
		{"always, office hours without a zone", policy.Gate{Mode: policy.GateAlways, OfficeHours: policy.Schedule{Hours: office}}, policy.ErrNoZone},
	}
	for _, tt := range tests {
		err := tt.gate.Validate()
		if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: Validate() = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	office := []policy.Hours{{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}}
	for _, s := range []policy.Schedule{{}, {Zone: seoul}, {Zone: seoul, Hours: office}, {Zone: policy.ZoneOf(time.UTC), Hours: office}} {
		if err := s.Validate(); err != nil {
			t.Errorf("Schedule{%q, %v}.Validate() = %v", s.Zone, s.Hours, err)
		}
	}
	if err := (policy.Schedule{Hours: office}).Validate(); !errors.Is(err, policy.ErrNoZone) {
		t.Errorf("hours without a zone: Validate() = %v, want ErrNoZone", err)
	}
	var s policy.Schedule
	if err := json.Unmarshal([]byte(`{"hours":["mon-fri 09:00-18:00"]}`), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(); !errors.Is(err, policy.ErrNoZone) {
		t.Errorf("decoded hours without a zone: Validate() = %v, want ErrNoZone", err)
	}
}

// Validate reports every problem of a value, not just its first, and names
// the range or entry of each: an admin fixes them all in one pass.
func TestValidateReportsEveryProblem(t *testing.T) {
	good := policy.Hours{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}
	bad := policy.Hours{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(9, 0)}
	tests := []struct {
		name string
		err  error
		want []string // in the error's text, one per problem
	}{
		{"schedule", policy.Schedule{Hours: []policy.Hours{good, bad, good, bad}}.Validate(),
			[]string{"hours[1]", "hours[3]", policy.ErrNoZone.Error()}},
		{"quiet hours", policy.QuietHours{Hours: []policy.Hours{bad, good, bad}}.Validate(),
			[]string{"hours[0]", "hours[2]"}},
		{"gate", policy.Gate{Mode: 9, OfficeHours: policy.Schedule{Hours: []policy.Hours{bad}}}.Validate(),
			[]string{policy.ErrBadGateMode.Error(), "hours[0]", policy.ErrNoZone.Error()}},
		{"caps", policy.Caps{PerRecipient: policy.Cap{Max: 1}, PerWorkspace: policy.Cap{Max: 1}}.Validate(),
			[]string{"perRecipient", "perWorkspace"}},
		{"geofence", policy.Geofence{Allow: []string{"J", "KR", "ZZ"}}.Validate(),
			[]string{"allow[0]", "allow[2]"}},
	}
	for _, tt := range tests {
		joined, ok := tt.err.(interface{ Unwrap() []error })
		if !ok {
			t.Errorf("%s: %v does not list its problems", tt.name, tt.err)
			continue
		}
		if n := len(joined.Unwrap()); n != len(tt.want) {
			t.Errorf("%s: %d problems, want %d: %v", tt.name, n, len(tt.want), tt.err)
		}
		for _, w := range tt.want {
			if !strings.Contains(tt.err.Error(), w) {
				t.Errorf("%s: %q does not name %q", tt.name, tt.err, w)
			}
		}
	}
}

// A mode that is none of the constants (settings built in code, or decoded
// by something other than UnmarshalText) fails closed: contact is required,
// as under GateAlways, rather than letting every chat through.
func TestGateUnknownModeFailsClosed(t *testing.T) {
	for _, m := range []policy.GateMode{3, 7, 255} {
		g := policy.Gate{Mode: m, OfficeHours: officeGate.OfficeHours}
		for _, opened := range []time.Time{seoulTime("2026-11-23 12:00"), seoulTime("2026-11-23 22:00")} {
			if !g.Required(opened) {
				t.Errorf("%v: Required(%v) = false", m, opened)
			}
			if got := g.Admit(opened, false); got != policy.AwaitContact {
				t.Errorf("%v: Admit(%v, false) = %v, want awaitContact", m, opened, got)
			}
			if got := g.Leave(opened, false); got != policy.Discard {
				t.Errorf("%v: Leave(%v, false) = %v, want discard", m, opened, got)
			}
			if got := g.Admit(opened, true); got != policy.Open {
				t.Errorf("%v: Admit(%v, true) = %v, want open", m, opened, got)
			}
		}
		if err := g.Validate(); !errors.Is(err, policy.ErrBadGateMode) {
			t.Errorf("%v: Validate() = %v, want ErrBadGateMode", m, err)
		}
	}
}
