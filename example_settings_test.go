package followup_test

import (
	"errors"
	"fmt"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

// An admin turns on the phone question before registering a payment method,
// and types a sender number with digits missing. Validate reports both
// problems at once, and the admin page can test for each.
func ExampleSettings_Validate() {
	s := followup.Settings{
		AskPhone: true,
		AskEmail: true,
		Text:     followup.TextOptions{SenderNumber: "02-123-45"},
	}
	err := s.Validate(followup.Account{HasPaymentMethod: false})
	fmt.Println(err)
	fmt.Println("needs a payment method:", errors.Is(err, policy.ErrPaymentMethodRequired))

	// Once a payment method is registered, only the sender number is wrong.
	err = s.Validate(followup.Account{HasPaymentMethod: true})
	var se *followup.SettingError
	if errors.As(err, &se) {
		fmt.Println("fix:", se.Setting)
	}
	// Output:
	// followup: settings: askPhone: policy: a registered payment method is required for text messages
	// followup: settings: text.senderNumber: sender number must be 8 to 11 digits
	// needs a payment method: true
	// fix: text.senderNumber
}

// The channels follow; when the payment method lapses, text is dropped and
// the reason is given, while email goes on.
func ExampleSettings_Channels() {
	s := followup.Settings{AskPhone: true, AskEmail: true, Text: followup.TextOptions{AlimTalkTemplate: "FOLLOWUP_01"}}

	fmt.Println(s.Channels(followup.Account{HasPaymentMethod: true}).Enabled)

	lapsed := s.Channels(followup.Account{HasPaymentMethod: false})
	fmt.Println(lapsed.Enabled)
	for _, d := range lapsed.Dropped {
		fmt.Printf("%v dropped: %v\n", d.Channel, d.Err)
	}
	// Output:
	// [alimtalk sms email]
	// [email]
	// alimtalk dropped: policy: a registered payment method is required for text messages
	// sms dropped: policy: a registered payment method is required for text messages
}
