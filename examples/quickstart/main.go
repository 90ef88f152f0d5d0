// Command quickstart walks through follow-up notifications from the
// workspace's settings to the chat bot's intake, the contact-required gate,
// and a follow-up planned and delivered after the customer left.
//
//	go run ./examples/quickstart
//
// The decisions are pure functions of values; the "providers" are console
// senders that print what a real provider would receive, with the
// recipients masked.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	// The dispatcher calls the senders below at the same time, so every
	// line is written under a lock, and a sender writes its block in one call.
	var mu sync.Mutex
	say := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintf(w, format+"\n", args...)
	}

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
	say("2. A customer opens the chat. The gate keeps it out of the inbox for now: %v.", settings.Admit(opened, followup.Contact{}, account))
	say("   The bot asks: %v", settings.Questions(account))
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
	c, err := settings.ParseContact(contact, account)
	if err != nil {
		return err
	}
	say("   The contact, as any log line shows it: %v", c)
	say("   Reachable for a follow-up: %v", settings.Reachable(c, account))
	say("")

	say("4. With contact information the chat reaches the inbox: %v.", settings.Admit(opened, c, account))
	say("   Another customer leaves without giving any: %v, never shown to an agent.", settings.Leave(opened, false, followup.Contact{}, account))
	say("")

	// The host's providers. Here they print; a real host calls its Kakao
	// vendor, SMS gateway and mail service (see notify.SMSSender).
	senders := notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			say("   [AlimTalk provider] template %s, key %s:\n%s", m.TemplateCode, m.Key, indent(m.Text))
			return nil
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			say("   [SMS provider] key %s: %s", m.Key, m.Text)
			return nil
		}),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			say("   [mail service] subject %q, key %s, %d bytes of HTML", m.Subject, m.Key, len(m.HTML))
			return nil
		}),
	}
	engine, err := followup.NewEngine(settings, account, senders, followup.Options{
		Workspace: "예시상점",
		Link:      func(c followup.Conversation) string { return "https://chat.example.com/c/" + c.ID },
	})
	if err != nil {
		return err
	}

	left := opened.Add(4 * time.Minute)
	conv := followup.Conversation{
		ID:            "chat-1042",
		CustomerWrote: true,
		Contact:       c,
		Locale:        "ko",
		Presence:      followup.Presence{Open: false, LastActive: left, Since: left},
	}
	say("5. The customer closes the chat at %s. Two agent replies follow:", left.Format("15:04"))
	for i, text := range []string{"주문하신 상품은 내일 출고됩니다.", "출고 후 송장 번호를 알려 드릴게요."} {
		at := left.Add(time.Duration(2+i) * time.Minute)
		conv.Unseen = append(conv.Unseen, followup.Reply{ID: fmt.Sprintf("m%d", i+1), Author: "상담원 이서연", Text: text, At: at})
		p := engine.Plan(at, conv)
		say("   %s reply %d -> plan: %v at %s on %v, key %v", at.Format("15:04"), i+1, p.Reason, p.SendAt.Format("15:04"), p.Channels, p.Key)
	}
	say("   Both replies share one key: the second joined the pending follow-up.")
	say("")

	plan := engine.Plan(left.Add(3*time.Minute), conv)
	say("6. At %s the host's job fires and delivers:", plan.SendAt.Format("15:04"))
	res, err := engine.Deliver(context.Background(), plan.SendAt, plan, conv)
	if err != nil {
		return err
	}
	say("7. The report:")
	for _, e := range res.Report.Entries {
		say("   %-8s %s via %s after %d attempt(s)", e.Channel, e.Outcome, e.Via, len(e.Attempts))
	}
	say("   The host records %d entries; delivering the same plan again sends nothing:", len(res.Records))
	conv.FollowUps = append(conv.FollowUps, res.Records...)
	again, err := engine.Deliver(context.Background(), plan.SendAt.Add(time.Second), plan, conv)
	if err != nil {
		return err
	}
	say("   second delivery: %v (%v)", again.Status, again.Plan.Reason)
	return nil
}

// indent prefixes every line of s for the story's layout.
func indent(s string) string {
	return "     | " + strings.ReplaceAll(s, "\n", "\n     | ")
}
