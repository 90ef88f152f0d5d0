package followup

import (
	"errors"
	"fmt"

	"github.com/followup-go/followup/internal/enumname"
)

// ErrUnknownName is wrapped by the errors of the text forms of the
// enumerations [Field], [Party], [PhoneType], [Reason], [Status] and
// [Strategy]: by UnmarshalText for a text that names none of their values,
// and by MarshalText for a value that is none of their constants. An
// UnmarshalText error gives the text's length, never the text.
// (notify.Channel and policy.GateMode are of other packages and wrap
// notify.ErrUnknownName and policy.ErrUnknownName.)
//
// The enumerations share one text form: String, MarshalText and
// UnmarshalText give and take the constants' camelCase names; UnmarshalText
// reads them in any case; "" reads as the zero value. The zero value
// marshals as "" where it means "not set" ([Field], [Reason], [Status]),
// and as its name where it is a constant ([Party]'s [Customer],
// [PhoneType]'s [PhoneUnknown], [Strategy]'s [Parallel]). String prints a
// value with no name as "Type(N)".
var ErrUnknownName = errors.New("unknown name")

// nameString returns names[i], or "typ(i)" when i has no name, for the
// String methods of the enumerations.
func nameString(names []string, i uint8, typ string) string {
	return enumname.String(names, int(i), typ)
}

// marshalName returns names[i] for the MarshalText methods of the
// enumerations: "" for a zero value that means "not set" (whose names[0] is
// ""), and, for a value with no name, an error wrapping ErrUnknownName and
// also, if not nil.
func marshalName(names []string, i uint8, what string, also error) ([]byte, error) {
	if b, ok := enumname.Name(names, int(i)); ok {
		return b, nil
	}
	if also != nil {
		return nil, fmt.Errorf("followup: %s %d: %w (%w)", what, i, also, ErrUnknownName)
	}
	return nil, fmt.Errorf("followup: %s %d: %w", what, i, ErrUnknownName)
}

// lookupName returns the index in names of the name b is, in any case, for
// the UnmarshalText methods of the enumerations; "" is 0, the zero value.
// The error gives b's length, not b: the text may come from a customer's
// request and hold anything, a phone number included.
func lookupName(names []string, b []byte, what string) (int, error) {
	if i, ok := enumname.Index(names, b); ok {
		return i, nil
	}
	return 0, fmt.Errorf("followup: %s: %w (%d bytes)", what, ErrUnknownName, len(b))
}

var partyNames = [...]string{Customer: "customer", Agent: "agent"}

// String returns "customer" or "agent".
//
// Party's methods are here, with the other enumerations' text helpers,
// rather than beside the type in conversation.go.
func (p Party) String() string { return nameString(partyNames[:], uint8(p), "Party") }

// MarshalText implements [encoding.TextMarshaler]: "customer" or "agent".
// Another value is an error wrapping [ErrUnknownName].
func (p Party) MarshalText() ([]byte, error) {
	return marshalName(partyNames[:], uint8(p), "party", nil)
}

// UnmarshalText implements [encoding.TextUnmarshaler]: "customer" or "agent"
// in any case; "" is the zero value, [Customer]. Another text is an error
// wrapping [ErrUnknownName].
func (p *Party) UnmarshalText(b []byte) error {
	i, err := lookupName(partyNames[:], b, "party")
	if err == nil {
		*p = Party(i)
	}
	return err
}
