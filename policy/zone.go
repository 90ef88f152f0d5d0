package policy

import (
	"fmt"
	"time"
)

// Zone is a time zone that marshals to and from its IANA name
// ("Asia/Seoul"), so settings that hold one can be stored as JSON.
//
// The zero Zone is UTC. Loading a zone by name reads the system's time zone
// database (or the one embedded by importing [time/tzdata]); that happens
// once, in [LoadZone] or when settings are decoded, never while a rule is
// evaluated.
type Zone struct {
	loc *time.Location
}

// LoadZone returns the zone with the given IANA name. An empty name is UTC.
func LoadZone(name string) (Zone, error) {
	if name == "" {
		return Zone{}, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return Zone{}, fmt.Errorf("policy: unknown time zone %q", name)
	}
	return Zone{loc: loc}, nil
}

// ZoneOf returns a Zone for loc. A nil loc is UTC.
func ZoneOf(loc *time.Location) Zone {
	if loc == time.UTC {
		loc = nil
	}
	return Zone{loc: loc}
}

// Location returns the zone's location; UTC for the zero Zone.
func (z Zone) Location() *time.Location {
	if z.loc == nil {
		return time.UTC
	}
	return z.loc
}

// String returns the zone's IANA name, "UTC" for the zero Zone.
func (z Zone) String() string { return z.Location().String() }

// IsZero reports whether z is the zero Zone (UTC).
func (z Zone) IsZero() bool { return z.loc == nil }

// MarshalText implements [encoding.TextMarshaler]: the IANA name, or nothing
// for the zero Zone.
func (z Zone) MarshalText() ([]byte, error) {
	if z.loc == nil {
		return []byte{}, nil
	}
	return []byte(z.loc.String()), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler] with [LoadZone].
func (z *Zone) UnmarshalText(text []byte) error {
	if len(text) > 64 {
		return fmt.Errorf("policy: time zone name too long (%d bytes)", len(text))
	}
	v, err := LoadZone(string(text))
	if err != nil {
		return err
	}
	*z = v
	return nil
}
