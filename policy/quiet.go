package policy

import (
	"errors"
	"time"
)

// ErrQuietAllWeek is returned by [QuietHours.Validate] for quiet hours that
// cover the whole week, which would leave no time at all to send a text.
var ErrQuietAllWeek = errors.New("policy: quiet hours cover the whole week")

// KoreanNight is the night window of the Korean advertising rule, 21:00 to
// 08:00 every day ("mon-sun 21:00-08:00"), during which advertising by text
// needs separate prior consent. Follow-ups are informational, so the rule
// does not bind them; KoreanNight is a suggestion for [QuietHours] that a
// host may offer, not a default. It is a function, as [DefaultCaps] is, so
// that no one can change it for everyone.
func KoreanNight() Hours { return Hours{Days: EveryDay, Start: 21 * 60, End: 8 * 60} }

// QuietHours are weekly hours, in the recipient's time zone, during which
// text messages (AlimTalk and SMS) are not sent: a text due then is deferred
// to the end of the quiet hours. The zero QuietHours has none, and defers
// nothing.
//
// QuietHours marshals to JSON as {"hours":["mon-sun 21:00-08:00"]}. It is a
// value; it is safe for concurrent use as long as no one modifies its Hours
// slice.
type QuietHours struct {
	Hours []Hours `json:"hours,omitempty"`
}

// Validate reports [ErrBadHours] for each malformed range, naming it
// ("hours[2]"), or for more than [MaxHours] of them, joined with
// errors.Join; and, for well-formed ranges, [ErrQuietAllWeek] when they
// together cover every minute of the week.
func (q QuietHours) Validate() error {
	if errs := checkHours(q.Hours); errs != nil {
		return errors.Join(errs...)
	}
	if len(q.Hours) == 0 {
		return nil
	}
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		for m := Clock(0); m < MinutesPerDay; m++ {
			if !q.covers(wd, m) {
				return nil
			}
		}
	}
	return ErrQuietAllWeek
}

func (q QuietHours) covers(wd time.Weekday, m Clock) bool {
	for _, h := range q.Hours {
		if h.contains(wd, m) {
			return true
		}
	}
	return false
}

// Defer says whether a text due at now falls in the quiet hours, seen in the
// recipient's location loc (UTC when nil), and until when to defer it: the
// first instant at or after now outside the quiet hours, as
// [Schedule.NextOutside] finds it, in loc. When now is outside them, Defer
// returns now and false.
//
// Across a daylight-saving change the quiet hours keep to the local clock:
// quiet hours ending at 08:00 end at 08:00 local time on the day the clocks
// change too. An end the clocks skip is the instant they jump, and an end
// they pass twice is the first pass after now that is outside the quiet
// hours; [Schedule.NextOutside] has the details.
//
// Quiet hours that cover the whole week leave no time to send;
// [QuietHours.Validate] refuses them. Should they reach Defer anyway, it
// defers by a full week, to now plus 7×24 hours, so that a caller that
// schedules the text at until neither sends it nor asks again at once.
func (q QuietHours) Defer(now time.Time, loc *time.Location) (until time.Time, deferred bool) {
	if len(q.Hours) == 0 {
		return now, false
	}
	s := Schedule{Zone: ZoneOf(loc), Hours: q.Hours}
	next, ok := s.NextOutside(now)
	if !ok {
		return now.Add(7 * 24 * time.Hour), true
	}
	if next.Equal(now) {
		return now, false
	}
	return next, true
}
