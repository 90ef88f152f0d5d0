// Command quickstart walks through follow-up notifications from the
// workspace's settings to the chat bot's intake and the contact-required gate.
//
//	go run ./examples/quickstart
//
// Everything here is a pure decision over values: no network, no storage.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	say("1. The admin turns on follow-ups.")
	settings := followup.Settings{
		AskName:  true,
		AskPhone: true,
		AskEmail: true,
		Gate:     policy.Gate{Mode: policy.GateAlways},
		Region:   "KR",
		Locale:   "ko",
		Text:     followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: "FOLLOWUP_REPLY"},
	}
	account := followup.Account{HasPaymentMethod: false}
	err := settings.Validate(account)
	say("   Saving without a payment method is refused: %v", err)
	if !errors.Is(err, policy.ErrPaymentMethodRequired) {
		return fmt.Errorf("expected the payment precondition, got %v", err)
	}
	account.HasPaymentMethod = true
	if err := settings.Validate(account); err != nil {
		return err
	}
	say("   With a card on file the settings are valid.")
	say("   Follow-ups will go out on %v (SMS is AlimTalk's substitute).", settings.Channels(account).Enabled)
	say("")

	opened := time.Date(2026, 11, 24, 22, 5, 0, 0, time.UTC)
	say("2. A customer opens the chat. The gate keeps it out of the inbox for now: %v.", settings.Gate.Admit(opened, false))
	say("   The bot asks: %v", settings.Questions())
	say("")

	say("3. The customer answers.")
	var contact followup.ContactInput
	contact.Name = "김민지"
	answers := []struct{ what, text string }{
		{"a Seoul landline number", "02-123-4567"},
		{"a mobile number", "010-1234-5678"},
	}
	for _, answer := range answers {
		phone, err := followup.ParsePhone(answer.text, settings.Region)
		if err == nil {
			err = phone.TextError()
		}
		var fe *followup.FieldError
		if errors.As(err, &fe) {
			say("   They type %s: refused (%s). The bot says:", answer.what, fe.Code)
			say("     ko: %s", fe.Message("ko"))
			say("     en: %s", fe.Message("en"))
			continue
		}
		if err != nil {
			return err
		}
		say("   They type %s: accepted and stored as E.164; logs see only %v.", answer.what, phone)
		contact.Phone = answer.text
	}
	contact.Email = "  MinJi.Kim@Example.COM "
	c, err := settings.ParseContact(contact)
	if err != nil {
		return err
	}
	say("   The contact, as any log line shows it: %v", c)
	say("   Reachable for a follow-up: %v", c.Reachable())
	say("")

	say("4. With contact information the chat reaches the inbox: %v.", settings.Gate.Admit(opened, c.Reachable()))
	say("   Another customer leaves without giving any: %v, never shown to an agent.", settings.Gate.Leave(opened, false))
	return nil
}
