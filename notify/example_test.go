package notify_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/followup-go/followup/notify"
)

// A host wires its providers in with the Func adapters. Here the Kakao
// provider says the customer blocked the workspace's channel, so the
// AlimTalk goes out as its substitute SMS; the email provider is down.
func ExampleDispatcher() {
	senders := notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			return notify.ErrRecipientRefused
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			kind, _ := m.Kind()
			fmt.Printf("sms provider: %s with key %s\n", kind, m.Key)
			return nil
		}),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			return notify.Permanent(errors.New("mailbox does not exist"))
		}),
	}
	d := &notify.Dispatcher{Senders: senders}
	report := d.Dispatch(context.Background(), notify.Batch{
		AlimTalk: &notify.AlimTalk{
			Key: "fu-1-alimtalk", To: "+821012345678", TemplateCode: "FOLLOWUP",
			Text: "[예시상점] 상담원이 답변했습니다.",
			Substitute: &notify.SMS{Key: "fu-1-sms", From: "15881234", To: "+821012345678",
				Text: "[예시상점] 상담원이 답변했습니다."},
		},
		Email: &notify.Email{Key: "fu-1-email", To: "minji@example.com", Subject: "답변", Text: "…"},
	})
	for _, e := range report.Entries {
		if e.Succeeded() {
			fmt.Printf("%s: %s via %s, %d attempts\n", e.Channel, e.Outcome, e.Via, len(e.Attempts))
		} else {
			fmt.Printf("%s: %s, %d attempts\n", e.Channel, e.Outcome, len(e.Attempts))
		}
	}
	fmt.Println(report.Err())
	// Output:
	// sms provider: sms with key fu-1-sms
	// alimtalk: deliveredBySubstitute via sms, 2 attempts
	// email: failed, 1 attempts
	// notify: email: mailbox does not exist
}

func ExampleSMSFunc() {
	var sender notify.SMSSender = notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, _ := notify.EUCKRLen(m.Text)
		fmt.Printf("sending %d bytes to the gateway with idempotency key %s\n", n, m.Key)
		return nil
	})
	_ = sender.SendSMS(context.Background(), notify.SMS{Key: "fu-1-sms", From: "15881234", To: "+821012345678", Text: "답변이 도착했습니다."})
	// Output: sending 20 bytes to the gateway with idempotency key fu-1-sms
}
