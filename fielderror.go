package followup

import (
	"errors"
	"strings"

	"github.com/followup-go/followup/internal/enumname"
)

// Field names a contact field the chat bot asks for.
type Field uint8

// The contact fields, in the order the bot asks for them.
const (
	FieldName Field = iota + 1
	FieldPhone
	FieldEmail
)

// fieldNameText is Field's text form: its names, indexed by value.
var fieldNameText = enumname.Text[Field]{
	Type:  "Field",
	Err:   &ErrUnknownName,
	Names: []string{FieldName: "name", FieldPhone: "phone", FieldEmail: "email"},
}

// String returns "name", "phone" or "email", or "Field(N)" for another value.
func (f Field) String() string { return fieldNameText.String(f) }

// MarshalText returns the field's name, as [Field.String] does, and "" for
// the zero Field, which names no field (as in a [FieldError] that matches
// any). Another value is an error wrapping [ErrUnknownName].
func (f Field) MarshalText() ([]byte, error) { return fieldNameText.Marshal(f) }

// UnmarshalText parses a field name written by [Field.MarshalText], in any
// case; "" is the zero Field. Another text is an error wrapping
// [ErrUnknownName].
func (f *Field) UnmarshalText(b []byte) error { return fieldNameText.Unmarshal(b, f) }

// Code says what is wrong with an answer. Codes are stable strings a host may
// store, switch on or map to its own messages; [FieldError.Message] gives the
// library's own wording.
type Code string

// Codes shared by every field.
const (
	// CodeEmpty: nothing but white space was given.
	CodeEmpty Code = "empty"
	// CodeTooLong: the answer is longer than the field allows.
	CodeTooLong Code = "tooLong"
	// CodeNotAsked: the answer is for a question the settings do not ask.
	CodeNotAsked Code = "notAsked"
)

// Codes of phone numbers. [ParsePhone] returns the first three;
// [Phone.TextError] the next six, for numbers that exist but cannot receive
// text; and [Settings.ParseContact] the last, for a mobile of a country the
// workspace does not text.
const (
	// CodeNotANumber: the answer is not a phone number at all.
	CodeNotANumber Code = "notANumber"
	// CodeInvalidNumber: it looks like a phone number, but no such number
	// exists in its region's numbering plan.
	CodeInvalidNumber Code = "invalidNumber"
	// CodeAmbiguousNumber: the number starts with "00" and reads as two
	// different numbers that both exist: "00" and a country code, as most
	// of the world writes an international number, or the region's own
	// longer international prefix ("008" in Korea) and another country
	// code. The customer is asked to write it with "+".
	CodeAmbiguousNumber Code = "ambiguousNumber"
	// CodeFixedLine: a landline, which cannot receive text.
	CodeFixedLine Code = "fixedLine"
	// CodeVoIP: an internet phone number (070 in Korea).
	CodeVoIP Code = "voip"
	// CodeTollFree: a free-phone number (080 in Korea).
	CodeTollFree Code = "tollFree"
	// CodePremiumRate: a premium-rate number (060 in Korea).
	CodePremiumRate Code = "premiumRate"
	// CodePersonalNumber: a personal or virtual number that forwards calls
	// (050x in Korea).
	CodePersonalNumber Code = "personalNumber"
	// CodeNotMobile: any other number that is not a mobile, such as a
	// company representative number (1588 in Korea) or a pager.
	CodeNotMobile Code = "notMobile"
	// CodeRegionNotAllowed: a mobile number of a country the workspace does
	// not send text messages to (see [TextOptions.AllowedRegions]).
	// [Settings.ParseContact] returns it.
	CodeRegionNotAllowed Code = "regionNotAllowed"
)

// Codes of email addresses.
const (
	// CodeInvalidEmail: not an address a follow-up can be sent to: bad
	// syntax, a quoted local part, a comment, a domain literal, a display
	// name, a domain without a dot, or a character outside ASCII.
	CodeInvalidEmail Code = "invalidEmail"
)

// Codes of names.
const (
	// CodeInvalidEncoding: the text is not valid UTF-8.
	CodeInvalidEncoding Code = "invalidEncoding"
	// CodeControlCharacter: the text holds a control character that is not
	// white space, such as NUL or ESC. (Line breaks and tabs are white space:
	// ParseName collapses them.)
	CodeControlCharacter Code = "controlCharacter"
	// CodeInvisibleCharacter: the text holds an invisible formatting
	// character: a bidirectional override or isolate (U+202A–U+202E,
	// U+2066–U+2069), a zero-width character, or another Unicode format
	// character.
	CodeInvisibleCharacter Code = "invisibleCharacter"
	// CodeContainsLink: the text holds a URL or a domain name.
	CodeContainsLink Code = "containsLink"
	// CodeContainsEmail: the text holds an email address.
	CodeContainsEmail Code = "containsEmail"
)

// A FieldError is one refused answer: which field and why. It never holds the
// answer itself, so it is safe to log.
//
// Test for it with errors.As, or with errors.Is against a FieldError whose
// zero fields match anything:
//
//	errors.Is(err, &followup.FieldError{Code: followup.CodeFixedLine})
type FieldError struct {
	Field Field
	Code  Code
}

func fieldError(f Field, c Code) *FieldError { return &FieldError{Field: f, Code: c} }

// Error returns a message for developers, in English, without the answer:
// "followup: phone: a landline number cannot receive text messages (fixedLine)".
func (e *FieldError) Error() string {
	return "followup: " + e.Field.String() + ": " + developerText(e.Code) + " (" + string(e.Code) + ")"
}

// Is reports whether target is a *FieldError whose non-zero Field and Code
// equal e's. A nil *FieldError, as target or as e, matches nothing (errors.Is
// has already compared the two for equality).
func (e *FieldError) Is(target error) bool {
	t, ok := target.(*FieldError)
	if !ok || t == nil || e == nil {
		return false
	}
	return (t.Field == 0 || t.Field == e.Field) && (t.Code == "" || t.Code == e.Code)
}

// Message returns a sentence the chat bot can show the customer, asking
// again, in the language of the first of locales (BCP 47 tags such as "ko",
// "en-GB", "ja-JP") that is Korean, English or Japanese, the languages built
// in; English if none is. Pass the customer's locale, then the workspace's
// ([Settings.Locale]), as Render chooses a language:
//
//	fe.Message(customer.Locale, settings.Locale)
func (e *FieldError) Message(locales ...string) string {
	return message(e.Field, e.Code, matchLanguage(locales...))
}

// A ValidationError lists every refused field of one [ContactInput], in the
// order name, phone, email. errors.Is and errors.As see each [*FieldError].
// A host that builds one itself may leave nil entries: every method skips
// them.
type ValidationError struct {
	Errors []*FieldError
}

// Error names each refused field and its code, in order, and never the
// answers: "followup: invalid contact: name: containsLink; phone: fixedLine".
// It is for developers; [FieldError.Message] has the sentences for the
// customer.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("followup: invalid contact")
	sep := ": "
	for _, fe := range e.Errors {
		if fe == nil {
			continue
		}
		b.WriteString(sep)
		sep = "; "
		b.WriteString(fe.Field.String())
		b.WriteString(": ")
		b.WriteString(string(fe.Code))
	}
	return b.String()
}

// Unwrap returns the field errors, for errors.Is and errors.As.
func (e *ValidationError) Unwrap() []error {
	errs := make([]error, 0, len(e.Errors))
	for _, fe := range e.Errors {
		if fe != nil {
			errs = append(errs, fe)
		}
	}
	return errs
}

// Field returns the error of field f, or nil if f was accepted.
func (e *ValidationError) Field(f Field) *FieldError {
	for _, fe := range e.Errors {
		if fe != nil && fe.Field == f {
			return fe
		}
	}
	return nil
}

// asFieldError reports whether err is a *FieldError, and returns it.
func asFieldError(err error) (*FieldError, bool) {
	var fe *FieldError
	ok := errors.As(err, &fe)
	return fe, ok
}
