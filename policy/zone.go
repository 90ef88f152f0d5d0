package policy

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrBadZone is the error for a time zone that cannot be used in settings:
// a name that is not in the time zone database, a name longer than 64
// bytes, or one of the names [LoadZone] refuses ("Local", see [Zone]). The
// errors of [LoadZone], [Zone.UnmarshalText], [Zone.MarshalText] and
// [Zone.Validate] wrap it.
var ErrBadZone = errors.New("policy: bad time zone")

// maxZoneName is the longest zone name LoadZone looks up; the longest in the
// IANA database is about 30 bytes.
const maxZoneName = 64

// localName is the name of time.Local, whatever zone the process runs in.
const localName = "Local"

// Zone is a time zone that marshals to and from its IANA name
// ("Asia/Seoul"), so settings that hold one can be stored as JSON.
//
// The zero Zone means "not set". Its [Zone.Location] is UTC, so a rule
// handed a zero Zone reads clocks in UTC as it always has, but it is not a
// choice of UTC: [Zone.IsZero] reports true, [Zone.String] and
// [Zone.MarshalText] return "" (a field tagged omitzero is left out), and
// [Schedule.Validate] refuses hours without a zone ([ErrNoZone]). A zone
// that is UTC on purpose, [ZoneOf](time.UTC) or [LoadZone]("UTC"), is
// not zero and marshals as "UTC".
//
// "Local" is not a zone a setting can hold: it is whatever zone each server
// runs in, so stored settings naming it would mean different hours on
// different servers. [LoadZone] and [Zone.UnmarshalText] refuse the name.
// [ZoneOf](time.Local) keeps time.Local, for a process that wants its own
// zone, but such a Zone does not [Zone.Validate] and does not marshal.
//
// Loading a zone by name reads the system's time zone database (or the one
// embedded by importing [time/tzdata]); that happens once, in [LoadZone] or
// when settings are decoded, never while a rule is evaluated.
//
// Zones compare equal with == only when they hold the same *time.Location;
// compare [Zone.String] to compare names.
type Zone struct {
	loc *time.Location
}

// LoadZone returns the zone with the given IANA name, such as "Asia/Seoul"
// or "UTC". An empty name is the zero Zone (not set). It returns an error
// wrapping [ErrBadZone] for a name the time zone database does not hold,
// a name longer than 64 bytes, "Local", "localtime" (on many systems a
// link to the server's own zone), the "right/" zones (which count leap
// seconds, as Go does not), and a name that is a file path rather than a
// zone's name ("./localtime", "Asia//Seoul"). The error gives the name's
// length, never the name.
func LoadZone(name string) (Zone, error) {
	switch {
	case name == "":
		return Zone{}, nil
	case len(name) > maxZoneName:
		return Zone{}, fmt.Errorf("%w: name too long (%d bytes)", ErrBadZone, len(name))
	case serverZone(name):
		return Zone{}, errLocalZone()
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The length, not the name: a customer's zone comes from their
		// browser, and may hold anything they typed.
		return Zone{}, fmt.Errorf("%w: unknown name (%d bytes)", ErrBadZone, len(name))
	}
	return Zone{loc: loc}, nil
}

// serverZone reports whether name, which the time zone database may load,
// is no zone a setting can hold: "Local", and "localtime", which on many
// systems is a link to the server's own zone (/etc/localtime), mean a
// different zone on each server; a "right/" zone counts leap seconds,
// which Go does not, so its clock changes come some 27 seconds late. The
// names are compared in any case (a file system may ignore it), and by
// their parts: a name not in the database's own form, with an empty, "."
// or ".." part or a backslash ("./localtime", "Asia//Seoul"), is a file
// path the system resolves, which could reach either.
func serverZone(name string) bool {
	if name == localName || strings.IndexByte(name, '\\') >= 0 {
		return true
	}
	for part := range strings.SplitSeq(name, "/") {
		switch {
		case part == "", part == ".", part == "..",
			strings.EqualFold(part, "localtime"), strings.EqualFold(part, "right"):
			return true
		}
	}
	return false
}

// errLocalZone is the error for a zone [serverZone] refuses. It is built
// when needed, not at init, and does not repeat the name.
func errLocalZone() error {
	return fmt.Errorf("%w: \"Local\", \"localtime\", \"right/\" zones and file paths are not the same on every server; name an IANA zone such as \"Asia/Seoul\"", ErrBadZone)
}

// ZoneOf returns a Zone for loc, kept as given: ZoneOf(time.UTC) is UTC, not
// the zero Zone. A nil loc gives the zero Zone (not set).
//
// A Zone is stored by loc's name, so only a location that [LoadZone] can
// load back by that name round-trips: one from [time.LoadLocation], or
// time.UTC. A Zone of time.Local neither validates nor marshals (see
// [Zone]); one of a [time.FixedZone] marshals as its name, which LoadZone may
// not know.
func ZoneOf(loc *time.Location) Zone {
	return Zone{loc: loc}
}

// Location returns the zone's location; UTC for the zero Zone.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// String returns the zone's name: the IANA name ("Asia/Seoul", "UTC"), or
// "" for the zero Zone, which is not set.
func (z Zone) String() string {
	if z.loc == nil {
		return ""
	}
	return z.loc.String()
}

// IsZero reports whether z is the zero Zone: no zone set. [Zone.Location]
// reads it as UTC, but a Zone that is UTC on purpose is not zero.
func (z Zone) IsZero() bool { return z.loc == nil }

// Validate reports an error wrapping [ErrBadZone] for a zone of time.Local
// (any location named "Local"), or one named as [LoadZone] refuses, which
// means different hours on different servers. The zero Zone is valid on its
// own; whether a zone must be set is for the value that holds it to say (see
// [Schedule.Validate]).
func (z Zone) Validate() error {
	if z.loc != nil && serverZone(z.loc.String()) {
		return errLocalZone()
	}
	return nil
}

// MarshalText implements [encoding.TextMarshaler]: the IANA name, or nothing
// for the zero Zone. It refuses a zone that [Zone.Validate] refuses.
func (z Zone) MarshalText() ([]byte, error) {
	if err := z.Validate(); err != nil {
		return nil, err
	}
	return []byte(z.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [LoadZone]: an
// empty text is the zero Zone. On error z is unchanged.
func (z *Zone) UnmarshalText(text []byte) error {
	if len(text) > maxZoneName {
		return fmt.Errorf("%w: name too long (%d bytes)", ErrBadZone, len(text))
	}
	v, err := LoadZone(string(text))
	if err != nil {
		return err
	}
	*z = v
	return nil
}
