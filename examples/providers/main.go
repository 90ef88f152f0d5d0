// Command providers shows a host's senders over real HTTP provider APIs:
// an [AlimTalkSender] and an [SMSSender] for APIs in the shape of NHN Cloud's
// KakaoTalk Bizmessage (v2.1) and SMS (v3.0) APIs, wired into a
// notify.Dispatcher.
//
//	go run ./examples/providers
//
// The program starts a local fake of the provider (net/http/httptest), so it
// needs no account and no network. It dispatches an AlimTalk with a
// substitute LMS to a customer the provider reports as "not a KakaoTalk
// user": the AlimTalk sender turns that answer into
// notify.ErrRecipientRefused, the dispatcher sends the substitute through
// the SMS sender, and the report says the follow-up was delivered by
// substitute. Then the host's queue fires the same job again, as
// at-least-once queues do, and the idempotency keys keep the customer from
// getting a second message.
//
// # Adapting it
//
// Copy alimtalk.go, sms.go and client.go into a package of your own (they
// are package main here only so that the example runs) and build the
// senders from your vendor's settings, one [Config] per service:
//
//	alimTalk, err := providers.NewAlimTalkSender(providers.Config{
//		BaseURL:           os.Getenv("KAKAO_API_BASE_URL"),
//		AppKey:            os.Getenv("KAKAO_APP_KEY"),
//		SecretKey:         os.Getenv("KAKAO_SECRET_KEY"),
//		SenderKey:         os.Getenv("KAKAO_SENDER_KEY"),
//		IdempotencyHeader: "X-NC-API-IDEMPOTENCY-KEY", // as your vendor documents it
//	})
//
// then pass them in notify.Senders, to a notify.Dispatcher or to
// followup.NewEngine. What to check for your vendor:
//
//   - the paths and field names of the request bodies (alimTalkRequest,
//     smsRequest) and of the answer (response in client.go);
//   - the result codes that mean "recipient refused", "invalid recipient",
//     "template mismatch" and "duplicate request" (alimTalkCode, smsCode);
//   - the name of the idempotency header, and how long the provider
//     remembers a key;
//   - that the provider's own substitute sending stays off: the dispatcher
//     sends the substitute itself, and the customer must get one message;
//   - where the provider reports a recipient without KakaoTalk: in the
//     answer to the send request, as the fake here does, or only later in
//     the delivery results, which the host then has to poll to send the
//     substitute (see [AlimTalkSender]).
//
// The senders handle Korean numbers only (E.164 "+82..." in, national
// "010..." out) and refuse others as permanent failures. Their errors never
// hold the recipient or the message text.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"os"
	"slices"
	"strings"

	"github.com/followup-go/followup/notify"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "providers:", err)
		os.Exit(1)
	}
}

// run tells the story to w.
func run(w io.Writer) error {
	say := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }

	const appKey, secretKey = "demo-app-key", "demo-secret-key"
	provider := newFakeProvider(appKey, secretKey)
	provider.withoutKakaoTalk("01012345678")
	srv := httptest.NewServer(provider)
	defer srv.Close()

	// One Config per service; a real host reads them from its settings.
	alimTalk, err := NewAlimTalkSender(Config{
		BaseURL: srv.URL, AppKey: appKey, SecretKey: secretKey,
		SenderKey: "demo-sender-key", HTTPClient: srv.Client(),
	})
	if err != nil {
		return err
	}
	sms, err := NewSMSSender(Config{
		BaseURL: srv.URL, AppKey: appKey, SecretKey: secretKey,
		SendNo: "1588-1234", HTTPClient: srv.Client(),
	})
	if err != nil {
		return err
	}
	d := &notify.Dispatcher{Senders: notify.Senders{AlimTalk: alimTalk, SMS: sms}}

	const link = "https://chat.example.com/c/chat-1042"
	msg := notify.AlimTalk{
		Key:          "chat-1042/1/alimtalk",
		To:           "+821012345678",
		TemplateCode: "FOLLOWUP_REPLY",
		Variables: map[string]string{
			"workspace": "예시상점",
			"agent":     "이서연",
			"reply":     "주문하신 상품은 내일 출고됩니다.",
		},
		Text:    "[예시상점] 문의에 답변이 도착했습니다.\n\n이서연: 주문하신 상품은 내일 출고됩니다.",
		Buttons: []notify.Button{{Name: "채팅 열기", MobileURL: link}},
		Substitute: &notify.SMS{
			Key:     "chat-1042/1/sms",
			To:      "+821012345678",
			Subject: "[예시상점] 문의 답변",
			Text:    "[예시상점] 이서연 상담원이 문의에 답변했습니다: 주문하신 상품은 내일 출고됩니다. 이어서 대화하기: " + link,
		},
	}

	say("Follow-up chat-1042 goes out through HTTP APIs shaped like NHN Cloud's,")
	say("played by a local fake provider. The customer's number has no KakaoTalk.")
	say("")

	report := d.Dispatch(context.Background(), notify.Batch{AlimTalk: &msg})
	entry, ok := report.Entry(notify.ChannelAlimTalk)
	xs := provider.Exchanges()
	if !ok || len(entry.Attempts) != 2 || len(xs) != 2 {
		return fmt.Errorf("expected two attempts and two requests, got %d and %d", len(entry.Attempts), len(xs))
	}

	say("1. The dispatcher sends the AlimTalk through the AlimTalk sender.")
	describe(say, xs[0])
	err = entry.Attempts[0].Err
	say("   The sender returns: %v", err)
	say("   permanent: %v, recipient refused: %v", notify.IsPermanent(err), errors.Is(err, notify.ErrRecipientRefused))
	say("")

	say("2. The AlimTalk certainly did not go through, so the dispatcher sends its")
	say("   substitute through the SMS sender.")
	describe(say, xs[1])
	say("   The sender returns: %v", orDelivered(entry.Attempts[1].Err))
	say("")

	say("3. The report:")
	printReport(say, report)
	say("   The customer got one message: the LMS.")
	say("")

	say("4. The host's queue fires the same job again, as at-least-once queues do.")
	again := d.Dispatch(context.Background(), notify.Batch{AlimTalk: &msg})
	for _, x := range provider.Exchanges()[2:] {
		say("   POST %s, %s %s: %s", x.Path, DefaultIdempotencyHeader, x.IdempotencyKey, answerOf(x))
	}
	printReport(say, again)
	say("   The repeated LMS carried the same idempotency key, and the provider")
	say("   dropped it: the customer still has one message.")
	return nil
}

// describe prints what the provider received and answered, with the
// recipient masked.
func describe(say func(string, ...any), x exchange) {
	say("   POST %s", x.Path)
	say("     %s: %s", DefaultIdempotencyHeader, x.IdempotencyKey)
	switch {
	case x.AlimTalk != nil:
		r := x.AlimTalk.RecipientList[0]
		say("     senderKey %s, templateCode %s, recipientNo %s", x.AlimTalk.SenderKey, x.AlimTalk.TemplateCode, maskNational(r.RecipientNo))
		say("     templateParameter: %s", strings.Join(slices.Sorted(maps.Keys(r.TemplateParameter)), ", "))
		for _, b := range r.Buttons {
			say("     button %d: %s -> %s", b.Ordering, b.Name, b.LinkMo)
		}
		say("     resendParameter.isResend: %v (the provider's own substitute sending is off)", r.ResendParameter.IsResend)
	case x.SMS != nil:
		n, _ := notify.EUCKRLen(x.SMS.Body)
		say("     sendNo %s, recipientNo %s, title %q", x.SMS.SendNo, maskNational(x.SMS.RecipientList[0].RecipientNo), x.SMS.Title)
		if strings.HasSuffix(x.Path, "/mms") {
			say("     body: %d EUC-KR bytes, over %d, so LMS (/mms)", n, notify.SMSMaxBytes)
		} else {
			say("     body: %d EUC-KR bytes, so SMS (/sms)", n)
		}
	}
	say("   The provider answers %s.", answerOf(x))
}

// answerOf says what the provider answered x.
func answerOf(x exchange) string {
	if x.Code != 0 {
		return fmt.Sprintf("HTTP %d, result code %d: %s", x.Status, x.Code, x.Note)
	}
	return fmt.Sprintf("HTTP %d: %s", x.Status, x.Note)
}

// printReport prints every entry of r and its attempts.
func printReport(say func(string, ...any), r notify.Report) {
	for _, e := range r.Entries {
		say("   %s: %s via %s, %d attempt(s)", e.Channel, e.Outcome, e.Via, len(e.Attempts))
		for i, a := range e.Attempts {
			say("     attempt %d on %s: %v", i+1, a.Channel, orDelivered(a.Err))
		}
	}
	say("   Report.Err(): %v", r.Err())
}

// orDelivered returns err, or "delivered" for nil.
func orDelivered(err error) any {
	if err == nil {
		return "delivered"
	}
	return err
}

// maskNational masks a national number for the story: "010****5678".
func maskNational(n string) string {
	if len(n) < 8 {
		return strings.Repeat("*", len(n))
	}
	return n[:3] + strings.Repeat("*", len(n)-7) + n[len(n)-4:]
}
