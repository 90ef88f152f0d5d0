package followup

import (
	"strings"
	"time"

	"github.com/followup-go/followup/policy"
)

// A Contact is the contact information a customer gave the chat bot, and what
// it may be used for.
//
// Its JSON form holds the real values, because that is what a host stores.
// [Contact.String], every fmt verb and [Contact.LogValue] show masked values
// only: "홍*동", "+82 **-****-5678", "s***@example.com"; for JSON that must
// not hold the real values, marshal [Contact.Masked]. The zero value is a
// customer who gave nothing.
//
// Masking applies only where those methods are called: when the Contact
// itself is printed (as an argument to fmt, or an exported field, slice
// element or map value of one), or is the value of a slog attribute, which
// slog resolves with LogValue, in a group too. It does not apply where they
// are not called. fmt cannot call a method on a value held in an unexported
// struct field, so it prints that Contact's fields raw. slog's JSON handler
// writes a Contact nested in another value (a host's struct, a slice, a
// map) with encoding/json, that is with the real values. Printers that read
// fields by reflection and skip the methods show them too: go-cmp's Diff in
// a failing test, testify's and spew's dumps. Log the Contact itself as the
// attribute value, or c.Masked(), whose fields are masked strings wherever
// they go; compare c.Masked() in tests whose output others read.
type Contact struct {
	// Name is the name the customer gave, normalized by [ParseName].
	Name string `json:"name,omitempty"`
	// Email is the address the customer gave, normalized by [ParseEmail].
	Email string `json:"email,omitempty"`
	// Phone is the number the customer gave; one [Settings.ParseContact]
	// accepted can receive text.
	Phone Phone `json:"phone,omitzero"`
	// CollectedAt is when the customer gave it.
	CollectedAt time.Time `json:"collectedAt,omitzero"`
	// Purpose is what the customer gave it for. Contact information the
	// follow-up feature collects is for [policy.PurposeInquiry] only: using
	// it for anything else needs the customer's consent (see [policy.Permit]).
	Purpose policy.Purpose `json:"purpose,omitempty"`
	// Inquiry identifies the conversation the contact information was
	// collected in, as the host names it: a record for the host, who must
	// be able to show what was collected for which inquiry. The engine
	// does not check it: [Engine.Deliver] follows up any conversation with
	// the contact it is given, a later chat of the same customer included.
	// A host that reads the purpose as the one inquiry only passes a
	// Contact only to the conversation its Inquiry names.
	Inquiry string `json:"inquiry,omitempty"`
}

// Reachable reports whether a follow-up can reach the customer: they gave a
// phone number that can receive text or an email address. A name alone is
// not contact information.
func (c Contact) Reachable() bool {
	return c.Email != "" || (!c.Phone.IsZero() && c.Phone.CanText())
}

// Known reports whether the customer is a known contact: they gave their
// name and contact information ([Contact.Reachable]). A host may then keep
// them as a contact of the workspace, recognize them on their next visit,
// and skip the questions already answered; what it may use the data for is
// still [Contact.Purpose].
func (c Contact) Known() bool { return c.Name != "" && c.Reachable() }

// ContactInput holds the chat bot's raw answers, as the customer typed them.
// An empty answer is a question not answered (yet). Like [Contact], it prints
// and logs masked values only and keeps the real ones in JSON.
//
// As for [Contact], masking applies only when the ContactInput itself is
// printed or is a slog attribute's value: in an unexported struct field fmt
// prints the answers raw, and slog's JSON handler writes a ContactInput
// nested in a struct, slice or map as its JSON, the real answers. Log the
// ContactInput itself as the attribute value.
type ContactInput struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// At is when the answers were given; it becomes [Contact.CollectedAt].
	At time.Time `json:"at,omitzero"`
	// Inquiry identifies the conversation; it becomes [Contact.Inquiry].
	Inquiry string `json:"inquiry,omitempty"`
}

// ParseContact checks the bot's answers against the settings and the account
// and returns the contact, collected for [policy.PurposeInquiry].
//
// Each answer goes through [ParseName], [ParsePhone] (in the settings'
// region) or [ParseEmail]; a phone number must also be able to receive text
// ([Phone.TextError]), because that is what the settings ask it for, and be
// of a country the workspace sends text to ([CodeRegionNotAllowed]; see
// [TextOptions.AllowedRegions]), so the customer can correct it while still
// in the chat rather than never hear back. An
// answer to a question [Settings.Questions] does not list for the account
// is refused with [CodeNotAsked], as a phone number is while the account
// has no payment method; an empty answer is a question not answered and is not an
// error. If any answer is refused, the error is a [*ValidationError] that
// lists every refused field, and the Contact holds the accepted ones. Any
// other error is the settings' fault, not the answers': a Region that
// [Settings.Validate] refuses ([ErrUnknownRegion]) when a phone number is
// answered. The Contact is then zero.
func (s Settings) ParseContact(in ContactInput, a Account) (Contact, error) {
	c := Contact{CollectedAt: in.At, Purpose: policy.PurposeInquiry, Inquiry: in.Inquiry}
	var bad []*FieldError
	refuse := func(f Field, err error) error {
		fe, ok := asFieldError(err)
		if !ok {
			return err
		}
		bad = append(bad, &FieldError{Field: f, Code: fe.Code})
		return nil
	}
	if answered(in.Name) {
		if !s.AskName {
			bad = append(bad, fieldError(FieldName, CodeNotAsked))
		} else if name, err := ParseName(in.Name); err != nil {
			if err := refuse(FieldName, err); err != nil {
				return Contact{}, err
			}
		} else {
			c.Name = name
		}
	}
	if answered(in.Phone) {
		if !s.textPayable(a) {
			bad = append(bad, fieldError(FieldPhone, CodeNotAsked))
		} else {
			p, err := ParsePhone(in.Phone, s.region())
			if err == nil {
				err = p.TextError()
			}
			if err == nil && s.textRegionError(p) != nil {
				err = fieldError(FieldPhone, CodeRegionNotAllowed)
			}
			if err != nil {
				if err := refuse(FieldPhone, err); err != nil {
					return Contact{}, err
				}
			} else {
				c.Phone = p
			}
		}
	}
	if answered(in.Email) {
		if !s.AskEmail {
			bad = append(bad, fieldError(FieldEmail, CodeNotAsked))
		} else if e, err := ParseEmail(in.Email); err != nil {
			if err := refuse(FieldEmail, err); err != nil {
				return Contact{}, err
			}
		} else {
			c.Email = e
		}
	}
	if len(bad) > 0 {
		return c, &ValidationError{Errors: bad}
	}
	return c, nil
}

// answered reports whether an answer holds more than white space.
func answered(s string) bool { return strings.TrimSpace(s) != "" }
