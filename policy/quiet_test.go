package policy_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

func mustLocation(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func localTime(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func mustHours(t *testing.T, s string) policy.Hours {
	t.Helper()
	h, err := policy.ParseHours(s)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestQuietHoursDefer(t *testing.T) {
	seoulLoc := mustLocation(t, "Asia/Seoul")
	ny := mustLocation(t, "America/New_York")
	night := policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	weekend := policy.QuietHours{Hours: []policy.Hours{mustHours(t, "sat,sun 00:00-24:00"), policy.KoreanNight()}}
	tests := []struct {
		name     string
		q        policy.QuietHours
		loc      *time.Location
		now      string // in loc
		until    string // in loc; "" = now
		deferred bool
	}{
		{"zero value: never", policy.QuietHours{}, seoulLoc, "2026-11-24 23:00", "", false},
		{"afternoon", night, seoulLoc, "2026-11-24 15:00", "", false},
		{"20:59 is before the night", night, seoulLoc, "2026-11-24 20:59", "", false},
		{"21:00 sharp is night", night, seoulLoc, "2026-11-24 21:00", "2026-11-25 08:00", true},
		{"late evening", night, seoulLoc, "2026-11-24 23:30", "2026-11-25 08:00", true},
		{"after midnight", night, seoulLoc, "2026-11-25 03:00", "2026-11-25 08:00", true},
		{"07:59 is still night", night, seoulLoc, "2026-11-25 07:59", "2026-11-25 08:00", true},
		{"08:00 sharp is morning", night, seoulLoc, "2026-11-25 08:00", "", false},
		{"friday night to monday morning", weekend, seoulLoc, "2026-11-27 22:00", "2026-11-30 08:00", true},
		{"nil location is UTC", night, nil, "2026-11-24 22:00", "2026-11-25 08:00", true},
		// America/New_York springs forward on 2026-03-08 at 02:00 (EST to
		// EDT) and falls back on 2026-11-01 at 02:00 (EDT to EST); the night
		// still ends at 08:00 on the local clock.
		{"new york: spring forward night", night, ny, "2026-03-07 22:00", "2026-03-08 08:00", true},
		{"new york: fall back night", night, ny, "2026-10-31 22:00", "2026-11-01 08:00", true},
		{"new york: after the fall-back hour", night, ny, "2026-11-01 01:30", "2026-11-01 08:00", true},
		{"new york: morning after spring forward", night, ny, "2026-03-08 08:00", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc := tt.loc
			if loc == nil {
				loc = time.UTC
			}
			now := localTime(t, loc, tt.now)
			want := now
			if tt.until != "" {
				want = localTime(t, loc, tt.until)
			}
			until, deferred := tt.q.Defer(now, tt.loc)
			if deferred != tt.deferred || !until.Equal(want) {
				t.Errorf("Defer(%v) = %v, %v; want %v, %v", now, until, deferred, want, tt.deferred)
			}
		})
	}
}

// The wall-clock wait across a daylight-saving change differs from the
// local-clock one: the night that loses an hour is an hour shorter.
func TestQuietHoursDeferDSTDuration(t *testing.T) {
	ny := mustLocation(t, "America/New_York")
	night := policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	tests := []struct {
		now  string
		wait time.Duration
	}{
		{"2026-03-07 22:00", 9 * time.Hour},  // spring forward: 10h on the clock, 9h elapsed
		{"2026-10-31 22:00", 11 * time.Hour}, // fall back: 10h on the clock, 11h elapsed
		{"2026-06-10 22:00", 10 * time.Hour},
	}
	for _, tt := range tests {
		now := localTime(t, ny, tt.now)
		until, _ := night.Defer(now, ny)
		if got := until.Sub(now); got != tt.wait {
			t.Errorf("Defer(%s) waits %v, want %v", tt.now, got, tt.wait)
		}
	}
}

func TestQuietHoursAllWeek(t *testing.T) {
	all := []policy.QuietHours{
		{Hours: []policy.Hours{{Days: policy.EveryDay, Start: 0, End: policy.MinutesPerDay}}},
		{Hours: []policy.Hours{mustHours(t, "mon-sun 12:00-24:00"), mustHours(t, "mon-sun 00:00-12:00")}},
		{Hours: []policy.Hours{mustHours(t, "mon-sun 08:00-21:00"), policy.KoreanNight()}},
	}
	for _, q := range all {
		if err := q.Validate(); !errors.Is(err, policy.ErrQuietAllWeek) {
			t.Errorf("Validate(%v) = %v, want ErrQuietAllWeek", q.Hours, err)
		}
		now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
		until, deferred := q.Defer(now, time.UTC)
		if !deferred || !until.Equal(now.Add(7*24*time.Hour)) {
			t.Errorf("Defer with %v = %v, %v; want a week later", q.Hours, until, deferred)
		}
	}
	almost := policy.QuietHours{Hours: []policy.Hours{mustHours(t, "mon-sun 08:01-21:00"), policy.KoreanNight()}}
	// The week's last minute, Saturday 23:59, is the only one left to send.
	lastMinute := policy.QuietHours{Hours: []policy.Hours{mustHours(t, "sun-fri 00:00-24:00"), mustHours(t, "sat 00:00-23:59")}}
	for _, q := range []policy.QuietHours{{}, {Hours: []policy.Hours{policy.KoreanNight()}}, almost, lastMinute} {
		if err := q.Validate(); err != nil {
			t.Errorf("Validate(%v) = %v", q.Hours, err)
		}
	}
	if err := (policy.QuietHours{Hours: []policy.Hours{{Days: policy.EveryDay, Start: 60, End: 60}}}).Validate(); !errors.Is(err, policy.ErrBadHours) {
		t.Errorf("Validate of a malformed range = %v, want ErrBadHours", err)
	}
}

// touchingRanges returns n ten-minute ranges every day from midnight, each
// starting where the one before ends: one run, 00:00 to n×10 minutes.
func touchingRanges(n int) []policy.Hours {
	hours := make([]policy.Hours, n)
	for i := range hours {
		hours[i] = policy.Hours{Days: policy.EveryDay, Start: policy.Clock(10 * i), End: policy.Clock(10*i + 10)}
	}
	return hours
}

// Every check of the hours looks at each range against the others, so
// Validate refuses more than MaxHours ranges: hostile settings cannot make
// each text's quiet-hours check take seconds.
func TestHoursCount(t *testing.T) {
	seoul := policy.ZoneOf(mustLocation(t, "Asia/Seoul"))
	for n, want := range map[int]error{0: nil, 1: nil, policy.MaxHours: nil, policy.MaxHours + 1: policy.ErrBadHours, 10000: policy.ErrBadHours} {
		hours := touchingRanges(n)
		if err := (policy.QuietHours{Hours: hours}).Validate(); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("QuietHours with %d ranges: Validate() = %v, want %v", n, err, want)
		}
		if err := (policy.Schedule{Zone: seoul, Hours: hours}).Validate(); !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("Schedule with %d ranges: Validate() = %v, want %v", n, err, want)
		}
	}
	// The run of ranges ends where the last one does.
	q := policy.QuietHours{Hours: touchingRanges(policy.MaxHours)}
	now := time.Date(2026, 11, 24, 0, 5, 0, 0, time.UTC)
	end := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC).Add(10 * policy.MaxHours * time.Minute)
	if until, deferred := q.Defer(now, time.UTC); !deferred || !until.Equal(end) {
		t.Errorf("Defer in a run of %d ranges = %v, %v; want %v", policy.MaxHours, until, deferred, end)
	}
}

func TestQuietHoursJSON(t *testing.T) {
	var q policy.QuietHours
	in := `{"hours":["mon-sun 21:00-08:00"]}`
	if err := json.Unmarshal([]byte(in), &q); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}, q); diff != "" {
		t.Errorf("Unmarshal (-want +got)\n%s", diff)
	}
	if b, err := json.Marshal(q); err != nil || string(b) != in {
		t.Errorf("Marshal = %s, %v; want %s", b, err, in)
	}
	if b, err := json.Marshal(policy.QuietHours{}); err != nil || string(b) != `{}` {
		t.Errorf("Marshal(zero) = %s, %v", b, err)
	}
	if got := policy.KoreanNight().String(); got != "mon-sun 21:00-08:00" {
		t.Errorf("KoreanNight = %q", got)
	}
	// The suggestions are values no caller can change for everyone.
	n, c := policy.KoreanNight(), policy.NoCap()
	n.Start, c.Max = 0, 5
	if policy.KoreanNight().Start != policy.At(21, 0) || policy.NoCap().Max >= 0 {
		t.Errorf("a caller changed KoreanNight or NoCap for everyone: %v, %v", policy.KoreanNight(), policy.NoCap())
	}
}

func BenchmarkQuietHoursDefer(b *testing.B) {
	weekend := policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight(), {Days: policy.DaysOf(time.Saturday, time.Sunday), Start: 0, End: policy.MinutesPerDay}}}
	for _, bc := range []struct {
		name string
		q    policy.QuietHours
		zone string
		now  time.Time // UTC
	}{
		{"outside", weekend, "Asia/Seoul", time.Date(2026, 11, 24, 3, 0, 0, 0, time.UTC)},      // Tue 12:00 KST
		{"night", weekend, "Asia/Seoul", time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)},       // Tue 23:00 KST
		{"weekend", weekend, "Asia/Seoul", time.Date(2026, 11, 27, 14, 0, 0, 0, time.UTC)},     // Fri 23:00 KST
		{"dstNight", weekend, "America/New_York", time.Date(2026, 3, 8, 3, 0, 0, 0, time.UTC)}, // Sat 22:00 EST
		// The most ranges Validate allows, all one run: the worst case.
		{"maxHours", policy.QuietHours{Hours: touchingRanges(policy.MaxHours)}, "UTC", time.Date(2026, 11, 24, 0, 5, 0, 0, time.UTC)},
	} {
		loc, err := time.LoadLocation(bc.zone)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				bc.q.Defer(bc.now, loc)
			}
		})
	}
}
