package policy

import (
	"errors"
	"fmt"
	"time"
)

// GateMode says when a workspace accepts inquiries only from customers who
// gave contact information. The zero value is [GateOff].
//
// A GateMode marshals to and from text as "off", "always" and
// "outsideOfficeHours".
type GateMode uint8

// The gate modes.
const (
	// GateOff accepts every inquiry; contact information is optional.
	GateOff GateMode = iota
	// GateAlways accepts an inquiry only once the customer has given a phone
	// number or an email address.
	GateAlways
	// GateOutsideOfficeHours applies the gate only outside the office hours
	// of the [Gate]: during office hours agents answer live, outside them the
	// answer can only arrive as a follow-up, which needs contact information.
	GateOutsideOfficeHours
)

var gateModeNames = [...]string{GateOff: "off", GateAlways: "always", GateOutsideOfficeHours: "outsideOfficeHours"}

// String returns the mode's text form.
func (m GateMode) String() string {
	if int(m) < len(gateModeNames) {
		return gateModeNames[m]
	}
	return fmt.Sprintf("GateMode(%d)", uint8(m))
}

// MarshalText implements [encoding.TextMarshaler].
func (m GateMode) MarshalText() ([]byte, error) {
	if int(m) >= len(gateModeNames) {
		return nil, ErrBadGateMode
	}
	return []byte(gateModeNames[m]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. An empty text is
// [GateOff].
func (m *GateMode) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*m = GateOff
		return nil
	}
	for i, n := range gateModeNames {
		if string(text) == n {
			*m = GateMode(i)
			return nil
		}
	}
	return ErrBadGateMode
}

// ErrBadGateMode is returned for a gate mode that is not one of the
// constants.
var ErrBadGateMode = errors.New("policy: unknown gate mode")

// ErrNoOfficeHours is returned by [Gate.Validate] for a
// [GateOutsideOfficeHours] gate without office hours: such a gate would
// demand contact information around the clock, which is [GateAlways] under
// another name and most likely a mistake.
var ErrNoOfficeHours = errors.New("policy: gate outside office hours has no office hours")

// Gate is the contact-required gate: whether a chat reaches the agents' inbox
// before the customer gives contact information. The zero Gate is off.
//
// A customer's "contact information" is a usable phone number or email
// address a follow-up can use; a name alone is not. Callers pass that as a
// bool (followup.Settings.Reachable judges it, and followup.Settings.Admit
// and Leave apply the gate with it).
type Gate struct {
	// Mode says when contact information is required; the zero value,
	// GateOff, never requires it.
	Mode GateMode `json:"mode"`
	// OfficeHours are the hours during which a GateOutsideOfficeHours gate
	// is open to everyone, in their zone. That mode needs at least one
	// range and a zone; other modes ignore them.
	OfficeHours Schedule `json:"officeHours,omitzero"`
}

// Validate reports [ErrBadGateMode] for an unknown mode, [ErrNoOfficeHours]
// for a [GateOutsideOfficeHours] gate without office hours, and the error of
// [Schedule.Validate] for office hours that are malformed or have no zone
// ([ErrBadHours], [ErrNoZone], [ErrBadZone]), whatever the mode.
func (g Gate) Validate() error {
	if int(g.Mode) >= len(gateModeNames) {
		return ErrBadGateMode
	}
	if g.Mode == GateOutsideOfficeHours && len(g.OfficeHours.Hours) == 0 {
		return ErrNoOfficeHours
	}
	return g.OfficeHours.Validate()
}

// Required reports whether the gate demands contact information for a chat
// opened at the given time.
//
// Required does not validate the gate. A [GateOutsideOfficeHours] gate
// without office hours requires contact information at all times, and
// office hours without a zone are read in UTC; [Gate.Validate] refuses both.
//
// A mode that is none of the constants ([Gate.Validate] reports it as
// [ErrBadGateMode]) fails closed: it requires contact information at all
// times, as [GateAlways] does, rather than letting every chat through.
func (g Gate) Required(opened time.Time) bool {
	switch g.Mode {
	case GateOff:
		return false
	case GateAlways:
		return true
	case GateOutsideOfficeHours:
		return !g.OfficeHours.Contains(opened)
	}
	return true
}

// Admission is whether a chat is shown in the agents' inbox.
type Admission uint8

// The admissions.
const (
	// Open: the chat reaches the agents' inbox.
	Open Admission = iota + 1
	// AwaitContact: the chat stays out of the inbox until the customer gives
	// a phone number or an email address.
	AwaitContact
)

// String returns "open" or "awaitContact".
func (a Admission) String() string {
	switch a {
	case Open:
		return "open"
	case AwaitContact:
		return "awaitContact"
	}
	return fmt.Sprintf("Admission(%d)", uint8(a))
}

// Admit says whether a chat opened at the given time reaches the inbox, given
// whether the customer has contact information yet. Pass the time the chat
// was opened, not the current time, so that a chat does not change state
// when office hours begin or end while it is under way. Call it again each
// time the customer answers a contact question.
func (g Gate) Admit(opened time.Time, reachable bool) Admission {
	if reachable || !g.Required(opened) {
		return Open
	}
	return AwaitContact
}

// Outcome is what becomes of a chat whose customer leaves.
type Outcome uint8

// The outcomes.
const (
	// Keep the chat: it is (or stays) in the inbox and can be followed up.
	Keep Outcome = iota + 1
	// Discard the chat: it never reaches the inbox, and no agent sees it.
	Discard
)

// String returns "keep" or "discard".
func (o Outcome) String() string {
	switch o {
	case Keep:
		return "keep"
	case Discard:
		return "discard"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Leave says what becomes of a chat opened at the given time when the customer
// leaves it: under the gate, a customer who leaves without contact
// information is discarded and never reaches the inbox; otherwise the chat
// is kept. Pass the time the chat was opened, as for [Gate.Admit].
func (g Gate) Leave(opened time.Time, reachable bool) Outcome {
	if g.Admit(opened, reachable) == Open {
		return Keep
	}
	return Discard
}
