package followup_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

// Rules that each hold in one line of the engine, each with a test of its
// own so that breaking the line fails a test that names the rule.

// deliverNow delivers c's follow-up at now, as planned at now, and fails
// the test unless it was sent.
func deliverNow(t *testing.T, e *followup.Engine, now time.Time, c followup.Conversation) followup.Result {
	t.Helper()
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	return res
}

// A marketing message among the replies is never followed up, not even
// alongside a real reply.
func TestRuleMarketingLeftOutOfTheBatch(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	promo := followup.Reply{ID: "m1", Text: "50% off this week only", At: t0.Add(time.Minute), Marketing: true}
	c.Unseen = append(c.Unseen, promo)
	now := t0.Add(10 * time.Minute)
	if p := e.Plan(now, c); p.Replies != 1 || !p.Through.Equal(t0) {
		t.Errorf("plan carries %d replies through %v, want the one before the promotion", p.Replies, p.Through)
	}
	deliverNow(t, e, now, c)
	a, m := fakes.AlimTalk.Sent()[0], fakes.Email.Sent()[0]
	for _, text := range []string{a.Text, a.Substitute.Text, m.Text, m.HTML} {
		if strings.Contains(text, promo.Text) || !strings.Contains(text, "answer r1") {
			t.Errorf("a follow-up holds the promotion or lacks the reply:\n%s", text)
		}
	}
}

// A push target with no push sender is no channel: the follow-up does not
// wait for a push that cannot go. (An engine with no senders at all only
// plans, and counts it, for the engine that delivers.)
func TestRulePushNeedsASender(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, noopSenders)
	c := baseConversation(t)
	c.PushTarget = "device-1"
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: alimEmail, Replies: 1, Through: t0}
	if diff := cmp.Diff(want, e.Plan(t0.Add(time.Hour), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

// With the escalating strategy, a customer who gave only an email address
// gets it when the text would have gone: there is no text to wait for.
func TestRuleEscalatingWithoutPhone(t *testing.T) {
	e, fakes := deliverEngine(t, withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating}), paying)
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{}
	res := deliverNow(t, e, t0.Add(3*time.Minute), c)
	if diff := cmp.Diff(sent{Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if !res.Next.IsZero() {
		t.Errorf("Next = %v after the only step", res.Next)
	}
}

// Closing the chat starts LeftAfter from when it was closed (Since), not
// from the last activity before it.
func TestRuleLeftAfterCountsFromClosing(t *testing.T) {
	e := mustEngine(t, withTiming(fullSettings, followup.Timing{LeftAfter: 5 * time.Minute}), paying, notify.Senders{})
	c := baseConversation(t)
	closed := t0.Add(time.Minute)
	c.Presence = followup.Presence{Open: false, LastActive: t0.Add(-10 * time.Minute), Since: closed}
	want := followup.Plan{Reason: followup.NotAwayLongEnough, Key: k1, Recheck: closed.Add(5 * time.Minute)}
	if diff := cmp.Diff(want, e.Plan(t0.Add(4*time.Minute), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

// A MaxWait shorter than Delay is raised to Delay: the cap on the wait
// cannot make the follow-up earlier than the wait itself.
func TestRuleMaxWaitRaisedToDelay(t *testing.T) {
	e := mustEngine(t, withTiming(fullSettings, followup.Timing{Delay: 10 * time.Minute, MaxWait: 5 * time.Minute}), paying, notify.Senders{})
	c := baseConversation(t)
	if got, want := e.Plan(t0.Add(time.Hour), c).SendAt, t0.Add(10*time.Minute); !got.Equal(want) {
		t.Errorf("SendAt = %v, want %v (Delay after the reply)", got, want)
	}
}

// The conversation's earlier messages reach the email and the text message
// for context, the newest 5 in an email and the newest 2 in a text.
func TestRuleEarlierMessages(t *testing.T) {
	s := fullSettings
	s.Text.AlimTalkTemplate = "" // text goes as SMS/LMS, which shows earlier messages
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	for i := 1; i <= 7; i++ {
		c.Earlier = append(c.Earlier, followup.Message{FromCustomer: true,
			Text: fmt.Sprintf("earlier question %d", i), At: t0.Add(time.Duration(i-10) * time.Minute)})
	}
	deliverNow(t, e, t0.Add(3*time.Minute), c)
	shows := func(text string, want ...int) {
		t.Helper()
		for i := 1; i <= 7; i++ {
			shown := strings.Contains(text, fmt.Sprintf("earlier question %d", i))
			if wanted := i >= want[0]; shown != wanted {
				t.Errorf("message %d shown = %v, want %v, in:\n%s", i, shown, wanted, text)
			}
		}
	}
	shows(fakes.Email.Sent()[0].Text, 3) // 3 to 7
	shows(fakes.SMS.Sent()[0].Text, 6)   // 6 and 7
}

// An SMS has no subject line; an LMS has one.
func TestRuleSubjectOnlyForLMS(t *testing.T) {
	s := fullSettings
	s.Text.AlimTalkTemplate = ""
	for _, tt := range []struct {
		name    string
		reply   string
		subject bool
	}{
		{"SMS", "네", false},
		{"LMS", strings.Repeat("배송 일정을 확인했습니다. ", 10), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngineWith(t, s, paying, func(o *followup.Options) {
				o.Workspace, o.Link = "", nil // the shortest message, to fit an SMS
			})
			c := baseConversation(t)
			c.Unseen[0].Text, c.Unseen[0].Author = tt.reply, ""
			deliverNow(t, e, t0.Add(3*time.Minute), c)
			m := fakes.SMS.Sent()[0]
			k, err := notify.KindOf(m.Text)
			if err != nil || (k == notify.KindLMS) != tt.subject {
				t.Fatalf("the text went as %v (%v), want the %s case:\n%s", k, err, tt.name, m.Text)
			}
			if (m.Subject != "") != tt.subject {
				t.Errorf("%v with subject %q", k, m.Subject)
			}
		})
	}
}

// The workspace's Kakao sender key and Reply-To address reach the messages.
func TestRuleOptionsReachTheMessages(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.KakaoSenderKey, o.ReplyTo = "sender-key-1", "help@acme.example"
	})
	deliverNow(t, e, t0.Add(3*time.Minute), baseConversation(t))
	if got := fakes.AlimTalk.Sent()[0].SenderKey; got != "sender-key-1" {
		t.Errorf("AlimTalk SenderKey = %q", got)
	}
	if got := fakes.Email.Sent()[0].ReplyTo; got != "help@acme.example" {
		t.Errorf("Email ReplyTo = %q", got)
	}
	// The settings' "1588-1234", as providers take a sender number.
	if got := fakes.AlimTalk.Sent()[0].Substitute.From; got != "15881234" {
		t.Errorf("substitute SMS From = %q, want digits only", got)
	}
}

// An escalating follow-up whose text went waits EscalateAfter for the
// email even if text becomes unavailable in the meantime (the customer
// opts out, the payment method lapses): the customer has the text.
func TestRuleEscalationWaitsAfterTextWent(t *testing.T) {
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	sendAt := t0.Add(3 * time.Minute)
	for _, tt := range []struct {
		name    string
		account followup.Account
		edit    func(*followup.Conversation)
	}{
		{"opted out of text", paying, func(c *followup.Conversation) {
			c.OptOuts = []notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS}
		}},
		{"payment lapsed", lapsed, func(*followup.Conversation) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEngine(t, escalating, tt.account, notify.Senders{})
			c := baseConversation(t)
			c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, sendAt, t0, true)}
			tt.edit(&c)
			want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: sendAt.Add(followup.DefaultEscalateAfter),
				Channels: notify.SetOf(notify.ChannelEmail), Replies: 1, Through: t0}
			if diff := cmp.Diff(want, e.Plan(sendAt.Add(time.Minute), c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}
