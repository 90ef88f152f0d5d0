package followup

import "errors"

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
var ErrUnknownName = errors.New("followup: unknown name")
