package policy_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/followup-go/followup/policy"
)

// Contact data collected to answer an inquiry may be used to answer it, but a
// newsletter needs the customer's own consent to marketing, kept with what
// they agreed to, when, and through which form.
func ExamplePermit() {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

	err := policy.Permit(now, policy.PurposeInquiry, policy.PurposeInquiry, nil)
	fmt.Println("answer the inquiry:", err)

	err = policy.Permit(now, policy.PurposeMarketing, policy.PurposeInquiry, nil)
	fmt.Println("send a newsletter: ", err)
	fmt.Println("consent required:  ", errors.Is(err, policy.ErrConsentRequired))

	consents := []policy.Consent{{
		Purpose: policy.PurposeMarketing,
		Agreed:  "newsletter-terms-v2",
		At:      now.Add(-72 * time.Hour),
		Form:    "workflow:newsletter-signup",
	}}
	err = policy.Permit(now, policy.PurposeMarketing, policy.PurposeInquiry, consents)
	fmt.Println("with consent:      ", err)

	consents[0].Withdrawn = now.Add(-time.Hour)
	err = policy.Permit(now, policy.PurposeMarketing, policy.PurposeInquiry, consents)
	fmt.Println("after withdrawal:  ", err)
	// Output:
	// answer the inquiry: <nil>
	// send a newsletter:  policy: consent required: marketing
	// consent required:   true
	// with consent:       <nil>
	// after withdrawal:   policy: consent required: marketing
}

// Before a text goes out, the host passes the times of the texts already sent
// to that phone number and by the workspace. A refused text is deferred, not
// dropped: CapRetryAt says until when.
func ExampleCaps_Check() {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	caps := policy.Caps{
		PerRecipient: policy.Cap{Max: 3, Window: 24 * time.Hour},
		// PerWorkspace is unset: the default, 200 per hour.
	}
	toRecipient := []time.Time{
		now.Add(-2 * time.Hour),
		now.Add(-20 * time.Hour), // the oldest: it leaves the window at 16:00
		now.Add(-30 * time.Minute),
	}
	byWorkspace := toRecipient

	err := caps.Check(now, toRecipient[:2], byWorkspace)
	fmt.Println("third text:", err)

	err = caps.Check(now, toRecipient, byWorkspace)
	fmt.Println("fourth text:", err)
	fmt.Println("recipient cap:", errors.Is(err, policy.ErrRecipientCapReached))
	if at, ok := policy.CapRetryAt(err); ok {
		fmt.Println("defer until:", at.Format(time.RFC3339))
	}
	// Output:
	// third text: <nil>
	// fourth text: policy: per-recipient send cap reached (3 per 24h); retry at 2026-11-24T16:00:00Z
	// recipient cap: true
	// defer until: 2026-11-24T16:00:00Z
}
