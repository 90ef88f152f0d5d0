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
		{"mon-fri 09:00-18:00" + strings.Repeat(" ", 109), policy.Hours{Days: policy.Weekdays, Start: 540, End: 1080}, "mon-fri 09:00-18:00"}, // 128 bytes
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
		"mon 09:60-10:00", "funday 09:00-10:00", "mon- 09:00-10:00", "mon 09:00-18:00-19:00", "mon 0x:00-10:00",
		"mon-fri 09:00-18:00" + strings.Repeat(" ", 110),
		"ſun 09:00-10:00", "mon-ſat 09:00-10:00"} { // a long s is no s
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
		{"outside, asked in UTC: now, in Seoul", quiet, seoulTime("2026-11-23 12:00").UTC(), seoulTime("2026-11-23 12:00"), true},
		{"inside, asked in UTC: the end, in Seoul", quiet, seoulTime("2026-11-23 22:30").UTC(), seoulTime("2026-11-24 08:00"), true},
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
		// Validate refuses a range that starts where it ends; used anyway, it
		// runs past midnight as any range whose end is not after its start
		// does, for a whole day.
		{"an unvalidated range that ends where it starts lasts a day", policy.Schedule{Zone: seoul, Hours: []policy.Hours{
			{Days: policy.DaysOf(time.Monday), Start: policy.At(10, 0), End: policy.At(10, 0)},
		}}, seoulTime("2026-11-23 12:00"), seoulTime("2026-11-24 10:00"), true},
		// Before 1970 the local minutes and days count down from zero.
		{"before 1970, ranges that touch or overlap join", policy.Schedule{Zone: policy.ZoneOf(time.UTC), Hours: []policy.Hours{
			{Days: policy.EveryDay, Start: policy.At(21, 0), End: policy.At(24, 0)},
			{Days: policy.EveryDay, Start: policy.At(0, 0), End: policy.At(3, 0)},
			{Days: policy.EveryDay, Start: policy.At(2, 0), End: policy.At(8, 0)},
		}}, time.Date(1969, 12, 30, 22, 0, 0, 0, time.UTC), time.Date(1969, 12, 31, 8, 0, 0, 0, time.UTC), true},
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
			if ok && got.Location() != tt.s.Zone.Location() {
				t.Errorf("NextOutside returned %v, not in the schedule's zone %v", got, tt.s.Zone)
			}
		})
	}
}

func TestZone(t *testing.T) {
	// The zero Zone is "not set": read as UTC, but neither named nor stored.
	var z policy.Zone
	if z.Location() != time.UTC || z.String() != "" || !z.IsZero() {
		t.Errorf("zero Zone: Location %v, String %q, IsZero %v; want UTC, \"\", true", z.Location(), z.String(), z.IsZero())
	}
	if b, err := z.MarshalText(); err != nil || len(b) != 0 {
		t.Errorf("zero Zone MarshalText = %q, %v; want \"\"", b, err)
	}
	for name, got := range map[string]policy.Zone{"ZoneOf(nil)": policy.ZoneOf(nil), `LoadZone("")`: mustZone("")} {
		if !got.IsZero() {
			t.Errorf("%s = %v, want the zero Zone", name, got)
		}
	}

	// UTC chosen on purpose is a zone like any other: not zero, named, stored.
	for name, got := range map[string]policy.Zone{"ZoneOf(time.UTC)": policy.ZoneOf(time.UTC), `LoadZone("UTC")`: mustZone("UTC")} {
		if got.IsZero() || got.String() != "UTC" || got.Location() != time.UTC {
			t.Errorf("%s: IsZero %v, String %q, Location %v; want false, UTC, UTC", name, got.IsZero(), got.String(), got.Location())
		}
		if b, err := got.MarshalText(); err != nil || string(b) != "UTC" {
			t.Errorf("%s MarshalText = %q, %v; want UTC", name, b, err)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("%s Validate = %v", name, err)
		}
	}
	utcHours := policy.Schedule{Zone: policy.ZoneOf(time.UTC), Hours: []policy.Hours{{Days: policy.Weekdays, Start: policy.At(9, 0), End: policy.At(18, 0)}}}
	b, err := json.Marshal(utcHours)
	if want := `{"zone":"UTC","hours":["mon-fri 09:00-18:00"]}`; err != nil || string(b) != want {
		t.Errorf("Marshal(UTC schedule) = %s, %v; want %s", b, err, want)
	}
	var back policy.Schedule
	if err := json.Unmarshal(b, &back); err != nil || back.Zone.IsZero() || back.Zone.String() != "UTC" {
		t.Errorf("Unmarshal(%s) = zone %q (zero %v), %v; want UTC", b, back.Zone, back.Zone.IsZero(), err)
	}
	if b, err := json.Marshal(policy.Schedule{}); err != nil || string(b) != `{}` {
		t.Errorf("Marshal(zero Schedule) = %s, %v; want {}", b, err)
	}

	for _, bad := range []string{"Not/AZone", "../../etc/passwd", string(make([]byte, 65)), "+821012345678"} {
		_, err := policy.LoadZone(bad)
		if !errors.Is(err, policy.ErrBadZone) {
			t.Errorf("LoadZone(%.20q) = %v, want ErrBadZone", bad, err)
		}
		// A customer's zone comes from their browser: the error never
		// repeats it.
		if bad != "" && err != nil && strings.Contains(err.Error(), bad) {
			t.Errorf("LoadZone error %q repeats the name", err)
		}
		if err := new(policy.Zone).UnmarshalText([]byte(bad)); !errors.Is(err, policy.ErrBadZone) {
			t.Errorf("UnmarshalText(%.20q) = %v, want ErrBadZone", bad, err)
		}
	}
}

// "Local" is whatever zone the server runs in, so settings that stored it
// would mean different hours on different servers: it is refused by name,
// and a Zone of time.Local works in process but is neither valid nor stored.
func TestZoneLocal(t *testing.T) {
	if _, err := policy.LoadZone("Local"); !errors.Is(err, policy.ErrBadZone) {
		t.Errorf(`LoadZone("Local") = %v, want ErrBadZone`, err)
	}
	var z policy.Zone
	if err := z.UnmarshalText([]byte("Local")); !errors.Is(err, policy.ErrBadZone) || !z.IsZero() {
		t.Errorf(`UnmarshalText("Local") = %v, zone %q; want ErrBadZone and the zone unchanged`, err, z)
	}
	var s policy.Schedule
	if err := json.Unmarshal([]byte(`{"zone":"Local","hours":["mon-fri 09:00-18:00"]}`), &s); !errors.Is(err, policy.ErrBadZone) {
		t.Errorf(`Unmarshal of a "Local" schedule = %v, want ErrBadZone`, err)
	}

	local := policy.ZoneOf(time.Local)
	if local.IsZero() || local.Location() != time.Local {
		t.Errorf("ZoneOf(time.Local): IsZero %v, Location %v; want false, Local", local.IsZero(), local.Location())
	}
	if err := local.Validate(); !errors.Is(err, policy.ErrBadZone) {
		t.Errorf("ZoneOf(time.Local).Validate() = %v, want ErrBadZone", err)
	}
	if b, err := local.MarshalText(); !errors.Is(err, policy.ErrBadZone) {
		t.Errorf("ZoneOf(time.Local).MarshalText() = %q, %v; want ErrBadZone", b, err)
	}
	if b, err := json.Marshal(policy.Schedule{Zone: local, Hours: []policy.Hours{policy.KoreanNight()}}); err == nil {
		t.Errorf("Marshal of a schedule in time.Local = %s, want an error", b)
	}
}

// Other names the time zone database may load are refused as "Local" is:
// "localtime" links to each server's own zone on many systems, and the
// "right/" zones count leap seconds, which Go does not; a name that is a
// file path could reach either. They are refused before the database is
// read, so the test holds on any system.
func TestZoneServerNames(t *testing.T) {
	for _, name := range []string{"localtime", "LocalTime", "right/Asia/Seoul", "RIGHT/UTC",
		// File paths the system would resolve to the same files.
		"./localtime", "./right/Asia/Seoul", "Asia/./Seoul", "Asia//Seoul", "/Asia/Seoul", "Asia/Seoul/",
		"Asia\\Seoul", "posix/localtime", "posix/right/UTC"} {
		if z, err := policy.LoadZone(name); !errors.Is(err, policy.ErrBadZone) {
			t.Errorf("LoadZone(%q) = %q, %v; want ErrBadZone", name, z, err)
		}
		if err := policy.ZoneOf(time.FixedZone(name, 0)).Validate(); !errors.Is(err, policy.ErrBadZone) {
			t.Errorf("a zone named %q: Validate() = %v, want ErrBadZone", name, err)
		}
	}
	for _, name := range []string{"Asia/Seoul", "UTC", "America/New_York"} {
		if _, err := policy.LoadZone(name); err != nil {
			t.Errorf("LoadZone(%q) = %v", name, err)
		}
	}
}

// A zone name of up to 64 bytes is looked up; a longer one is refused
// unread. Either way the error gives the length, not the name.
func TestZoneNameLength(t *testing.T) {
	for _, tt := range []struct {
		name string
		want string
	}{
		{"Asia/" + strings.Repeat("x", 59), "policy: bad time zone: unknown name (64 bytes)"},
		{"Asia/" + strings.Repeat("x", 60), "policy: bad time zone: name too long (65 bytes)"},
	} {
		_, err := policy.LoadZone(tt.name)
		if err == nil {
			t.Fatalf("LoadZone of %d bytes succeeded", len(tt.name))
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("LoadZone of %d bytes (-want +got)\n%s", len(tt.name), diff)
		}
		err = new(policy.Zone).UnmarshalText([]byte(tt.name))
		if err == nil {
			t.Fatalf("UnmarshalText of %d bytes succeeded", len(tt.name))
		}
		if diff := cmp.Diff(tt.want, err.Error()); diff != "" {
			t.Errorf("UnmarshalText of %d bytes (-want +got)\n%s", len(tt.name), diff)
		}
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

func TestDaysValid(t *testing.T) {
	for _, d := range []policy.Days{0, policy.Weekdays, policy.EveryDay, policy.DaysOf(time.Sunday)} {
		if !d.Valid() {
			t.Errorf("Days(%08b).Valid() = false", uint8(d))
		}
	}
	for _, d := range []policy.Days{policy.EveryDay + 1, 1 << 7, 255} {
		if d.Valid() {
			t.Errorf("Days(%08b).Valid() = true", uint8(d))
		}
		if err := (policy.Hours{Days: d, Start: policy.At(9, 0), End: policy.At(18, 0)}).Validate(); err == nil {
			t.Errorf("Hours with Days(%08b) is valid", uint8(d))
		}
	}
}

// An hour or minute beyond ±2³⁰ makes an invalid Clock whatever the other,
// even when h*60+m would wrap or cancel back into the day.
func TestAtBeyondBound(t *testing.T) {
	for _, c := range []struct{ h, m int }{
		{1 << 62, 0},
		{-(1 << 62), 0},
		{-(1 << 25), (1<<25)*60 + 5},
		{1 << 25, -(1<<25)*60 + 5},
	} {
		if got := policy.At(c.h, c.m); got.Valid() {
			t.Errorf("At(%d, %d) = %v, want an invalid Clock", c.h, c.m, got)
		}
	}
}

// An hour or minute with a character other than a digit is refused, not
// read by its distance from '0' (':' would be ten).
func TestParseHoursNonDigit(t *testing.T) {
	for _, s := range []string{"mon 0::00-11:00", "mon 1;:00-13:00", "mon 09:4:-10:00", "mon 09:00-10:0;", "mon 09:0?-10:00"} {
		if h, err := policy.ParseHours(s); !errors.Is(err, policy.ErrBadHours) {
			t.Errorf("ParseHours(%q) = %v, %v; want ErrBadHours", s, h, err)
		}
	}
}
