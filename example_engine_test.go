package followup_test

import (
	"context"
	"errors"
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

// An SMS gateway takes a text, but its answer is lost: the sender sees a
// connection reset, and cannot tell whether the text went. With a
// RetryWindow the engine records it as Transient and the host's job runs
// again at res.Next, when it goes with the same key; the gateway, which
// drops duplicate keys, does not send it twice.
func ExampleOptions_retryWindow() {
	sent := map[string]bool{} // the gateway's duplicate check, by key
	calls := 0
	senders := notify.Senders{
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			calls++
			if sent[m.Key] {
				fmt.Printf("call %d: a duplicate key: dropped\n", calls)
				return nil
			}
			sent[m.Key] = true
			if calls == 1 {
				fmt.Printf("call %d: sent, and the answer is lost\n", calls)
				return errors.New("gateway: connection reset")
			}
			fmt.Printf("call %d: sent\n", calls)
			return nil
		}),
	}
	s := followup.Settings{AskPhone: true, Text: followup.TextOptions{SenderNumber: "1588-1234"}}
	e, err := followup.NewEngine(s, followup.Account{HasPaymentMethod: true}, senders, followup.Options{
		Workspace:   "Acme",
		RetryWindow: 10 * time.Minute, // no longer than the gateway remembers a key
		Dispatch:    notify.Options{MaxAttempts: 1},
	})
	if err != nil {
		panic(err)
	}
	left := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	phone, _ := followup.ParsePhone("010-1234-5678", "KR")
	c := followup.Conversation{
		ID: "chat-7", CustomerWrote: true, Locale: "en",
		Presence: followup.Presence{Open: false, LastActive: left, Since: left},
		Contact:  followup.Contact{Phone: phone},
		Unseen:   []followup.Reply{{ID: "m1", Text: "It ships tomorrow.", At: left.Add(time.Minute)}},
	}
	p := e.Plan(left, c)
	res, _ := e.Deliver(context.Background(), p.SendAt, p, c)
	r := res.Records[0]
	fmt.Println(res.Status, "delivered:", r.Delivered, "transient:", r.Transient, "again at", res.Next.Format("15:04:05"))

	c.FollowUps = append(c.FollowUps, res.Records...)
	res, _ = e.Deliver(context.Background(), res.Next, res.Plan, c)
	fmt.Println(res.Status, "delivered:", res.Records[0].Delivered)
	// Output:
	// call 1: sent, and the answer is lost
	// sent delivered: false transient: true again at 14:05:03
	// call 2: a duplicate key: dropped
	// sent delivered: true
}
