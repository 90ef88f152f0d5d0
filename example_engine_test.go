package followup_test

import (
	"context"
	"fmt"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

// A customer left the chat; an agent answered twice. Plan says one
// follow-up is due, carrying both replies, three minutes after the newest.
func ExampleEngine_Plan() {
	s := followup.Settings{AskPhone: true, AskEmail: true}
	e, err := followup.NewEngine(s, followup.Account{HasPaymentMethod: true}, notify.Senders{}, followup.Options{})
	if err != nil {
		panic(err)
	}
	left := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	phone, _ := followup.ParsePhone("010-1234-5678", "KR")
	c := followup.Conversation{
		ID:            "chat-7",
		CustomerWrote: true,
		Presence:      followup.Presence{Open: false, LastActive: left, Since: left},
		Contact:       followup.Contact{Phone: phone, Email: "minji@example.com"},
		Unseen: []followup.Reply{
			{ID: "m1", Text: "확인해 보겠습니다.", At: left.Add(time.Minute)},
			{ID: "m2", Text: "내일 출고됩니다.", At: left.Add(2 * time.Minute)},
		},
	}
	p := e.Plan(left.Add(3*time.Minute), c)
	fmt.Println(p.Reason, p.SendAt.Format("15:04"), p.Channels, p.Replies)

	// The customer comes back before it is sent.
	c.Presence = followup.Presence{Open: true, Focused: true, LastActive: left.Add(4 * time.Minute)}
	fmt.Println(e.Plan(left.Add(4*time.Minute), c).Reason)
	// Output:
	// due 14:05 [sms email] 2
	// customerPresent
}

// At the plan's SendAt the host delivers it with the conversation as it is
// now, stores the records, and a second delivery of the same plan sends
// nothing.
func ExampleEngine_Deliver() {
	senders := notify.Senders{
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			fmt.Printf("sms: %q\n", m.Text)
			return nil
		}),
	}
	s := followup.Settings{AskPhone: true, Text: followup.TextOptions{SenderNumber: "1588-1234"}}
	e, err := followup.NewEngine(s, followup.Account{HasPaymentMethod: true}, senders, followup.Options{Workspace: "Acme"})
	if err != nil {
		panic(err)
	}
	left := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	phone, _ := followup.ParsePhone("010-1234-5678", "KR")
	c := followup.Conversation{
		ID: "chat-7", CustomerWrote: true, Locale: "en",
		Presence: followup.Presence{Open: false, LastActive: left, Since: left},
		Contact:  followup.Contact{Phone: phone},
		Unseen:   []followup.Reply{{ID: "m1", Author: "Jisoo", Text: "It ships tomorrow.", At: left.Add(time.Minute)}},
	}
	p := e.Plan(left, c)
	res, err := e.Deliver(context.Background(), p.SendAt, p, c)
	if err != nil {
		panic(err)
	}
	fmt.Println(res.Status, res.Report.Delivered(notify.ChannelSMS), len(res.Records))

	c.FollowUps = append(c.FollowUps, res.Records...)
	again, _ := e.Deliver(context.Background(), p.SendAt.Add(time.Minute), p, c)
	fmt.Println(again.Status, again.Plan.Reason)
	// Output:
	// sms: "[Acme] You have a new reply to your inquiry.\n\nJisoo: It ships tomorrow."
	// sent true 1
	// cancelled alreadyFollowedUp
}
