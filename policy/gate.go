package policy

import (
	"errors"
	"time"

	"github.com/followup-go/followup/internal/enumname"
)

// GateMode says when a workspace accepts inquiries only from customers who
// gave contact information. The zero value is [GateOff].
//
// A GateMode marshals to and from text as "off", "always" and
// "outsideOfficeHours", read in any case.
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

// gateModeText is GateMode's text form: its names, indexed by value.
var gateModeText = enumname.Text[GateMode]{
	Type:  "GateMode",
	Err:   &ErrBadGateMode,
	Names: []string{GateOff: "off", GateAlways: "always", GateOutsideOfficeHours: "outsideOfficeHours"},
}

// String returns the mode's text form, or "GateMode(N)" for a value that is
// none of the constants.
func (m GateMode) String() string { return gateModeText.String(m) }

// MarshalText implements [encoding.TextMarshaler]: "off" (the zero value),
// "always" or "outsideOfficeHours". Another value is an error wrapping
// [ErrBadGateMode] (and so [ErrUnknownName]).
func (m GateMode) MarshalText() ([]byte, error) { return gateModeText.Marshal(m) }

// UnmarshalText implements [encoding.TextUnmarshaler]: a name
// [GateMode.MarshalText] writes, in any case. An empty text is [GateOff].
// Another text is an error wrapping [ErrBadGateMode] (and so
// [ErrUnknownName]).
func (m *GateMode) UnmarshalText(text []byte) error { return gateModeText.Unmarshal(text, m) }

// ErrBadGateMode is returned for a gate mode that is not one of the
// constants. It is a kind of [ErrUnknownName]: errors.Is reports both.
var ErrBadGateMode error = badGateMode{}

// badGateMode is ErrBadGateMode. (A type, not a value wrapping
// ErrUnknownName, so that it costs nothing at init.)
type badGateMode struct{}

func (badGateMode) Error() string { return "policy: unknown gate mode" }
func (badGateMode) Unwrap() error { return ErrUnknownName }

// ErrUnknownName is wrapped by the errors of the text forms of the
// enumerations [GateMode], [Admission] and [Outcome]: by UnmarshalText for a
// text that names none of their values, and by MarshalText for a value that
// is none of their constants. An UnmarshalText error gives the text's
// length, never the text.
//
// They follow the text rule of the module's other enumerations: String,
// MarshalText and UnmarshalText give and take the constants' camelCase
// names; UnmarshalText reads them in any case; "" reads as the zero value,
// which marshals as "" where it means "not set" ([Admission], [Outcome])
// and as its name where it is a constant ([GateOff]). String prints a value
// with no name as "Type(N)".
var ErrUnknownName = errors.New("policy: unknown name")

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
// for a [GateOutsideOfficeHours] gate without office hours, and the errors
// of [Schedule.Validate] for office hours that are malformed or have no
// zone ([ErrBadHours], [ErrNoZone], [ErrBadZone]), whatever the mode: every
// problem, joined with errors.Join.
func (g Gate) Validate() error {
	var errs []error
	if int(g.Mode) >= len(gateModeText.Names) {
		errs = append(errs, ErrBadGateMode)
	}
	if g.Mode == GateOutsideOfficeHours && len(g.OfficeHours.Hours) == 0 {
		errs = append(errs, ErrNoOfficeHours)
	}
	return errors.Join(append(errs, g.OfficeHours.problems()...)...)
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

// admissionText is Admission's text form: its names, indexed by value.
var admissionText = enumname.Text[Admission]{
	Type:  "Admission",
	Err:   &ErrUnknownName,
	Names: []string{Open: "open", AwaitContact: "awaitContact"},
}

// String returns "open" or "awaitContact", or "Admission(N)" for another
// value.
func (a Admission) String() string { return admissionText.String(a) }

// MarshalText implements [encoding.TextMarshaler]: "open" or
// "awaitContact", and "" for the zero Admission (not decided). Another
// value is an error wrapping [ErrUnknownName].
func (a Admission) MarshalText() ([]byte, error) { return admissionText.Marshal(a) }

// UnmarshalText implements [encoding.TextUnmarshaler]: "open" or
// "awaitContact" in any case; "" is the zero Admission. Another text is an
// error wrapping [ErrUnknownName].
func (a *Admission) UnmarshalText(text []byte) error { return admissionText.Unmarshal(text, a) }

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

// outcomeText is Outcome's text form: its names, indexed by value.
var outcomeText = enumname.Text[Outcome]{
	Type:  "Outcome",
	Err:   &ErrUnknownName,
	Names: []string{Keep: "keep", Discard: "discard"},
}

// String returns "keep" or "discard", or "Outcome(N)" for another value.
func (o Outcome) String() string { return outcomeText.String(o) }

// MarshalText implements [encoding.TextMarshaler]: "keep" or "discard", and
// "" for the zero Outcome (not decided). Another value is an error wrapping
// [ErrUnknownName].
func (o Outcome) MarshalText() ([]byte, error) { return outcomeText.Marshal(o) }

// UnmarshalText implements [encoding.TextUnmarshaler]: "keep" or "discard"
// in any case; "" is the zero Outcome. Another text is an error wrapping
// [ErrUnknownName].
func (o *Outcome) UnmarshalText(text []byte) error { return outcomeText.Unmarshal(text, o) }

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
