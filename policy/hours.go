package policy

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/followup-go/followup/internal/enumname"
)

// Clock is a time of day in minutes since midnight, from 0 (00:00) to 1440
// (24:00, allowed only as the end of a range): [Clock.Valid] reports
// whether it is in that range. It marshals to and from text as "HH:MM",
// "00:00" to "24:00", so it is "09:00" in JSON, not 540.
type Clock uint16

// MinutesPerDay is 24:00 as a [Clock].
const MinutesPerDay Clock = 24 * 60

// At returns the clock time h:m. Minutes past 59 or below 0 carry into the
// hours, as [time.Date] normalizes them: At(9, 90) is 10:30, At(10, -30)
// is 09:30.
//
// At does not fail, and does not wrap around the day: a time before 00:00
// or past 24:00, such as At(25, 0) or At(-1, 0), is a Clock that is not
// [Clock.Valid]. [Hours.Validate], and so [Schedule.Validate] and the
// Validate methods of the settings that hold hours, refuse a range that
// uses one with [ErrBadHours]; MarshalText refuses it too. So is the Clock
// of an h or m beyond ±2³⁰, whatever the other: no time of day needs one,
// and the bound keeps h*60+m from overflowing.
func At(h, m int) Clock {
	// Bounds first, so that h*60+m cannot overflow into the day.
	const bound = 1 << 30
	if h < -bound || h > bound || m < -bound || m > bound {
		return invalidClock
	}
	n := int64(h)*60 + int64(m)
	if n < 0 || n > int64(MinutesPerDay) {
		return invalidClock
	}
	return Clock(n)
}

// invalidClock is what At returns for a time outside 00:00 to 24:00.
const invalidClock = Clock(math.MaxUint16)

// Valid reports whether c is a time of day from 00:00 to 24:00.
func (c Clock) Valid() bool { return c <= MinutesPerDay }

// String returns the clock time as "HH:MM", or "Clock(N)" for a Clock that
// is not valid.
func (c Clock) String() string {
	if !c.Valid() {
		return fmt.Sprintf("Clock(%d)", uint16(c))
	}
	return fmt.Sprintf("%02d:%02d", c/60, c%60)
}

// MarshalText implements [encoding.TextMarshaler]: "HH:MM", from "00:00" to
// "24:00". A Clock that is not valid is an error wrapping [ErrBadHours].
func (c Clock) MarshalText() ([]byte, error) {
	if !c.Valid() {
		return nil, fmt.Errorf("%w: Clock(%d)", ErrBadHours, uint16(c))
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: "HH:MM" with two
// digits each, from "00:00" to "24:00". Another text, "" included (the
// zero Clock is midnight, a time like any other), is [ErrBadHours].
func (c *Clock) UnmarshalText(text []byte) error {
	v, err := parseClock(string(text))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// ErrBadHours is returned for a weekly range or clock time that does not parse
// or makes no sense (an unknown day, 25:00, a range that starts where it
// ends).
var ErrBadHours = errors.New("policy: malformed hours")

// MaxHours is the most ranges a [Schedule] or [QuietHours] may hold:
// [Schedule.Validate] and [QuietHours.Validate] refuse more with
// [ErrBadHours]. A week of split shifts, different every day, needs some
// twenty; the bound keeps hostile settings from making every check of the
// hours, which looks at each range against the others, take seconds.
const MaxHours = 64

// maxHoursText bounds the text ParseHours and Days.UnmarshalText read, so
// that hostile settings cannot make them split megabytes: the longest
// sensible hours, every day listed by name, is well under it.
const maxHoursText = 128

func parseClock(s string) (Clock, error) {
	if len(s) != 5 || s[2] != ':' {
		return 0, ErrBadHours
	}
	h, m := 0, 0
	for _, c := range s[:2] {
		if c < '0' || c > '9' {
			return 0, ErrBadHours
		}
		h = h*10 + int(c-'0')
	}
	for _, c := range s[3:] {
		if c < '0' || c > '9' {
			return 0, ErrBadHours
		}
		m = m*10 + int(c-'0')
	}
	if m > 59 || h > 24 || (h == 24 && m != 0) {
		return 0, ErrBadHours
	}
	return At(h, m), nil
}

// Days is a set of weekdays, one bit per [time.Weekday].
//
// Only [time.Sunday] to [time.Saturday] (0 to 6) are days: a time.Weekday
// outside that range, such as time.Weekday(-1) or time.Weekday(7), is in no
// set. [DaysOf] leaves it out and [Days.Has] reports false for it.
type Days uint8

// Weekdays is Monday to Friday; EveryDay is all seven days.
const (
	Weekdays Days = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday
	EveryDay Days = 1<<7 - 1
)

// DaysOf returns the set holding the given weekdays. A weekday outside
// Sunday to Saturday is left out.
func DaysOf(days ...time.Weekday) Days {
	var d Days
	for _, w := range days {
		if validWeekday(w) {
			d |= 1 << w
		}
	}
	return d
}

// Has reports whether w is in the set; false for a weekday outside Sunday
// to Saturday.
func (d Days) Has(w time.Weekday) bool { return validWeekday(w) && d&(1<<w) != 0 }

// Valid reports whether d has no bit but the seven days'. The zero Days,
// the empty set, is valid.
func (d Days) Valid() bool { return d <= EveryDay }

func validWeekday(w time.Weekday) bool { return time.Sunday <= w && w <= time.Saturday }

var dayNames = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

// parseDay reads a day name of dayNames in any case of its ASCII letters,
// as every name of the module reads (strings.EqualFold would read "ſun",
// with a long s, as "sun").
func parseDay(s string) (time.Weekday, bool) {
	if s == "" {
		return 0, false
	}
	i, ok := enumname.Index(dayNames[:], []byte(s))
	return time.Weekday(i), ok
}

// String returns the set as comma-separated days and ranges starting on
// Monday, as [Hours.String] writes them: "mon-fri", "sat,sun", "mon-sun",
// and "" for the empty set; "Days(N)" for a value with a bit that is no
// day.
func (d Days) String() string {
	if !d.Valid() {
		return fmt.Sprintf("Days(%d)", uint8(d))
	}
	var parts []string
	order := [7]time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	for i := 0; i < 7; {
		if !d.Has(order[i]) {
			i++
			continue
		}
		j := i
		for j+1 < 7 && d.Has(order[j+1]) {
			j++
		}
		switch {
		case j == i:
			parts = append(parts, dayNames[order[i]])
		case j == i+1:
			parts = append(parts, dayNames[order[i]], dayNames[order[j]])
		default:
			parts = append(parts, dayNames[order[i]]+"-"+dayNames[order[j]])
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}

// MarshalText implements [encoding.TextMarshaler]: the text [Days.String]
// gives, "" for the empty set. A value with a bit that is no day is an
// error wrapping [ErrBadHours].
func (d Days) MarshalText() ([]byte, error) {
	if !d.Valid() {
		return nil, fmt.Errorf("%w: Days(%d)", ErrBadHours, uint8(d))
	}
	return []byte(d.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]: comma-separated
// three-letter English day names and ranges of them, as [ParseHours] reads
// them ("mon-fri", "sat,sun", "mon,wed,fri-sun"), in any case; "" is the
// empty set. Another text is [ErrBadHours].
func (d *Days) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*d = 0
		return nil
	}
	if len(text) > maxHoursText {
		return ErrBadHours
	}
	v, err := parseDays(string(text))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

func parseDays(s string) (Days, error) {
	var d Days
	for _, item := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(item, "-")
		a, ok := parseDay(from)
		if !ok {
			return 0, ErrBadHours
		}
		if !isRange {
			d |= DaysOf(a)
			continue
		}
		b, ok := parseDay(to)
		if !ok {
			return 0, ErrBadHours
		}
		for w := a; ; w = (w + 1) % 7 {
			d |= DaysOf(w)
			if w == b {
				break
			}
		}
	}
	return d, nil
}

// Hours is a range of clock time on a set of weekdays, such as office hours
// "mon-fri 09:00-18:00". A range whose end is before its start runs past
// midnight: "fri 22:00-02:00" covers Friday 22:00 to Saturday 02:00, and
// "mon-sun 21:00-08:00" covers every night. Start is inclusive, End
// exclusive.
//
// Hours marshals to and from that text form.
type Hours struct {
	Days       Days
	Start, End Clock
}

// ParseHours parses the text form "<days> <HH:MM>-<HH:MM>", where days is a
// comma-separated list of three-letter English day names and ranges of them
// ("mon-fri", "sat,sun", "mon,wed,fri-sun"), in any case.
func ParseHours(s string) (Hours, error) {
	if len(s) > maxHoursText {
		return Hours{}, ErrBadHours
	}
	days, span, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return Hours{}, ErrBadHours
	}
	from, to, ok := strings.Cut(strings.TrimSpace(span), "-")
	if !ok {
		return Hours{}, ErrBadHours
	}
	var h Hours
	var err error
	if h.Days, err = parseDays(days); err != nil {
		return Hours{}, err
	}
	if h.Start, err = parseClock(from); err != nil {
		return Hours{}, err
	}
	if h.End, err = parseClock(to); err != nil {
		return Hours{}, err
	}
	if err := h.Validate(); err != nil {
		return Hours{}, err
	}
	return h, nil
}

// Validate reports [ErrBadHours] for a range with no days, a clock time past
// 24:00, a start of 24:00, or a start equal to its end.
func (h Hours) Validate() error {
	if h.Days == 0 || !h.Days.Valid() || h.Start >= MinutesPerDay || !h.End.Valid() || h.Start == h.End {
		return ErrBadHours
	}
	return nil
}

// String returns the text form, e.g. "mon-fri 09:00-18:00".
func (h Hours) String() string {
	return h.Days.String() + " " + h.Start.String() + "-" + h.End.String()
}

// MarshalText implements [encoding.TextMarshaler].
func (h Hours) MarshalText() ([]byte, error) {
	if err := h.Validate(); err != nil {
		return nil, err
	}
	return []byte(h.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [ParseHours].
func (h *Hours) UnmarshalText(text []byte) error {
	v, err := ParseHours(string(text))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// contains reports whether the local weekday and minute fall in h.
func (h Hours) contains(wd time.Weekday, m Clock) bool {
	if h.Start < h.End {
		return h.Days.Has(wd) && h.Start <= m && m < h.End
	}
	return (h.Days.Has(wd) && m >= h.Start) || (h.Days.Has((wd+6)%7) && m < h.End)
}

// ErrNoZone is returned by [Schedule.Validate] for hours without a time
// zone. Read in UTC, as a zero [Zone] is, office hours meant for Seoul would
// be nine hours off; a schedule that means UTC says so with
// [ZoneOf](time.UTC) or [LoadZone]("UTC").
var ErrNoZone = errors.New("policy: hours without a time zone")

// Schedule is a set of weekly [Hours] in a time zone: office hours, or quiet
// hours for text messages. The zero Schedule covers no time at all.
//
// Hours need a Zone: [Schedule.Validate] refuses them without one. A
// Schedule that is used anyway with a zero Zone reads its hours in UTC, as
// it always has.
//
// A Schedule is a value; it is safe for concurrent use as long as no one
// modifies its Hours slice.
type Schedule struct {
	// Zone is the time zone the hours are read in; it must be set when there
	// are hours.
	Zone Zone `json:"zone,omitzero"`
	// Hours are the weekly ranges; none means no time at all.
	Hours []Hours `json:"hours,omitempty"`
}

// Validate reports [ErrBadHours] for each malformed range, naming it
// ("hours[2]"), or for more than [MaxHours] of them, [ErrNoZone] for hours
// without a zone, and an error wrapping [ErrBadZone] for a zone that
// [Zone.Validate] refuses: every problem, joined with errors.Join. A
// schedule without hours needs no zone.
func (s Schedule) Validate() error { return errors.Join(s.problems()...) }

// problems returns every problem Validate reports, as a list.
func (s Schedule) problems() []error {
	errs := checkHours(s.Hours)
	if err := s.Zone.Validate(); err != nil {
		errs = append(errs, err)
	} else if len(s.Hours) > 0 && s.Zone.IsZero() {
		errs = append(errs, ErrNoZone)
	}
	return errs
}

// checkHours returns the problems of a list of ranges: too many of them, or
// each malformed one, by its index.
func checkHours(hours []Hours) []error {
	if len(hours) > MaxHours {
		return []error{fmt.Errorf("%w: %d ranges, more than %d", ErrBadHours, len(hours), MaxHours)}
	}
	var errs []error
	for i, h := range hours {
		if err := h.Validate(); err != nil {
			errs = append(errs, fmt.Errorf("%w: hours[%d]", err, i))
		}
	}
	return errs
}

// Contains reports whether t, seen in the schedule's zone, falls in any of
// its ranges.
func (s Schedule) Contains(t time.Time) bool {
	if len(s.Hours) == 0 {
		return false
	}
	lt := t.In(s.Zone.Location())
	wd, m := lt.Weekday(), Clock(lt.Hour()*60+lt.Minute())
	for _, h := range s.Hours {
		if h.contains(wd, m) {
			return true
		}
	}
	return false
}

// NextOutside returns the first instant at or after t that the schedule does
// not contain: t itself when t is outside, otherwise the end of the range
// that holds t (or of a run of ranges that touch). It returns false when the
// schedule covers the whole week, so there is no such instant. The instant
// is in the schedule's zone.
//
// Ranges keep to the local clock, and so does the way out across a
// daylight-saving change:
//
//   - A range whose end does not exist that day, because the clocks jump
//     over it, ends when the clocks jump: "mon-sun 22:00-00:30" in Santiago
//     on the night the clocks go from 00:00 to 01:00 ends at 01:00.
//   - A range whose end comes twice, because the clocks go back over it,
//     ends at whichever comes first after t with the schedule not
//     containing it: "mon-sun 00:00-01:30" in New York at 01:15 on the
//     second pass through 01:00-02:00 ends at 01:30 of that second pass.
//   - When the clocks go back to a time outside the range, that instant is
//     the way out: "mon-sun 01:30-03:00" at 01:45 on the first pass ends at
//     the change, when the clocks read 01:00.
func (s Schedule) NextOutside(t time.Time) (time.Time, bool) {
	loc := s.Zone.Location()
	x := t.In(loc)
	if !s.Contains(x) {
		return x, true
	}
	// Within one zone period (a stretch of constant offset from UTC) the
	// local clock runs with the real one, so the way out is the first local
	// minute after x's that the ranges do not hold, unless the period ends
	// first; then the local clock jumps, and the search goes on from the
	// jump. Real zones change offset at most a few times a week; the bound
	// only stops a loop.
	for range maxPeriods {
		_, end := x.ZoneBounds()
		_, offset := x.Zone()
		local := floorDiv(x.Unix()+int64(offset), 60) // minutes since 1970-01-01 00:00 local
		m, ok := s.nextOutsideLocal(local)
		if !ok {
			return time.Time{}, false // the whole week is covered
		}
		next := time.Unix(m*60-int64(offset), 0).In(loc)
		if end.IsZero() || next.Before(end) {
			return next, true
		}
		x = end.In(loc)
		if !s.Contains(x) {
			return x, true
		}
	}
	return time.Time{}, false
}

// maxPeriods bounds the zone periods NextOutside looks through.
const maxPeriods = 64

// nextOutsideLocal returns the first local minute after m that no range
// holds, counting minutes from 1970-01-01 00:00 on the local clock, and false
// when every minute of the week is held.
//
// The first minute out after one that is held is where a range ends (or,
// for ranges that do not validate, a midnight), so only those minutes are
// tried: the end of every range that starts between the day before m and
// eight days after it, a week and more, after which the ranges repeat.
func (s Schedule) nextOutsideLocal(m int64) (int64, bool) {
	day := floorDiv(m, minutesPerDay)
	best, found := int64(0), false
	try := func(c int64) {
		if c > m && (!found || c < best) && !s.holdsLocal(c) {
			best, found = c, true
		}
	}
	for d := day - 1; d <= day+8; d++ {
		midnight := d * minutesPerDay
		try(midnight)
		wd := localWeekday(d)
		for _, h := range s.Hours {
			if !h.Days.Has(wd) {
				continue
			}
			end := midnight + int64(min(h.End, MinutesPerDay))
			if h.End <= h.Start {
				end += minutesPerDay // an overnight range ends the day after it starts
			}
			try(end)
		}
	}
	return best, found
}

// holdsLocal reports whether a range holds local minute m (counted as for
// nextOutsideLocal).
func (s Schedule) holdsLocal(m int64) bool {
	day := floorDiv(m, minutesPerDay)
	wd, c := localWeekday(day), Clock(m-day*minutesPerDay)
	for _, h := range s.Hours {
		if h.contains(wd, c) {
			return true
		}
	}
	return false
}

const minutesPerDay = int64(MinutesPerDay)

// localWeekday returns the weekday of day d counted from 1970-01-01, a
// Thursday.
func localWeekday(d int64) time.Weekday {
	return time.Weekday((d%7 + 7 + int64(time.Thursday)) % 7)
}

// floorDiv is a/b rounded down, for a b > 0.
func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b < 0 {
		q--
	}
	return q
}
