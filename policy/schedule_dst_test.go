package policy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/followup-go/followup/policy"
)

// dstZones are zones whose clocks change in unusual ways: Seoul not at all;
// New York and London by an hour at 02:00 and 01:00; Lord Howe by half an
// hour; Santiago and Havana at midnight, so that some days have no 00:00
// and others two of 00:xx.
var dstZones = []string{"Asia/Seoul", "America/New_York", "Europe/London", "Australia/Lord_Howe", "America/Santiago", "America/Havana"}

// TestScheduleNextOutsideBruteForce checks NextOutside against its
// definition, "the first instant at or after t that the schedule does not
// contain", found by stepping minute by minute with Contains, for every
// minute (and some instants between minutes) around each daylight-saving
// change of 2026 in dstZones, for schedules whose ranges start, end or lie
// in the hours the clocks skip or repeat.
func TestScheduleNextOutsideBruteForce(t *testing.T) {
	specs := []string{
		"mon-sun 21:00-08:00",
		"mon-sun 00:00-01:30",
		"mon-sun 23:00-01:30",
		"mon-sun 01:30-03:00",
		"mon-sun 22:00-00:30",
		"mon-sun 21:00-24:00",
		"mon-sun 02:00-02:30",
		"mon-sun 23:30-00:30",
		"mon-sun 00:00-00:15",
		"sat 00:00-24:00",
		"sat,sun 00:00-24:00|mon-fri 22:00-07:00",
		"mon-sun 00:00-02:00|mon-sun 02:30-24:00", // out only 02:00-02:30, a time some days lack
		"mon-sun 12:00-24:00|mon-sun 00:00-12:00", // the whole week: no way out
	}
	span := 30 * time.Hour // each side of a change
	if testing.Short() {
		span = 8 * time.Hour
	}
	const lookahead = 8 * 24 * time.Hour // the way out is never further
	for _, name := range dstZones {
		zone := mustZone(name)
		changes := zoneChanges(zone.Location(), 2026)
		if len(changes) == 0 {
			changes = []time.Time{time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)}
		}
		for _, spec := range specs {
			var hours []policy.Hours
			for _, h := range strings.Split(spec, "|") {
				hours = append(hours, mustHours(t, h))
			}
			s := policy.Schedule{Zone: zone, Hours: hours}
			mismatches := 0
			for _, change := range changes {
				from := change.Add(-span).Truncate(time.Minute)
				n := int((2*span + lookahead) / time.Minute)
				// next[i] is the first minute at or after minute i that the
				// schedule does not contain, or -1 if none up to n.
				next := make([]int, n+1)
				next[n] = -1
				for i := n - 1; i >= 0; i-- {
					if s.Contains(from.Add(time.Duration(i) * time.Minute)) {
						next[i] = next[i+1]
					} else {
						next[i] = i
					}
				}
				for i := 0; i < int(2*span/time.Minute); i++ {
					nows := []time.Time{from.Add(time.Duration(i) * time.Minute)}
					if i%7 == 0 {
						nows = append(nows, nows[0].Add(37*time.Second+time.Millisecond))
					}
					for _, now := range nows {
						want, wantOK := now, true
						if s.Contains(now) {
							want, wantOK = time.Time{}, next[i] >= 0
							if wantOK {
								want = from.Add(time.Duration(next[i]) * time.Minute)
							}
						}
						got, ok := s.NextOutside(now)
						if ok != wantOK || !got.Equal(want) {
							if mismatches++; mismatches <= 3 {
								loc := zone.Location()
								t.Errorf("%s %q: NextOutside(%v) = %v, %v; want %v, %v",
									name, spec, now.In(loc), got.In(loc), ok, want.In(loc), wantOK)
							}
						}
					}
				}
			}
			if mismatches > 3 {
				t.Errorf("%s %q: %d mismatches in all", name, spec, mismatches)
			}
		}
	}
}

// zoneChanges returns the instants in the given year at which loc's offset
// from UTC changes.
func zoneChanges(loc *time.Location, year int) []time.Time {
	var out []time.Time
	t := time.Date(year, 1, 1, 0, 0, 0, 0, loc)
	for {
		_, end := t.ZoneBounds()
		if end.IsZero() || end.Year() > year {
			return out
		}
		_, before := t.Zone()
		if _, after := end.Zone(); after != before {
			out = append(out, end)
		}
		t = end
	}
}

// The cases the brute-force test found, written out: each now and want is
// given in UTC so that a local time the clocks pass twice is not ambiguous.
func TestScheduleNextOutsideDST(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, zone, hours string
		now, want         string // UTC
		wait              time.Duration
	}{
		// Santiago, 2026-09-06: 00:00 -04 becomes 01:00 -03; there is no
		// 00:30, and the range ends when the clocks jump.
		{"santiago: end skipped at midnight", "America/Santiago", "mon-sun 22:00-00:30",
			"2026-09-06 03:00", "2026-09-06 04:00", time.Hour}, // 23:00 -04 to 01:00 -03
		{"santiago: 24:00 skipped at midnight", "America/Santiago", "mon-sun 21:00-24:00",
			"2026-09-06 02:00", "2026-09-06 04:00", 2 * time.Hour}, // 22:00 -04 to 01:00 -03
		{"santiago: a saturday with no midnight after it", "America/Santiago", "sat 00:00-24:00",
			"2026-09-05 16:00", "2026-09-06 04:00", 12 * time.Hour},
		// Santiago, 2026-04-05: 00:00 -03 becomes 23:00 -04 on Saturday,
		// before the range that started at 23:30.
		{"santiago: clocks go back out of the range", "America/Santiago", "mon-sun 23:30-00:30",
			"2026-04-05 02:45", "2026-04-05 03:00", 15 * time.Minute}, // 23:45 -03 to 23:00 -04
		// Havana, 2026-03-08: 00:00 CST becomes 01:00 CDT.
		{"havana: end skipped at midnight", "America/Havana", "mon-sun 22:00-00:30",
			"2026-03-08 04:00", "2026-03-08 05:00", time.Hour}, // 23:00 CST to 01:00 CDT
		// Havana, 2026-11-01: 01:00 CDT becomes 00:00 CST; 00:15 comes twice.
		{"havana: end in the repeated hour, second pass", "America/Havana", "mon-sun 00:00-00:15",
			"2026-11-01 05:05", "2026-11-01 05:15", 10 * time.Minute}, // 00:05 CST to 00:15 CST
		// New York, 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:30 comes twice.
		{"new york: end in the repeated hour, first pass", "America/New_York", "mon-sun 00:00-01:30",
			"2026-11-01 05:15", "2026-11-01 05:30", 15 * time.Minute}, // 01:15 EDT to 01:30 EDT
		{"new york: end in the repeated hour, second pass", "America/New_York", "mon-sun 00:00-01:30",
			"2026-11-01 06:15", "2026-11-01 06:30", 15 * time.Minute}, // 01:15 EST to 01:30 EST
		{"new york: overnight end in the repeated hour, second pass", "America/New_York", "mon-sun 23:00-01:30",
			"2026-11-01 06:15", "2026-11-01 06:30", 15 * time.Minute},
		{"new york: clocks go back out of the range", "America/New_York", "mon-sun 01:30-03:00",
			"2026-11-01 05:45", "2026-11-01 06:00", 15 * time.Minute}, // 01:45 EDT to 01:00 EST
		{"new york: then back in it until 03:00", "America/New_York", "mon-sun 01:30-03:00",
			"2026-11-01 06:30", "2026-11-01 08:00", 90 * time.Minute}, // 01:30 EST to 03:00 EST
		// Lord Howe, 2026-10-04: 02:00 +1030 becomes 02:30 +11.
		{"lord howe: end in the skipped half hour", "Australia/Lord_Howe", "mon-sun 23:00-02:15",
			"2026-10-03 15:00", "2026-10-03 15:30", 30 * time.Minute}, // 01:30 +1030 to 02:30 +11
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := policy.Schedule{Zone: mustZone(tt.zone), Hours: []policy.Hours{mustHours(t, tt.hours)}}
			now, want := utc(tt.now), utc(tt.want)
			got, ok := s.NextOutside(now)
			loc := s.Zone.Location()
			if !ok || !got.Equal(want) || got.Sub(now) != tt.wait {
				t.Errorf("NextOutside(%v) = %v, %v (after %v); want %v (after %v)", now.In(loc), got.In(loc), ok, got.Sub(now), want.In(loc), tt.wait)
			}
			q := policy.QuietHours{Hours: s.Hours}
			if until, deferred := q.Defer(now, loc); !deferred || !until.Equal(want) {
				t.Errorf("Defer(%v) = %v, %v; want %v, true", now.In(loc), until.In(loc), deferred, want.In(loc))
			}
		})
	}
}

// FuzzScheduleNextOutside compares NextOutside with the minute-by-minute
// definition for two arbitrary ranges, validated or not, at an arbitrary
// instant of 2026 or 2027 in one of dstZones.
func FuzzScheduleNextOutside(f *testing.F) {
	f.Add(uint8(0x7f), uint16(22*60), uint16(30), uint8(0), uint16(0), uint16(0), uint8(4), uint32(0x25a0_0000))
	f.Add(uint8(0x7f), uint16(0), uint16(90), uint8(0x41), uint16(600), uint16(1440), uint8(1), uint32(0x2b00_0000))
	f.Add(uint8(0x20), uint16(1500), uint16(2000), uint8(0xff), uint16(60), uint16(60), uint8(5), uint32(0x1000_0000))
	f.Fuzz(func(t *testing.T, d1 uint8, s1, e1 uint16, d2 uint8, s2, e2 uint16, zone uint8, at uint32) {
		loc := mustZone(dstZones[int(zone)%len(dstZones)]).Location()
		s := policy.Schedule{Zone: policy.ZoneOf(loc), Hours: []policy.Hours{
			{Days: policy.Days(d1), Start: policy.Clock(s1), End: policy.Clock(e1)},
			{Days: policy.Days(d2), Start: policy.Clock(s2), End: policy.Clock(e2)},
		}}
		// Any instant of 2026 and 2027, to the millisecond.
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(int64(at)%(2*365*24*3600*1000)) * time.Millisecond)
		want, wantOK := now, true
		if s.Contains(now) {
			want, wantOK = time.Time{}, false
			for m := now.Truncate(time.Minute).Add(time.Minute); m.Sub(now) <= 8*24*time.Hour; m = m.Add(time.Minute) {
				if !s.Contains(m) {
					want, wantOK = m, true
					break
				}
			}
		}
		got, ok := s.NextOutside(now)
		if ok != wantOK || !got.Equal(want) {
			t.Fatalf("%v: NextOutside(%v) = %v, %v; want %v, %v", s.Hours, now.In(loc), got.In(loc), ok, want.In(loc), wantOK)
		}
	})
}
