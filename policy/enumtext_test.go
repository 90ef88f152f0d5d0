package policy_test

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/internal/enumtext"
	"github.com/followup-go/followup/policy"
)

// Every enumeration of the package follows the module's text rule; see
// ErrUnknownName. The zero Admission and Outcome mean "not decided" and
// marshal as ""; the zero GateMode is GateOff, "off".
func TestEnumTextRule(t *testing.T) {
	t.Run("GateMode", func(t *testing.T) {
		enumtext.Names[policy.GateMode](t, policy.ErrBadGateMode, "off", "always", "outsideOfficeHours")
		enumtext.Names[policy.GateMode](t, policy.ErrUnknownName, "off", "always", "outsideOfficeHours")
	})
	t.Run("Admission", func(t *testing.T) {
		enumtext.Names[policy.Admission](t, policy.ErrUnknownName, "", "open", "awaitContact")
	})
	t.Run("Outcome", func(t *testing.T) {
		enumtext.Names[policy.Outcome](t, policy.ErrUnknownName, "", "keep", "discard")
	})
	t.Run("Days", func(t *testing.T) {
		got := enumtext.Values[policy.Days](t, 256, policy.ErrBadHours)
		enumtext.BadTexts[policy.Days](t, policy.ErrBadHours, true, got...)
		if len(got) != 128 || got[0] != "" || got[policy.Weekdays] != "mon-fri" || got[policy.EveryDay] != "mon-sun" {
			t.Errorf("%d sets of days marshal (want 128), the empty one as %q, Weekdays as %q, EveryDay as %q",
				len(got), got[0], got[policy.Weekdays], got[policy.EveryDay])
		}
	})
	t.Run("Clock", func(t *testing.T) {
		got := enumtext.Values[policy.Clock](t, math.MaxUint16+1, policy.ErrBadHours)
		enumtext.BadTexts[policy.Clock](t, policy.ErrBadHours, false, got...)
		if len(got) != 1441 || got[0] != "00:00" || got[policy.At(9, 5)] != "09:05" || got[1440] != "24:00" {
			t.Errorf("%d clocks marshal (want 00:00 to 24:00, 1441)", len(got))
		}
	})
}

// GateMode read only its exact names: "Always" was refused, while every
// other enumeration of the module reads any case.
func TestGateModeAnyCase(t *testing.T) {
	var g policy.Gate
	if err := json.Unmarshal([]byte(`{"mode":"OutsideOfficeHours"}`), &g); err != nil || g.Mode != policy.GateOutsideOfficeHours {
		t.Errorf(`{"mode":"OutsideOfficeHours"} = %v, %v`, g.Mode, err)
	}
	var m policy.GateMode
	err := m.UnmarshalText([]byte("sometimes"))
	if !errors.Is(err, policy.ErrBadGateMode) || !errors.Is(err, policy.ErrUnknownName) || strings.Contains(err.Error(), "sometimes") {
		t.Errorf(`UnmarshalText("sometimes") = %v; want ErrBadGateMode and ErrUnknownName, without the text`, err)
	}
}

// Admission and Outcome are names in JSON, not numbers.
func TestAdmissionOutcomeJSON(t *testing.T) {
	type answer struct {
		Admission policy.Admission
		Outcome   policy.Outcome
	}
	in := answer{policy.AwaitContact, policy.Discard}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `{"Admission":"awaitContact","Outcome":"discard"}` {
		t.Fatalf("json.Marshal = %s, %v", b, err)
	}
	var back answer
	if err := json.Unmarshal(b, &back); err != nil || back != in {
		t.Errorf("read back as %+v, %v", back, err)
	}
}

// Clock's doc said it marshals as "HH:MM"; it marshalled as a number of
// minutes, and "09:00" did not unmarshal.
func TestClockJSON(t *testing.T) {
	b, err := json.Marshal([]policy.Clock{policy.At(9, 0), 0, policy.MinutesPerDay})
	if err != nil || string(b) != `["09:00","00:00","24:00"]` {
		t.Errorf("json.Marshal = %s, %v", b, err)
	}
	var c []policy.Clock
	if err := json.Unmarshal([]byte(`["09:00","23:59"]`), &c); err != nil || !cmp.Equal(c, []policy.Clock{policy.At(9, 0), policy.At(23, 59)}) {
		t.Errorf(`["09:00","23:59"] = %v, %v`, c, err)
	}
	for _, bad := range []string{`""`, `"9:00"`, `"24:01"`, `"12:60"`, `540`} {
		var c policy.Clock
		if err := json.Unmarshal([]byte(bad), &c); err == nil {
			t.Errorf("%s read as %v", bad, c)
		}
	}
	if _, err := json.Marshal(policy.At(25, 0)); !errors.Is(err, policy.ErrBadHours) {
		t.Errorf("At(25, 0) marshals: %v", err)
	}
}

// At normalizes minutes as time.Date does, and a time outside the day is
// an invalid Clock, never one wrapped into the day: At(1093, 0) was 00:44
// and At(-1, 0) 1091:16.
func TestAt(t *testing.T) {
	tests := []struct {
		h, m  int
		want  string // for a valid Clock
		valid bool
	}{
		{9, 0, "09:00", true},
		{9, 90, "10:30", true},
		{10, -30, "09:30", true},
		{0, 0, "00:00", true},
		{24, 0, "24:00", true},
		{0, 1440, "24:00", true},
		{24, 1, "", false},
		{25, 0, "", false},
		{-1, 0, "", false},
		{0, -1, "", false},
		{1093, 0, "", false},
		// Minutes carry up to ±2³⁰, the most At takes.
		{-17895697, 1 << 30, "00:04", true},
		{17895698, -(1 << 30), "00:56", true},
		{math.MaxInt, 0, "", false},
		{math.MinInt, math.MaxInt, "", false},
	}
	for _, tt := range tests {
		c := policy.At(tt.h, tt.m)
		if c.Valid() != tt.valid || tt.valid && c.String() != tt.want {
			t.Errorf("At(%d, %d) = %v, valid %v; want %s, %v", tt.h, tt.m, c, c.Valid(), tt.want, tt.valid)
		}
	}
}

// A range with a clock time outside the day does not validate, however it
// was made, and neither does the schedule or the gate that holds it.
func TestBadClocksDoNotValidate(t *testing.T) {
	seoul, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []policy.Hours{
		{Days: policy.Weekdays, Start: policy.At(25, 0), End: policy.At(18, 0)},
		{Days: policy.Weekdays, Start: policy.At(-1, 0), End: policy.At(18, 0)},
		{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(1093, 0)},
		{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.Clock(1441)},
	} {
		if err := h.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("%v: Validate() = %v, want ErrBadHours", h, err)
		}
		s := policy.Schedule{Zone: seoul, Hours: []policy.Hours{h}}
		if err := s.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("schedule of %v: Validate() = %v, want ErrBadHours", h, err)
		}
		g := policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: s}
		if err := g.Validate(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("gate with %v: Validate() = %v, want ErrBadHours", h, err)
		}
		if _, err := h.MarshalText(); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("%v marshals: %v", h, err)
		}
	}
}

// The text rule for every enumeration of the package, Days and Clock: a
// value either marshals and reads back as itself or is refused; a text
// either reads as a value that marshals as it (up to case) or is refused
// with a sentinel, saying nothing of the text.
func FuzzEnumText(f *testing.F) {
	for i, s := range []string{"", "off", "Always", "OUTSIDEOFFICEHOURS", "open", "awaitContact", "keep",
		"Discard", "mon-fri", "SAT,sun", "fri-mon", "09:00", "24:00", "24:01", "nope", "010-1234-5678"} {
		f.Add(s, uint16(i*4099))
	}
	f.Fuzz(func(t *testing.T, s string, n uint16) {
		enumtext.Text[policy.GateMode](t, s, policy.ErrBadGateMode)
		enumtext.Text[policy.Admission](t, s, policy.ErrUnknownName)
		enumtext.Text[policy.Outcome](t, s, policy.ErrUnknownName)
		enumtext.SetText[policy.Days](t, s, policy.ErrBadHours)
		enumtext.Text[policy.Clock](t, s, policy.ErrBadHours)
		enumtext.Value[policy.GateMode](t, policy.GateMode(n), policy.ErrBadGateMode)
		enumtext.Value[policy.Admission](t, policy.Admission(n), policy.ErrUnknownName)
		enumtext.Value[policy.Outcome](t, policy.Outcome(n), policy.ErrUnknownName)
		enumtext.Value[policy.Days](t, policy.Days(n), policy.ErrBadHours)
		enumtext.Value[policy.Clock](t, policy.Clock(n), policy.ErrBadHours)
	})
}
