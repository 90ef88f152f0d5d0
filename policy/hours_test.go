package policy_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

func TestParseHours(t *testing.T) {
	tests := []struct {
		in     string
		want   policy.Hours
		String string
	}{
		{"mon-fri 09:00-18:00", policy.Hours{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}, "mon-fri 09:00-18:00"},
		{"MON-Fri 09:00-18:00", policy.Hours{Days: policy.Weekdays, Start: 540, End: 1080}, "mon-fri 09:00-18:00"},
		{"sat,sun 10:00-14:30", policy.Hours{Days: policy.DaysOf(time.Saturday, time.Sunday), Start: 600, End: 870}, "sat,sun 10:00-14:30"},
		{"fri-mon 00:00-24:00", policy.Hours{Days: policy.DaysOf(time.Friday, time.Saturday, time.Sunday, time.Monday), Start: 0, End: 1440}, "mon,fri-sun 00:00-24:00"},
		{"mon-sun 21:00-08:00", policy.Hours{Days: policy.EveryDay, Start: 1260, End: 480}, "mon-sun 21:00-08:00"},
		{"mon,wed,fri 12:00-13:00", policy.Hours{Days: policy.DaysOf(time.Monday, time.Wednesday, time.Friday), Start: 720, End: 780}, "mon,wed,fri 12:00-13:00"},
		{"  tue 08:00-09:00  ", policy.Hours{Days: policy.DaysOf(time.Tuesday), Start: 480, End: 540}, "tue 08:00-09:00"},
	}
	for _, tt := range tests {
		got, err := policy.ParseHours(tt.in)
		if err != nil {
			t.Errorf("ParseHours(%q): %v", tt.in, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("ParseHours(%q) (-want +got)\n%s", tt.in, diff)
		}
		if s := got.String(); s != tt.String {
			t.Errorf("ParseHours(%q).String() = %q, want %q", tt.in, s, tt.String)
		}
	}
	for _, bad := range []string{"", "mon", "mon 09:00", "mon 9:00-18:00", "mon 09:00-25:00", "mon 24:00-09:00", "mon 09:00-09:00",
		"mon 09:60-10:00", "funday 09:00-10:00", "mon- 09:00-10:00", "mon 09:00-18:00-19:00", "mon 0x:00-10:00"} {
		if _, err := policy.ParseHours(bad); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("ParseHours(%q) err = %v, want ErrBadHours", bad, err)
		}
	}
}

func TestScheduleNextOutside(t *testing.T) {
	quiet := policy.Schedule{Zone: seoul, Hours: []policy.Hours{{Days: policy.EveryDay, Start: policy.At(21, 0), End: policy.At(8, 0)}}}
	tests := []struct {
		name   string
		s      policy.Schedule
		at     time.Time
		want   time.Time
		wantOK bool
	}{
		{"outside: now", quiet, seoulTime("2026-11-23 12:00"), seoulTime("2026-11-23 12:00"), true},
		{"evening: next morning", quiet, seoulTime("2026-11-23 22:30"), seoulTime("2026-11-24 08:00"), true},
		{"after midnight: same morning", quiet, seoulTime("2026-11-24 03:00"), seoulTime("2026-11-24 08:00"), true},
		{"21:00 sharp is inside", quiet, seoulTime("2026-11-23 21:00"), seoulTime("2026-11-24 08:00"), true},
		{"08:00 sharp is outside", quiet, seoulTime("2026-11-24 08:00"), seoulTime("2026-11-24 08:00"), true},
		{"touching ranges join", policy.Schedule{Zone: seoul, Hours: []policy.Hours{
			{Days: policy.EveryDay, Start: policy.At(21, 0), End: policy.At(24, 0)},
			{Days: policy.EveryDay, Start: policy.At(0, 0), End: policy.At(7, 0)},
		}}, seoulTime("2026-11-23 22:00"), seoulTime("2026-11-24 07:00"), true},
		{"weekend then monday morning", policy.Schedule{Zone: seoul, Hours: []policy.Hours{
			{Days: policy.DaysOf(time.Saturday, time.Sunday), Start: 0, End: policy.MinutesPerDay},
			{Days: policy.Weekdays, Start: 0, End: policy.At(9, 0)},
		}}, seoulTime("2026-11-28 10:00"), seoulTime("2026-11-30 09:00"), true},
		// 02:30 does not exist in New York on 2026-03-08: the clocks jump from
		// 02:00 EST to 03:00 EDT, which is when the range ends.
		{"range ends inside a daylight-saving gap", policy.Schedule{Zone: newYork, Hours: []policy.Hours{
			{Days: policy.EveryDay, Start: policy.At(23, 0), End: policy.At(2, 30)},
		}}, time.Date(2026, 3, 7, 23, 30, 0, 0, newYork.Location()), time.Date(2026, 3, 8, 3, 0, 0, 0, newYork.Location()), true},
		{"the whole week has no way out", policy.Schedule{Hours: []policy.Hours{{Days: policy.EveryDay, Start: 0, End: policy.MinutesPerDay}}},
			seoulTime("2026-11-23 10:00"), time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tt.s.NextOutside(tt.at)
			if ok != tt.wantOK || !got.Equal(tt.want) {
				t.Errorf("NextOutside(%v) = %v, %v; want %v, %v", tt.at, got, ok, tt.want, tt.wantOK)
			}
			if ok && tt.s.Contains(got) {
				t.Errorf("NextOutside returned %v, which the schedule contains", got)
			}
		})
	}
}

func TestZone(t *testing.T) {
	var z policy.Zone
	if z.Location() != time.UTC || z.String() != "UTC" || !z.IsZero() {
		t.Errorf("zero Zone = %v", z)
	}
	if _, err := policy.LoadZone("Not/AZone"); err == nil {
		t.Error("LoadZone(Not/AZone) succeeded")
	}
	if err := z.UnmarshalText(make([]byte, 65)); err == nil {
		t.Error("UnmarshalText accepted a 65-byte name")
	}
	if got := policy.ZoneOf(time.UTC); !got.IsZero() {
		t.Error("ZoneOf(UTC) is not the zero Zone")
	}
}

func FuzzParseHours(f *testing.F) {
	for _, s := range []string{"mon-fri 09:00-18:00", "sat,sun 21:00-08:00", "fri-mon 00:00-24:00", "mon 24:00-01:00", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := policy.ParseHours(s)
		if err != nil {
			return
		}
		if err := h.Validate(); err != nil {
			t.Fatalf("ParseHours(%q) returned invalid %+v", s, h)
		}
		again, err := policy.ParseHours(h.String())
		if err != nil || again != h {
			t.Fatalf("ParseHours(%q) = %+v; its String %q parses to %+v, %v", s, h, h.String(), again, err)
		}
	})
}

// A time.Weekday outside Sunday to Saturday is no day at all: DaysOf leaves
// it out and Has reports false, without panicking on a negative shift.
func TestDaysOutOfRange(t *testing.T) {
	for _, w := range []time.Weekday{-1, -7, -8, 7, 8, 13, 100} {
		if d := policy.DaysOf(w); d != 0 {
			t.Errorf("DaysOf(%d) = %v (%08b), want the empty set", w, d, uint8(d))
		}
		if policy.EveryDay.Has(w) {
			t.Errorf("EveryDay.Has(%d) = true", w)
		}
	}
	if got, want := policy.DaysOf(-1, time.Monday, 9), policy.DaysOf(time.Monday); got != want {
		t.Errorf("DaysOf(-1, Monday, 9) = %v, want %v", got, want)
	}
}
