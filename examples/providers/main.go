// Command providers shows a host's senders over real HTTP provider APIs:
// an [AlimTalkSender] and an [SMSSender] for APIs in the shape of NHN Cloud's
// KakaoTalk Bizmessage AlimTalk API v2.1 and SMS API v3.0, used by a
// followup.Engine.
//
//	go run ./examples/providers
//
// The program starts a local fake of the provider (net/http/httptest), so it
// needs no account and no network. It delivers a follow-up to a customer
// the provider reports as "not a KakaoTalk user": the AlimTalk sender turns
// that answer into notify.ErrRecipientRefused, the dispatcher sends the
// substitute LMS through the SMS sender, and the report says the follow-up
// was delivered by substitute. Then the host's queue fires the same job
// again, as at-least-once queues do, and Engine.Deliver finds the follow-up
// in the records the host stored (Conversation.FollowUps) and sends
// nothing: that check, not the provider, keeps the customer at one message,
// since NHN Cloud's SMS API takes no idempotency key. Last, a host without
// an SMS sender has the provider send the substitute itself
// (Config.ProviderSubstitute).
//
// # Adapting it
//
// Copy alimtalk.go, sms.go and client.go into a package of your own (they
// are package main here only so that the example runs) and build the
// senders from your vendor's settings, one [Config] per service:
//
//	alimTalk, err := providers.NewAlimTalkSender(providers.Config{
//		BaseURL:   os.Getenv("KAKAO_API_BASE_URL"),
//		AppKey:    os.Getenv("KAKAO_APP_KEY"),
//		SecretKey: os.Getenv("KAKAO_SECRET_KEY"),
//		SenderKey: os.Getenv("KAKAO_SENDER_KEY"),
//	})
//
// then pass them in notify.Senders, to followup.NewEngine or a
// notify.Dispatcher. What to check for your vendor:
//
//   - the paths and field names of the request bodies (alimTalkRequest,
//     smsRequest) and of the answer (response in client.go), against the
//     API version you use; the fake provider refuses a field NHN Cloud's
//     guides do not list;
//   - the result codes that mean "recipient refused", "invalid recipient",
//     "template mismatch" and "duplicate request" (alimTalkCode, smsCode);
//   - the name of the idempotency header of each service, and how long the
//     provider remembers a key: NHN Cloud's AlimTalk API takes
//     X-NC-API-IDEMPOTENCY-KEY for 10 minutes, its SMS API none, so a
//     repeated SMS goes twice (see [SMSSender] for what that means for
//     followup.Options.RetryWindow);
//   - the template: the AlimTalk's buttons and their links are the approved
//     template's, so a link that varies per message is a variable in the
//     button's URL (#{link}), sent as a template parameter
//     ([Config.LinkVariable] when the body does not use it);
//   - substitute sending: with an SMS sender the dispatcher sends the
//     substitute, and the provider's own must stay off (the default); a
//     host without one sets [Config.ProviderSubstitute], or a customer
//     without KakaoTalk gets no text;
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
	"time"

	"github.com/followup-go/followup"
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
	ctx := context.Background()

	const appKey, secretKey = "demo-app-key", "demo-secret-key"
	provider := newFakeProvider(appKey, secretKey)
	provider.withoutKakaoTalk("01012345678", "01098765432")
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
	settings := followup.Settings{
		AskPhone: true, Region: "KR", Locale: "ko",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: fakeTemplate},
	}
	account := followup.Account{HasPaymentMethod: true}
	opts := followup.Options{
		Workspace: "예시상점",
		Link:      func(c followup.Conversation) string { return "https://chat.example.com/c/" + c.ID },
	}
	engine, err := followup.NewEngine(settings, account, notify.Senders{AlimTalk: alimTalk, SMS: sms}, opts)
	if err != nil {
		return err
	}

	say("Follow-up chat-1042 goes out through HTTP APIs shaped like NHN Cloud's,")
	say("played by a local fake provider. The customer's number has no KakaoTalk.")
	say("")

	conv, err := awayCustomer(settings, account, "chat-1042", "010-1234-5678")
	if err != nil {
		return err
	}
	plan := engine.Plan(conv.Unseen[0].At, conv)
	res, err := engine.Deliver(ctx, plan.SendAt, plan, conv)
	if err != nil {
		return err
	}
	entry, ok := res.Report.Entry(notify.ChannelAlimTalk)
	xs := provider.Exchanges()
	if !ok || len(entry.Attempts) != 2 || len(xs) != 2 {
		return fmt.Errorf("expected two attempts and two requests, got %d and %d", len(entry.Attempts), len(xs))
	}

	say("1. Engine.Deliver sends the AlimTalk through the AlimTalk sender.")
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
	printReport(say, res.Report)
	say("   Messages that reached the customer: %s.", received(provider, "01012345678"))
	say("")

	say("4. The host stores the result's %d record(s) in Conversation.FollowUps,", len(res.Records))
	say("   in the transaction that completes the job. The queue then fires the")
	say("   same job again, as at-least-once queues do.")
	conv.FollowUps = append(conv.FollowUps, res.Records...)
	again, err := engine.Deliver(ctx, plan.SendAt.Add(time.Minute), plan, conv)
	if err != nil {
		return err
	}
	say("   Engine.Deliver: %v (%v). Requests the provider received since: %d.", again.Status, again.Plan.Reason, len(provider.Exchanges())-len(xs))
	say("   Messages that reached the customer: %s.", received(provider, "01012345678"))
	say("   The stored record kept the customer at one message, not the provider:")
	say("   NHN Cloud's SMS API takes no idempotency key, so an LMS sent again is a")
	say("   second message. Store the records before the job can run again, and with")
	say("   that API leave Options.RetryWindow off: it sends again a text that may")
	say("   have gone, and is only for providers that drop a repeated key.")
	say("")

	// A host with no SMS sender: the provider sends the substitute.
	alimTalkOnly, err := NewAlimTalkSender(Config{
		BaseURL: srv.URL, AppKey: appKey, SecretKey: secretKey,
		SenderKey: "demo-sender-key", SendNo: "1588-1234", HTTPClient: srv.Client(),
		ProviderSubstitute: true,
	})
	if err != nil {
		return err
	}
	engine, err = followup.NewEngine(settings, account, notify.Senders{AlimTalk: alimTalkOnly}, opts)
	if err != nil {
		return err
	}
	conv, err = awayCustomer(settings, account, "chat-1043", "010-9876-5432")
	if err != nil {
		return err
	}
	say("5. Another host has no SMS sender, so its AlimTalk sender sets")
	say("   Config.ProviderSubstitute: the provider sends the substitute itself.")
	plan = engine.Plan(conv.Unseen[0].At, conv)
	if res, err = engine.Deliver(ctx, plan.SendAt, plan, conv); err != nil {
		return err
	}
	xs = provider.Exchanges()[len(xs):]
	if len(xs) != 1 {
		return fmt.Errorf("expected one request, got %d", len(xs))
	}
	describe(say, xs[0])
	say("   The sender returns nil: the provider sent the LMS in the AlimTalk's place,")
	say("   and the dispatcher, which has no SMS sender, must not try to.")
	printReport(say, res.Report)
	say("   Messages that reached the customer: %s.", received(provider, "01098765432"))
	return nil
}

// awayCustomer returns the conversation id of a customer with the mobile
// number phone, who left the chat at 14:00 KST and has not seen an agent's
// reply of 14:02.
func awayCustomer(s followup.Settings, a followup.Account, id, phone string) (followup.Conversation, error) {
	left := time.Date(2026, 11, 24, 5, 0, 0, 0, time.UTC)
	c, err := s.ParseContact(followup.ContactInput{Phone: phone, At: left, Inquiry: id}, a)
	if err != nil {
		return followup.Conversation{}, err
	}
	return followup.Conversation{
		ID: id, CustomerWrote: true, Contact: c, Locale: "ko",
		Presence: followup.Presence{Open: false, LastActive: left, Since: left},
		Unseen: []followup.Reply{{
			ID: id + "/m1", Author: "상담원 이서연", Text: "주문하신 상품은 내일 출고됩니다.", At: left.Add(2 * time.Minute),
		}},
	}, nil
}

// received lists the kinds of the messages that reached the national
// number, or says "none".
func received(p *fakeProvider, number string) string {
	var kinds []string
	for _, d := range p.Deliveries() {
		if d.To == number {
			kinds = append(kinds, d.Kind)
		}
	}
	if len(kinds) == 0 {
		return "none"
	}
	return fmt.Sprintf("%d (%s)", len(kinds), strings.Join(kinds, ", "))
}

// describe prints what the provider received and answered, with the
// recipient masked.
func describe(say func(string, ...any), x exchange) {
	say("   POST %s", x.Path)
	switch {
	case x.AlimTalk != nil:
		say("     %s: %s", nhnIdempotencyHeader, x.IdempotencyKey)
		r := x.AlimTalk.RecipientList[0]
		say("     senderKey %s, templateCode %s, recipientNo %s", x.AlimTalk.SenderKey, x.AlimTalk.TemplateCode, maskNational(r.RecipientNo))
		say("     templateParameter: %s", strings.Join(slices.Sorted(maps.Keys(r.TemplateParameter)), ", "))
		say("       link %s (the template's button URL is #{link} too)", r.TemplateParameter["link"])
		switch rp := r.ResendParameter; {
		case rp == nil || !rp.IsResend:
			say("     resendParameter.isResend: false (the dispatcher sends the substitute)")
		default:
			n, _ := notify.EUCKRLen(rp.ResendContent)
			say("     resendParameter.isResend: true, resendType %s, resendSendNo %s,", rp.ResendType, rp.ResendSendNo)
			say("       resendTitle %q, resendContent: %d EUC-KR bytes", rp.ResendTitle, n)
		}
	case x.SMS != nil:
		say("     no idempotency key: NHN Cloud's SMS API takes none")
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
