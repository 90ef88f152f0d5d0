package policy

import (
	"errors"
	"fmt"
	"time"
)

// Purpose names what contact data is used for. Contact data collected by the
// follow-up feature carries the purpose it was collected for, which is always
// [PurposeInquiry]: answering the consultation the customer asked for.
//
// Any other purpose needs separate, explicit consent from the customer.
type Purpose string

// The purposes the library knows. A host may define others; any purpose that
// is not [PurposeInquiry] is treated as one that needs consent.
const (
	// PurposeInquiry is answering the inquiry the customer made: the only
	// purpose the follow-up engine itself ever uses contact data for.
	PurposeInquiry Purpose = "inquiry"
	// PurposeMarketing is sending advertising or promotional messages.
	PurposeMarketing Purpose = "marketing"
	// PurposeAnalytics is using the data for analysis beyond the inquiry.
	PurposeAnalytics Purpose = "analytics"
	// PurposeThirdParty is handing the data to a third party.
	PurposeThirdParty Purpose = "thirdParty"
)

// ErrConsentRequired is the error for a use of contact data other than
// answering the inquiry it was collected for, without the customer's consent
// to exactly that purpose. [Permit] wraps it with the purpose:
// "policy: consent required: marketing".
var ErrConsentRequired = errors.New("policy: consent required")

// ErrIncompleteConsent is the error for a consent record that does not prove
// consent: it does not say what the customer agreed to (Agreed), through
// which form (Form), or when (At). [Permit] treats such a record as missing
// and returns an error wrapping both [ErrConsentRequired] and this, so that
// the host can find the records it keeps badly.
var ErrIncompleteConsent = errors.New("policy: consent record does not say what was agreed, where or when")

// ErrBadPurpose is the error for a [Purpose] that is not [Purpose.Valid].
var ErrBadPurpose = errors.New("policy: malformed purpose")

// maxPurposeLen is the longest Purpose that is Valid.
const maxPurposeLen = 64

// Valid reports whether p is usable as a purpose: 1 to 64 ASCII letters,
// digits, '.', '-' and '_', such as the constants above or a host's own
// "newsletter" or "crm.export". Only a valid purpose appears in an error.
func (p Purpose) Valid() bool {
	if len(p) == 0 || len(p) > maxPurposeLen {
		return false
	}
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// Consent is the record of a customer's explicit consent to one purpose
// other than the inquiry, as the host keeps it with the contact: what the
// customer agreed to, when, and through which form, and when they withdrew
// it, if they did.
type Consent struct {
	// Purpose is the one purpose consented to, compared exactly.
	Purpose Purpose `json:"purpose"`
	// Agreed is the text, or the version of the text, the customer agreed
	// to, e.g. "marketing-sms-v3".
	Agreed string `json:"agreed"`
	// At is when the customer gave the consent.
	At time.Time `json:"at"`
	// Form names the form that collected it, e.g. the workflow's input form.
	Form string `json:"form"`
	// Withdrawn is when the customer withdrew the consent; zero while it
	// stands.
	Withdrawn time.Time `json:"withdrawn,omitzero"`
}

// Validate reports [ErrBadPurpose] for a purpose that is not valid, and
// [ErrIncompleteConsent] for a record with an empty Agreed or Form or a zero
// At. A host can call it when it records a consent.
func (c Consent) Validate() error {
	if !c.Purpose.Valid() {
		return ErrBadPurpose
	}
	if c.Agreed == "" || c.Form == "" || c.At.IsZero() {
		return ErrIncompleteConsent
	}
	return nil
}

// Permit is purpose limitation: it reports whether contact data collected
// for the purpose collectedFor may be used for the purpose use at now. An
// empty collectedFor is [PurposeInquiry], which is what the follow-up feature
// collects contact data for.
//
// Using data collected for the inquiry to answer the inquiry is always
// permitted; nothing else is without consent. Any other use (marketing,
// analytics, handing it to a third party, a host's own purpose) is permitted
// only with a consent in consents for exactly that purpose that is in force
// at now: given at or before now, not withdrawn at or before now, and
// complete (see [Consent.Validate]). That holds even when collectedFor names
// the same purpose: a label on the data is not proof that the customer
// agreed, so Permit(now, PurposeMarketing, PurposeMarketing, nil) is refused.
// Data collected for another purpose needs a consent to [PurposeInquiry]
// to be used for the inquiry. A consent record that is incomplete is not
// proof and counts as missing.
//
// Permit returns nil, or an error wrapping [ErrConsentRequired] that names
// the purpose (and wraps [ErrIncompleteConsent] too when the only records for
// it are incomplete), or [ErrBadPurpose] when use or a non-empty collectedFor
// is not [Purpose.Valid]. It never needs the contact data itself.
//
// The follow-up engine only ever uses contact data for [PurposeInquiry]; it
// calls Permit so that a host that reuses the rule elsewhere gets the same
// answer.
func Permit(now time.Time, use, collectedFor Purpose, consents []Consent) error {
	if collectedFor == "" {
		collectedFor = PurposeInquiry
	}
	if !use.Valid() || !collectedFor.Valid() {
		return ErrBadPurpose
	}
	if use == PurposeInquiry && collectedFor == PurposeInquiry {
		return nil
	}
	incomplete := false
	for _, c := range consents {
		if c.Purpose != use || c.At.After(now) || (!c.Withdrawn.IsZero() && !c.Withdrawn.After(now)) {
			continue
		}
		if c.Agreed == "" || c.Form == "" || c.At.IsZero() {
			incomplete = true
			continue
		}
		return nil
	}
	if incomplete {
		return fmt.Errorf("%w: %s: %w", ErrConsentRequired, use, ErrIncompleteConsent)
	}
	return fmt.Errorf("%w: %s", ErrConsentRequired, use)
}
