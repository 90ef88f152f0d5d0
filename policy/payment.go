package policy

import (
	"errors"

	"github.com/followup-go/followup/notify"
)

// ErrPaymentMethodRequired is the error for a text channel (AlimTalk or SMS)
// on an account without a registered payment method: text messages cost money
// per message, so the phone question and text follow-ups need one.
var ErrPaymentMethodRequired = errors.New("policy: a registered payment method is required for text messages")

// Paid reports whether sending on c costs the workspace money per message.
// AlimTalk and SMS are paid; email and push are not.
func Paid(c notify.Channel) bool {
	return c == notify.ChannelAlimTalk || c == notify.ChannelSMS
}

// Payable is the payment precondition: it returns [ErrPaymentMethodRequired]
// when c is a [Paid] channel and the account has no payment method, and nil
// otherwise. Settings validation and the effective channel list both use it,
// so the rule lives here only.
func Payable(c notify.Channel, hasPaymentMethod bool) error {
	if Paid(c) && !hasPaymentMethod {
		return ErrPaymentMethodRequired
	}
	return nil
}
