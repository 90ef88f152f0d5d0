package followup_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"
	"time"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
	"github.com/followup-go/followup/policy"
)

// deliverEngine builds an engine over fresh fakes.
func deliverEngine(t testing.TB, s followup.Settings, a followup.Account) (*followup.Engine, *notifytest.Fakes) {
	t.Helper()
	return deliverEngineWith(t, s, a, func(*followup.Options) {})
}

// deliverEngineWith is deliverEngine with the options edit changes.
func deliverEngineWith(t testing.TB, s followup.Settings, a followup.Account, edit func(*followup.Options)) (*followup.Engine, *notifytest.Fakes) {
	t.Helper()
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	o := followup.Options{
		Workspace: "Acme",
		Link:      func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
		Dispatch:  notify.Options{Wait: func(ctx context.Context, d time.Duration) error { return ctx.Err() }},
	}
	edit(&o)
	e, err := followup.NewEngine(s, a, senders, o)
	if err != nil {
		t.Fatal(err)
	}
	return e, fakes
}

// sent counts what reached each fake.
type sent struct{ AlimTalk, SMS, Email, Push int }

func sentBy(f *notifytest.Fakes) sent {
	return sent{len(f.AlimTalk.Sent()), len(f.SMS.Sent()), len(f.Email.Sent()), len(f.Push.Sent())}
}

// deliveredByChannel maps each channel res records to whether it was
// delivered.
func deliveredByChannel(res followup.Result) map[notify.Channel]bool {
	m := map[notify.Channel]bool{}
	for _, r := range res.Records {
		m[r.Channel] = r.Delivered
	}
	return m
}

// refusals maps each refused channel to its rule's error.
func refusals(r followup.Result) map[notify.Channel]error {
	m := map[notify.Channel]error{}
	for _, f := range r.Refused {
		m[f.Channel] = f.Err
	}
	return m
}

// checkRefused checks that r refused exactly the channels of want, each
// with an error that matches its rule's (errors.Is).
func checkRefused(t *testing.T, r followup.Result, want map[notify.Channel]error) {
	t.Helper()
	got := refusals(r)
	if len(got) != len(want) {
		t.Errorf("refused %v, want %v", got, want)
	}
	for ch, w := range want {
		if !errors.Is(got[ch], w) {
			t.Errorf("%v refused with %v, want %v", ch, got[ch], w)
		}
	}
}

func TestDeliver(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	kst, _ := policy.LoadZone("Asia/Seoul")
	newYork, _ := policy.LoadZone("America/New_York")
	tests := []struct {
		name       string
		settings   followup.Settings
		lapse      bool // the payment method lapsed between plan and delivery
		edit       func(*followup.Conversation)
		at         time.Time
		wantStatus followup.Status
		wantSent   sent
		wantRefuse map[notify.Channel]error
		wantNext   time.Time
	}{
		{name: "sent on text and email", settings: fullSettings, at: due,
			wantStatus: followup.Sent, wantSent: sent{AlimTalk: 1, Email: 1}},
		{name: "rescheduled: the customer came back, replies still unseen", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) {
				c.Presence = followup.Presence{Open: true, Focused: true, LastActive: t0.Add(2 * time.Minute)}
			}, wantStatus: followup.Rescheduled, wantNext: t0.Add(2*time.Minute + 4*time.Minute + 30*time.Second)},
		{name: "cancelled: the customer saw the replies", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) { c.Unseen = nil }, wantStatus: followup.Cancelled},
		{name: "rescheduled: another reply joined", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) {
				c.Unseen = append(c.Unseen, reply("r2", t0.Add(2*time.Minute)))
			}, wantStatus: followup.Rescheduled, wantNext: t0.Add(5 * time.Minute)},
		{name: "refused for text: the payment method lapsed", settings: fullSettings, lapse: true, at: due,
			wantStatus: followup.Sent, wantSent: sent{Email: 1},
			wantRefuse: map[notify.Channel]error{notify.ChannelAlimTalk: policy.ErrPaymentMethodRequired}},
		{name: "refused: opted out of email", settings: fullSettings, at: due,
			edit:       func(c *followup.Conversation) { c.OptOuts = []notify.Channel{notify.ChannelEmail} },
			wantStatus: followup.Sent, wantSent: sent{AlimTalk: 1},
			wantRefuse: map[notify.Channel]error{notify.ChannelEmail: followup.ErrOptedOut}},
		{name: "refused: opted out of everything", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) {
				c.OptOuts = []notify.Channel{notify.ChannelEmail, notify.ChannelAlimTalk, notify.ChannelSMS}
			},
			wantStatus: followup.Refused,
			wantRefuse: map[notify.Channel]error{notify.ChannelEmail: followup.ErrOptedOut, notify.ChannelAlimTalk: followup.ErrOptedOut}},
		{name: "refused: contact collected for another purpose, no consent", settings: fullSettings, at: due,
			edit:       func(c *followup.Conversation) { c.Contact.Purpose = policy.PurposeMarketing },
			wantStatus: followup.Refused,
			wantRefuse: map[notify.Channel]error{notify.ChannelEmail: policy.ErrConsentRequired, notify.ChannelAlimTalk: policy.ErrConsentRequired}},
		{name: "refused for text: a foreign number", settings: fullSettings, at: due,
			edit:       func(c *followup.Conversation) { c.Contact.Phone = mustPhone(t, "+81 90-1234-5678") },
			wantStatus: followup.Sent, wantSent: sent{Email: 1},
			wantRefuse: map[notify.Channel]error{notify.ChannelAlimTalk: policy.ErrRegionNotAllowed}},
		{name: "a foreign number its region allows", at: due,
			settings: func() followup.Settings {
				s := fullSettings
				s.Text.AllowedRegions = []string{"JP"}
				return s
			}(),
			edit:       func(c *followup.Conversation) { c.Contact.Phone = mustPhone(t, "+81 90-1234-5678") },
			wantStatus: followup.Sent, wantSent: sent{AlimTalk: 1, Email: 1}},
		{name: "deferred text: the recipient's cap", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) {
				for i := range 5 {
					c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
				}
			},
			// Deferred until the oldest of the five leaves the 24 hours.
			wantStatus: followup.Sent, wantSent: sent{Email: 1}, wantNext: t0.Add(19 * time.Hour)},
		{name: "deferred text: the workspace's cap", settings: fullSettings, at: due,
			edit: func(c *followup.Conversation) {
				for i := range 200 {
					c.Texts.ByWorkspace = append(c.Texts.ByWorkspace, t0.Add(-time.Duration(i+1)*time.Second))
				}
			},
			wantStatus: followup.Sent, wantSent: sent{Email: 1}, wantNext: t0.Add(time.Hour - 200*time.Second)},
		{name: "quiet hours in the customer's zone defer text, email goes", at: due,
			settings: func() followup.Settings {
				s := fullSettings
				s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
				s.Text.TimeZone = newYork // 09:00 there: not quiet
				return s
			}(),
			// t0 is 14:00 UTC, 23:00 in Seoul.
			edit:       func(c *followup.Conversation) { c.Zone = kst },
			wantStatus: followup.Sent, wantSent: sent{Email: 1},
			wantNext: time.Date(2026, 11, 25, 8, 0, 0, 0, kst.Location())},
		{name: "a customer in UTC, said so, is not in the workspace's night", at: due,
			settings: func() followup.Settings {
				s := fullSettings
				s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
				s.Text.TimeZone = kst // 23:00 there
				return s
			}(),
			edit:       func(c *followup.Conversation) { c.Zone = policy.ZoneOf(time.UTC) },
			wantStatus: followup.Sent, wantSent: sent{AlimTalk: 1, Email: 1}},
		{name: "quiet hours defer a text-only follow-up", at: due,
			settings: followup.Settings{AskPhone: true, Text: followup.TextOptions{
				QuietHours: policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}, TimeZone: kst}},
			wantStatus: followup.Deferred,
			wantNext:   time.Date(2026, 11, 25, 8, 0, 0, 0, kst.Location())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			planner := mustEngine(t, tt.settings, paying, notify.Senders{})
			c := baseConversation(t)
			p := planner.Plan(tt.at, c)
			if !p.Due() {
				t.Fatalf("the test's plan is not due: %v", p.Reason)
			}
			account := paying
			if tt.lapse {
				account = lapsed
			}
			e, fakes := deliverEngine(t, tt.settings, account)
			if tt.edit != nil {
				tt.edit(&c)
			}
			res, err := e.Deliver(context.Background(), tt.at, p, c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus {
				t.Errorf("status = %v (plan %v), want %v", res.Status, res.Plan.Reason, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantSent, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			checkRefused(t, res, tt.wantRefuse)
			if !res.Next.Equal(tt.wantNext) {
				t.Errorf("Next = %v, want %v", res.Next, tt.wantNext)
			}
			if err := res.Report.Err(); err != nil {
				t.Errorf("report: %v", err)
			}
		})
	}
}

// Text held back by quiet hours goes out when they end.
func TestDeliverDeferredTextGoesLater(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := fullSettings
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || res.Deferred != notify.SetOf(notify.ChannelAlimTalk) {
		t.Fatalf("first: %v, deferred %v, %v", res.Status, res.Deferred, err)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	morning := res.Next
	p := e.Plan(morning, c)
	res, err = e.Deliver(context.Background(), morning, p, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("morning: %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

func TestDeliverReplanned(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	p1 := e.Plan(t0.Add(3*time.Minute), c)
	res, err := e.Deliver(context.Background(), t0.Add(3*time.Minute), p1, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("first delivery: %v, %v", res.Status, err)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	// A reply long after the first batch starts a new one.
	c.Unseen = append(c.Unseen, reply("r2", t0.Add(time.Hour)))
	now := t0.Add(time.Hour + 3*time.Minute)
	res, err = e.Deliver(context.Background(), now, p1, c)
	if err != nil {
		t.Fatal(err)
	}
	want := followup.Key{Conversation: "c1", Reply: "r2"}
	if res.Status != followup.Replanned || res.Plan.Key != want || !res.Next.Equal(now) {
		t.Errorf("got %v, key %v, next %v", res.Status, res.Plan.Key, res.Next)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

func TestDeliverEscalating(t *testing.T) {
	s := fullSettings
	s.Timing.Strategy = followup.Escalating
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	if p.Channels != notify.SetOf(notify.ChannelAlimTalk) {
		t.Fatalf("first step %v, want text only", p.Channels)
	}
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil {
		t.Fatal(err)
	}
	if want := now.Add(15 * time.Minute); !res.Next.Equal(want) {
		t.Fatalf("Next = %v, want %v", res.Next, want)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	// The host's job fires at Next; the customer is still away.
	p = e.Plan(res.Next, c)
	res, err = e.Deliver(context.Background(), res.Next, p, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("escalation: %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if !res.Next.IsZero() {
		t.Errorf("Next = %v after the last step", res.Next)
	}
}

// Result.Plan is what is due at Next, so the host's job, snoozed to Next
// with it as README step 5 does, carries the step it will deliver: the
// escalation email, which a rule changed since then refuses on the record;
// or the conversation's next follow-up, under its own key, delivered by
// its own job without a Replanned run first.
func TestDeliverResultPlanIsTheNextStep(t *testing.T) {
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	now := t0.Add(3 * time.Minute)

	t.Run("escalation", func(t *testing.T) {
		e, _ := deliverEngine(t, escalating, paying)
		c := baseConversation(t)
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil || res.Status != followup.Sent {
			t.Fatalf("text step: %v, %v", res.Status, err)
		}
		want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: now.Add(followup.DefaultEscalateAfter),
			Channels: notify.SetOf(notify.ChannelEmail), Replies: 1, Through: t0}
		if diff := cmp.Diff(want, res.Plan); diff != "" || !res.Next.Equal(want.SendAt) {
			t.Fatalf("Next %v, Plan (-want +got):\n%s", res.Next, diff)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		// The email question is turned off before the job fires.
		noEmail := escalating
		noEmail.AskEmail = false
		e2, fakes := deliverEngine(t, noEmail, paying)
		res, err = e2.Deliver(context.Background(), res.Next, res.Plan, c)
		if err != nil || res.Status != followup.Refused {
			t.Fatalf("escalation after the email was turned off: %v, %v; want refused", res.Status, err)
		}
		checkRefused(t, res, map[notify.Channel]error{notify.ChannelEmail: followup.ErrChannelDisabled})
		if n := fakes.Email.Calls(); n != 0 {
			t.Errorf("%d emails sent", n)
		}
	})

	t.Run("next follow-up", func(t *testing.T) {
		e, fakes := deliverEngine(t, fullSettings, paying)
		c := baseConversation(t)
		// The first follow-up's job runs an hour late; a second batch of
		// replies is due by then.
		c.Unseen = append(c.Unseen, reply("r2", t0.Add(30*time.Minute)))
		late := t0.Add(time.Hour)
		res, err := e.Deliver(context.Background(), late, e.Plan(now, c), c)
		if err != nil || res.Status != followup.Sent {
			t.Fatalf("first follow-up: %v, %v", res.Status, err)
		}
		k2 := followup.Key{Conversation: "c1", Reply: "r2"}
		if res.Plan.Key != k2 || !res.Plan.Due() || !res.Next.Equal(res.Plan.SendAt) {
			t.Fatalf("Plan %+v, Next %v; want the next follow-up's plan", res.Plan, res.Next)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		res, err = e.Deliver(context.Background(), late, res.Plan, c)
		if err != nil || res.Status != followup.Sent || !res.Next.IsZero() {
			t.Fatalf("next follow-up: %v, next %v, %v; want sent at once", res.Status, res.Next, err)
		}
		if diff := cmp.Diff(sent{AlimTalk: 2, Email: 2}, sentBy(fakes)); diff != "" {
			t.Errorf("sent (-want +got):\n%s", diff)
		}
	})
}

// Substitute sending through the engine: the AlimTalk is refused, its SMS
// goes, and the record says text was delivered.
func TestDeliverSubstitute(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sent{SMS: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	want := []followup.Record{
		rec(k1, notify.ChannelAlimTalk, now, t0, true),
		rec(k1, notify.ChannelEmail, now, t0, true),
	}
	if diff := cmp.Diff(want, res.Records); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if !res.Texted {
		t.Error("Texted = false")
	}
	sms := fakes.SMS.Sent()[0]
	if sms.Key != k1.For(notify.ChannelSMS) || sms.To != "+821012345678" || sms.From != "15881234" {
		t.Errorf("substitute SMS: key %q, from %q", sms.Key, sms.From)
	}
}

// A text message goes from the sender number's digits, whatever its
// hyphens.
func TestDeliverSMSFromSenderNumber(t *testing.T) {
	for _, tt := range []struct{ sender, want string }{
		{"1588-1234", "15881234"},
		{"02-3456-7890", "0234567890"},
		{"1599-9009", "15999009"},
	} {
		s := fullSettings
		s.Text.SenderNumber = tt.sender
		e, fakes := deliverEngine(t, s, paying)
		fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
		c := baseConversation(t)
		now := t0.Add(3 * time.Minute)
		if _, err := e.Deliver(context.Background(), now, e.Plan(now, c), c); err != nil {
			t.Fatal(err)
		}
		sms := fakes.SMS.Sent()
		if len(sms) != 1 {
			t.Fatalf("sender %q: %d SMS sent, want 1", tt.sender, len(sms))
		}
		if sms[0].From != tt.want {
			t.Errorf("sender %q: SMS from %q, want %q", tt.sender, sms[0].From, tt.want)
		}
	}
}

// The same plan delivered ten times, one after another, with the history
// updated after each as a host does, sends once.
func TestDeliverRedeliverySequential(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	for i := range 10 {
		res, err := e.Deliver(context.Background(), now.Add(time.Duration(i)*time.Second), p, c)
		if err != nil {
			t.Fatal(err)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// dedupe plays a provider that drops a request whose idempotency key it has
// seen, as providers given the key do.
type dedupe struct {
	mu   sync.Mutex
	seen map[string]int
}

func (d *dedupe) first(key string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.seen[key]++
	return d.seen[key] == 1
}

// Ten workers of an at-least-once queue deliver the same plan at once, each
// from its own snapshot, and record what they did. The providers get the
// plan's keys and drop repeats, so the customer gets each message once.
func TestDeliverRedeliveryConcurrent(t *testing.T) {
	prov := &dedupe{seen: map[string]int{}}
	var mu sync.Mutex
	delivered := map[notify.Channel]int{}
	deliver := func(c notify.Channel, key string) error {
		if prov.first(key) {
			mu.Lock()
			delivered[c]++
			mu.Unlock()
		}
		return nil
	}
	senders := notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(_ context.Context, m notify.AlimTalk) error { return deliver(notify.ChannelAlimTalk, m.Key) }),
		SMS:      notify.SMSFunc(func(_ context.Context, m notify.SMS) error { return deliver(notify.ChannelSMS, m.Key) }),
		Email:    notify.EmailFunc(func(_ context.Context, m notify.Email) error { return deliver(notify.ChannelEmail, m.Key) }),
	}
	e := mustEngine(t, fullSettings, paying, senders)
	var store sync.Mutex
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	var wg sync.WaitGroup
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			store.Lock()
			snap := c
			snap.FollowUps = append([]followup.Record(nil), c.FollowUps...)
			store.Unlock()
			res, err := e.Deliver(context.Background(), now, p, snap)
			if err != nil {
				t.Error(err)
				return
			}
			store.Lock()
			c.FollowUps = append(c.FollowUps, res.Records...)
			store.Unlock()
		}()
	}
	wg.Wait()
	if diff := cmp.Diff(map[notify.Channel]int{notify.ChannelAlimTalk: 1, notify.ChannelEmail: 1}, delivered); diff != "" {
		t.Errorf("reached the customer (-want +got):\n%s", diff)
	}
	if p := e.Plan(now.Add(time.Minute), c); p.Reason != followup.AlreadyFollowedUp {
		t.Errorf("after the workers, Plan = %v", p.Reason)
	}
}

// Push goes first; text and email follow only if the push is not confirmed
// within PushWait.
// A push target that appears once the follow-up's text or email went adds
// no push to it: the push would only come after them, and the escalation
// email would follow the push without waiting PushWait.
func TestPlanPushTargetAfterTextAddsNoPush(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	for _, tt := range []struct {
		name    string
		s       followup.Settings
		history []followup.Record
		want    followup.Plan // Reason, Channels and SendAt
	}{
		{"escalating: the email follows the text", escalating,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, due, t0, true)},
			followup.Plan{Reason: followup.Due, Channels: notify.SetOf(notify.ChannelEmail), SendAt: due.Add(followup.DefaultEscalateAfter)}},
		{"escalating, the text rate-limited: the email goes", escalating,
			[]followup.Record{{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(20 * time.Minute)}},
			followup.Plan{Reason: followup.Due, Channels: notify.SetOf(notify.ChannelEmail), SendAt: due}},
		{"parallel: done", fullSettings,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, due, t0, true), rec(k1, notify.ChannelEmail, due, t0, true)},
			followup.Plan{Reason: followup.AlreadyFollowedUp}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, senders := notifytest.NewSenders()
			e := mustEngine(t, tt.s, paying, senders)
			c := baseConversation(t)
			c.FollowUps = tt.history
			c.PushTarget = "device-1" // the customer installed the app
			now := due.Add(5 * time.Minute)
			p := e.Plan(now, c)
			got := followup.Plan{Reason: p.Reason, Channels: p.Channels, SendAt: p.SendAt}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDeliverPushFirst(t *testing.T) {
	for _, confirmed := range []bool{false, true} {
		t.Run(map[bool]string{false: "not confirmed", true: "confirmed"}[confirmed], func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			e := mustEngine(t, fullSettings, paying, senders)
			c := baseConversation(t)
			c.PushTarget = "device-1"
			now := t0.Add(3 * time.Minute)
			p := e.Plan(now, c)
			if p.Channels != notify.SetOf(notify.ChannelPush) {
				t.Fatalf("first step %v, want push", p.Channels)
			}
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil {
				t.Fatal(err)
			}
			if want := now.Add(30 * time.Second); !res.Next.Equal(want) {
				t.Fatalf("Next = %v, want %v", res.Next, want)
			}
			// The push names its follow-up, for the host to tell which one
			// the customer opened.
			if pushes := fakes.Push.Sent(); len(pushes) != 1 || pushes[0].Data["followup"] != p.Key.String() {
				t.Errorf("push data %v, want the follow-up's key %s", pushes, p.Key)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			if confirmed {
				c.PushOpened = now.Add(10 * time.Second)
			}
			p = e.Plan(res.Next, c)
			res, err = e.Deliver(context.Background(), res.Next, p, c)
			if err != nil {
				t.Fatal(err)
			}
			want := sent{Push: 1, AlimTalk: 1, Email: 1}
			if confirmed {
				want = sent{Push: 1}
				if res.Status != followup.Cancelled {
					t.Errorf("status %v after a confirmed push", res.Status)
				}
			}
			if diff := cmp.Diff(want, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if !confirmed {
				return
			}
			// The customer's next question gets a follow-up of its own: the
			// push they opened was the last one's, and stops nothing now.
			c.FollowUps = append(c.FollowUps, res.Records...)
			c.Unseen = append(c.Unseen, reply("r2", t0.Add(2*time.Hour)))
			now = t0.Add(2*time.Hour + 3*time.Minute)
			for range 3 { // push, then text and email
				p = e.Plan(now, c)
				if !p.Due() {
					break
				}
				res, err = e.Deliver(context.Background(), p.SendAt, p, c)
				if err != nil {
					t.Fatal(err)
				}
				c.FollowUps = append(c.FollowUps, res.Records...)
				now = p.SendAt
			}
			if diff := cmp.Diff(sent{Push: 2, AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
				t.Errorf("sent, with the next follow-up (-want +got):\n%s", diff)
			}
		})
	}
}

// BenchmarkPlanDeliver is the whole path of one follow-up with no-op
// senders: plan, then deliver (re-plan, guards, rendering in Korean,
// dispatch of AlimTalk and email, records, next step).
func BenchmarkPlanDeliver(b *testing.B) {
	e, err := followup.NewEngine(fullSettings, paying, noopSenders, followup.Options{Workspace: "Acme",
		Link: func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID }})
	if err != nil {
		b.Fatal(err)
	}
	c := baseConversation(b)
	c.Locale = "ko"
	now := t0.Add(3 * time.Minute)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		p := e.Plan(now, c)
		res, err := e.Deliver(ctx, now, p, c)
		if err != nil || res.Status != followup.Sent {
			b.Fatal(res.Status, err)
		}
	}
}

// A customer who opted out of SMS gets no SMS: not the substitute of an
// AlimTalk that does not go through, nor the SMS an AlimTalk that cannot be
// built (nothing for its #{link}) would go as. The email still goes.
func TestDeliverSMSOptOut(t *testing.T) {
	t.Run("no substitute", func(t *testing.T) {
		e, fakes := deliverEngine(t, fullSettings, paying)
		fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
		res := deliverOptedOutOfSMS(t, e, fakes)
		if fakes.AlimTalk.Calls() != 1 {
			t.Errorf("AlimTalk calls = %d, want 1", fakes.AlimTalk.Calls())
		}
		if en, _ := res.Report.Entry(notify.ChannelAlimTalk); en.Outcome != notify.Failed {
			t.Errorf("AlimTalk outcome %v, want failed", en.Outcome)
		}
	})
	t.Run("no SMS in the AlimTalk's place", func(t *testing.T) {
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
			o.Link = func(followup.Conversation) string { return "" }
		})
		res := deliverOptedOutOfSMS(t, e, fakes)
		if err := refusals(res)[notify.ChannelAlimTalk]; !errors.Is(err, followup.ErrOptedOut) {
			t.Errorf("alimtalk refusal %v, want ErrOptedOut", err)
		}
	})
}

// deliverOptedOutOfSMS delivers to a customer who opted out of SMS and
// checks that only the email went.
func deliverOptedOutOfSMS(t *testing.T, e *followup.Engine, fakes *notifytest.Fakes) followup.Result {
	t.Helper()
	c := baseConversation(t)
	c.OptOuts = []notify.Channel{notify.ChannelSMS}
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sent{Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if res.Texted {
		t.Error("Texted = true")
	}
	return res
}

// A message that cannot fit its channel keeps only that channel off: the
// rest of the step goes, and the text is refused on the record, not retried
// forever.
func TestDeliverUnfitMessage(t *testing.T) {
	longLink := "https://chat.example/c/c1?t=" + strings.Repeat("x", 2100) // no LMS can hold it
	tests := []struct {
		name       string
		settings   followup.Settings
		wantStatus followup.Status
		wantSent   sent
		wantRefuse []notify.Channel
	}{
		{name: "email only: the text is not rendered", settings: followup.Settings{AskEmail: true},
			wantStatus: followup.Sent, wantSent: sent{Email: 1}},
		{name: "text and email: email goes, text refused", settings: fullSettings,
			wantStatus: followup.Sent, wantSent: sent{Email: 1}, wantRefuse: []notify.Channel{notify.ChannelAlimTalk}},
		{name: "text only: refused", settings: followup.Settings{AskPhone: true},
			wantStatus: followup.Refused, wantRefuse: []notify.Channel{notify.ChannelSMS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			senders.Push = nil
			e, err := followup.NewEngine(tt.settings, paying, senders, followup.Options{Workspace: "Acme",
				Link: func(followup.Conversation) string { return longLink }})
			if err != nil {
				t.Fatal(err)
			}
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != tt.wantStatus {
				t.Errorf("status %v, want %v", res.Status, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantSent, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			var refused []notify.Channel
			for _, f := range res.Refused {
				refused = append(refused, f.Channel)
				if !errors.Is(f.Err, followup.ErrTooLong) || !errors.Is(f.Err, notify.ErrTooLong) {
					t.Errorf("%v refused with %v, want ErrTooLong of both packages", f.Channel, f.Err)
				}
			}
			if diff := cmp.Diff(tt.wantRefuse, refused); diff != "" {
				t.Errorf("refused (-want +got):\n%s", diff)
			}
			// Everything of the step is on the record: the next plan has
			// nothing left to send.
			c.FollowUps = append(c.FollowUps, res.Records...)
			if p := e.Plan(now, c); p.Due() {
				t.Errorf("after delivery the plan is still due on %v", p.Channels)
			}
		})
	}
}

// An AlimTalk too long for its limit goes out as its SMS. Without an SMS
// sender (the AlimTalk provider sends the substitute) it has no text
// message to go as: it is refused with why, on the record, rather than
// handed to a missing SMS sender.
func TestDeliverAlimTalkTooLongGoesAsSMS(t *testing.T) {
	for _, tt := range []struct {
		name    string
		noSMS   bool
		want    sent
		refused map[notify.Channel]error
	}{
		{"with an SMS sender", false, sent{SMS: 1, Email: 1}, map[notify.Channel]error{}},
		{"without one", true, sent{Email: 1}, map[notify.Channel]error{notify.ChannelAlimTalk: followup.ErrTooLong}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fakes, senders := notifytest.NewSenders()
			if tt.noSMS {
				senders.SMS = nil
			}
			link := "https://chat.example/c/c1?t=" + strings.Repeat("x", 1000) // fits an LMS, not an AlimTalk
			e, err := followup.NewEngine(fullSettings, paying, senders, followup.Options{Workspace: "Acme",
				Link: func(followup.Conversation) string { return link }})
			if err != nil {
				t.Fatal(err)
			}
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("%v, %v", res.Status, err)
			}
			checkRefused(t, res, tt.refused)
			if _, ok := res.Report.Entry(notify.ChannelSMS); ok && tt.noSMS {
				t.Errorf("report %+v: an SMS was handed to the missing SMS sender", res.Report)
			}
			if diff := cmp.Diff(tt.want, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// The AlimTalk is in the workspace's language, whose template Kakao
// approved, and so is its substitute SMS, which carries the same content;
// the email is in the customer's.
func TestDeliverAlimTalkInWorkspaceLanguage(t *testing.T) {
	s := fullSettings
	s.Locale = "ko"
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	c.Locale = "en-US"
	now := t0.Add(3 * time.Minute)
	if _, err := e.Deliver(context.Background(), now, e.Plan(now, c), c); err != nil {
		t.Fatal(err)
	}
	a := fakes.AlimTalk.Sent()[0]
	if !strings.HasPrefix(a.Text, "안녕하세요") || a.Buttons[0].Name != "상담 이어가기" {
		t.Errorf("AlimTalk not in Korean: %q, button %q", a.Text, a.Buttons[0].Name)
	}
	hangul := func(s string) bool {
		return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Hangul, r) }) >= 0
	}
	if a.Substitute.Text != a.Text || !hangul(a.Substitute.Subject) {
		t.Errorf("substitute SMS is not the AlimTalk's Korean content: %q, subject %q", a.Substitute.Text, a.Substitute.Subject)
	}
	if em := fakes.Email.Sent()[0]; hangul(em.Subject + em.Text) {
		t.Errorf("email not in English: %q", em.Subject)
	}
}

// Every refusal says why: a channel the settings no longer enable is
// refused with ErrChannelDisabled, not a nil error.
func TestDeliverRefusalsHaveErrors(t *testing.T) {
	planner := mustEngine(t, fullSettings, paying, notify.Senders{})
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := planner.Plan(now, c)
	// The workspace turned the email question off and its payment lapsed.
	e, fakes := deliverEngine(t, followup.Settings{AskPhone: true, AskName: true}, lapsed)
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != followup.Refused {
		t.Errorf("status %v, want refused", res.Status)
	}
	want := map[notify.Channel]error{
		notify.ChannelAlimTalk: followup.ErrChannelDisabled,
		notify.ChannelEmail:    followup.ErrChannelDisabled,
	}
	checkRefused(t, res, want)
	if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// Channels a stored plan named that the conversation no longer calls for
// are refused with the rule that drops them, or not at all when the text
// merely moves from AlimTalk to SMS; what the conversation calls for now is
// what goes.
func TestDeliverStalePlan(t *testing.T) {
	now := t0.Add(3 * time.Minute)
	emailOnly := followup.Settings{AskEmail: true}
	phoneOnly := followup.Settings{AskPhone: true, Text: followup.TextOptions{SenderNumber: "1588-1234"}}
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	noEmail := withTiming(phoneOnly, followup.Timing{Strategy: followup.Escalating})
	noEmail.Text.AlimTalkTemplate, noEmail.Locale = "FOLLOWUP_01", "en"
	tests := []struct {
		name         string
		planned, now followup.Settings
		history      []followup.Record
		optOuts      []notify.Channel
		wantStatus   followup.Status
		wantSent     sent
		wantRefused  map[notify.Channel]error
		wantRecords  map[notify.Channel]bool // channel: delivered
	}{
		{name: "opted out of AlimTalk: the text goes as SMS, nothing refused",
			planned: fullSettings, now: fullSettings, optOuts: []notify.Channel{notify.ChannelAlimTalk},
			wantStatus: followup.Sent, wantSent: sent{SMS: 1, Email: 1}, wantRefused: map[notify.Channel]error{},
			wantRecords: map[notify.Channel]bool{notify.ChannelSMS: true, notify.ChannelEmail: true}},
		{name: "email turned off, phone on: the email refused, the text goes",
			planned: emailOnly, now: phoneOnly,
			wantStatus: followup.Sent, wantSent: sent{SMS: 1},
			wantRefused: map[notify.Channel]error{notify.ChannelEmail: followup.ErrChannelDisabled},
			wantRecords: map[notify.Channel]bool{notify.ChannelEmail: false, notify.ChannelSMS: true}},
		{name: "escalation email after email was turned off: refused, not cancelled",
			planned: escalating, now: noEmail,
			history:    []followup.Record{rec(k1, notify.ChannelAlimTalk, now, t0, true)},
			wantStatus: followup.Refused, wantSent: sent{},
			wantRefused: map[notify.Channel]error{notify.ChannelEmail: followup.ErrChannelDisabled},
			wantRecords: map[notify.Channel]bool{notify.ChannelEmail: false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseConversation(t)
			c.FollowUps = tt.history
			later := now
			if len(tt.history) > 0 {
				later = tt.history[0].At.Add(followup.DefaultEscalateAfter)
			}
			p := mustEngine(t, tt.planned, paying, notify.Senders{}).Plan(later, c)
			if !p.Due() {
				t.Fatalf("nothing planned: %v", p.Reason)
			}
			c.OptOuts = tt.optOuts
			e, fakes := deliverEngine(t, tt.now, paying)
			res, err := e.Deliver(context.Background(), later, p, c)
			if err != nil || res.Status != tt.wantStatus {
				t.Fatalf("Deliver = %v, %v; want %v", res.Status, err, tt.wantStatus)
			}
			if diff := cmp.Diff(tt.wantSent, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			checkRefused(t, res, tt.wantRefused)
			if diff := cmp.Diff(tt.wantRecords, deliveredByChannel(res)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// A follow-up planned on text whose customer's number the host removed
// since, with no other channel the settings enable, is refused on the
// record as unreachable: the settings still enable text, so it is not
// ErrChannelDisabled. So is one whose customer has no contact point left
// at all (NoContact), rather than cancelled with nothing on the record.
func TestDeliverContactNoLongerReaches(t *testing.T) {
	for _, tc := range []struct {
		name   string
		remove func(*followup.Conversation)
	}{
		{"number removed", func(c *followup.Conversation) { c.Contact.Phone = followup.Phone{} }},
		{"every contact point removed", func(c *followup.Conversation) {
			c.Contact.Phone, c.Contact.Email = followup.Phone{}, ""
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			phoneOnly := followup.Settings{AskPhone: true, Text: followup.TextOptions{SenderNumber: "1588-1234"}}
			e, fakes := deliverEngine(t, phoneOnly, paying)
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			p := e.Plan(now, c)
			if p.Channels != notify.SetOf(notify.ChannelSMS) {
				t.Fatalf("planned %v, want SMS", p.Channels)
			}
			tc.remove(&c)
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || res.Status != followup.Refused {
				t.Fatalf("Deliver = %v, %v; want refused", res.Status, err)
			}
			checkRefused(t, res, map[notify.Channel]error{notify.ChannelSMS: followup.ErrUnreachable})
			if diff := cmp.Diff(map[notify.Channel]bool{notify.ChannelSMS: false}, deliveredByChannel(res)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
			if n := fakes.SMS.Calls(); n != 0 {
				t.Errorf("%d SMS sent", n)
			}
		})
	}
}

// An AlimTalk the customer refused whose substitute SMS the dispatcher
// never tried, because the run's context ended first, is not recorded: the
// text did not go, and Next sends it. Recorded as failed, it left the text
// step done with no text sent.
func TestDeliverSubstituteNotTriedWhenContextEnds(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	refusals := 0
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	senders.AlimTalk = notify.AlimTalkFunc(func(context.Context, notify.AlimTalk) error {
		refusals++
		cancel() // the host shuts down as the provider answers
		return notify.ErrRecipientRefused
	})
	e := mustEngine(t, fullSettings, paying, senders)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	for _, r := range res.Records {
		if r.Channel != notify.ChannelEmail {
			t.Errorf("record %+v: the text did not go, and is still to be sent", r)
		}
	}
	if res.Next.IsZero() || !res.Plan.Channels.Has(notify.ChannelAlimTalk) {
		t.Fatalf("Next %v, Plan %v: want the text step again", res.Next, res.Plan.Channels)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	res, err = e.Deliver(context.Background(), res.Next, res.Plan, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("second Deliver = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{SMS: 1, Email: 1}, sentBy(fakes)); diff != "" || refusals != 2 {
		t.Errorf("%d AlimTalk refusals; sent (-want +got):\n%s", refusals, diff)
	}
	// The email went in one of the two runs, depending on whether the
	// dispatcher started it before the context ended.
	if got := deliveredByChannel(res); !got[notify.ChannelAlimTalk] {
		t.Errorf("second run's records %v: want the text, by its substitute", got)
	}
}

// A channel that went is never recorded as refused afterwards, when a rule
// changes between two runs of one follow-up: not by a duplicate of the job
// that sent it, nor by the run of the next step. The history would say
// the customer's text was refused when it was delivered.
func TestDeliverDoesNotRefuseWhatWent(t *testing.T) {
	text := []notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS}
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	for _, tt := range []struct {
		name        string
		s           followup.Settings
		optOuts     []notify.Channel
		wantStatus  followup.Status
		wantSent    sent
		wantRecords map[notify.Channel]bool // channel: delivered
	}{
		{name: "duplicate job after an opt-out of text", s: fullSettings, optOuts: text,
			wantStatus: followup.Cancelled, wantRecords: map[notify.Channel]bool{}},
		{name: "duplicate job after an opt-out of every channel", s: fullSettings,
			optOuts:    append(text, notify.ChannelEmail),
			wantStatus: followup.Cancelled, wantRecords: map[notify.Channel]bool{}},
		{name: "escalation email after an opt-out of text", s: escalating, optOuts: text,
			wantStatus: followup.Sent, wantSent: sent{Email: 1},
			wantRecords: map[notify.Channel]bool{notify.ChannelEmail: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngine(t, tt.s, paying)
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			p := e.Plan(now, c)
			first, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || first.Status != followup.Sent {
				t.Fatalf("first run: %v, %v", first.Status, err)
			}
			c.FollowUps = append(c.FollowUps, first.Records...)
			c.OptOuts = tt.optOuts
			if tt.s.Timing.Strategy == followup.Escalating {
				p, now = first.Plan, first.Next // the README's loop: the next step
			}
			before := sentBy(fakes)
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || res.Status != tt.wantStatus {
				t.Fatalf("second run: %v, %v; want %v", res.Status, err, tt.wantStatus)
			}
			checkRefused(t, res, map[notify.Channel]error{})
			after := sentBy(fakes)
			got := sent{AlimTalk: after.AlimTalk - before.AlimTalk, SMS: after.SMS - before.SMS, Email: after.Email - before.Email}
			if diff := cmp.Diff(tt.wantSent, got); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.wantRecords, deliveredByChannel(res)); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// An AlimTalk template whose variables the options leave empty could never
// be filled in: NewEngine refuses it rather than send SMS without a word.
func TestNewEngineAlimTalkUnfilled(t *testing.T) {
	link := func(followup.Conversation) string { return "https://chat.example/c/1" }
	custom, err := followup.NewRenderer(map[string]followup.Templates{
		"en": {AlimTalk: "#{customer}, you have a reply:\n#{reply}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	named, err := followup.NewRenderer(map[string]followup.Templates{
		"en": {AlimTalk: "#{reply}\n#{링크}", AlimTalkNames: map[string]string{"링크": "link"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		s    followup.Settings
		o    followup.Options
		want error
	}{
		{"no link for a name of the host's", fullSettings, followup.Options{Workspace: "Acme", Renderer: named}, followup.ErrAlimTalkUnfilled},
		{"no workspace", fullSettings, followup.Options{Link: link}, followup.ErrAlimTalkUnfilled},
		{"no link", fullSettings, followup.Options{Workspace: "Acme"}, followup.ErrAlimTalkUnfilled},
		{"both", fullSettings, followup.Options{Workspace: "Acme", Link: link}, nil},
		{"a body without them", fullSettings, followup.Options{Renderer: custom}, nil},
		{"no AlimTalk template", followup.Settings{AskPhone: true}, followup.Options{}, nil},
	}
	for _, tt := range tests {
		if _, err := followup.NewEngine(tt.s, paying, notify.Senders{}, tt.o); !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
			t.Errorf("%s: NewEngine: %v, want %v", tt.name, err, tt.want)
		}
	}
}

// A channel the settings turn on needs its sender: without one, every
// follow-up on it would be skipped and recorded as failed. An engine with
// no senders at all only plans.
func TestNewEngineNeedsSenders(t *testing.T) {
	without := func(edit func(*notify.Senders)) notify.Senders {
		s := noopSenders
		edit(&s)
		return s
	}
	smsOnly := followup.Settings{AskPhone: true, AskEmail: true, Text: followup.TextOptions{SenderNumber: "1588-1234"}}
	lapsed := followup.Account{}
	tests := []struct {
		name     string
		s        followup.Settings
		a        followup.Account
		senders  notify.Senders
		wantMiss bool
	}{
		{"every sender", fullSettings, paying, noopSenders, false},
		{"no AlimTalk sender: every text would go as SMS", fullSettings, paying, without(func(s *notify.Senders) { s.AlimTalk = nil }), true},
		{"no SMS sender: the AlimTalk provider sends the substitute", fullSettings, paying, without(func(s *notify.Senders) { s.SMS = nil }), false},
		{"no email sender", fullSettings, paying, without(func(s *notify.Senders) { s.Email = nil }), true},
		{"SMS without a template, no SMS sender", smsOnly, paying, without(func(s *notify.Senders) { s.SMS = nil }), true},
		{"text not payable: no text sender needed", fullSettings, lapsed, without(func(s *notify.Senders) { s.AlimTalk, s.SMS = nil, nil }), false},
		{"a push sender alone is not plan-only", fullSettings, paying, notify.Senders{Push: pushSender}, true},
		{"a nil func adapter is no sender", fullSettings, paying, without(func(s *notify.Senders) { s.Email = notify.EmailFunc(nil) }), true},
	}
	for _, tt := range tests {
		_, err := followup.NewEngine(tt.s, tt.a, tt.senders, followup.Options{Workspace: "Acme",
			Link: func(followup.Conversation) string { return "https://chat.example/c/1" }})
		if errors.Is(err, notify.ErrNoSender) != tt.wantMiss || (err != nil) != tt.wantMiss {
			t.Errorf("%s: NewEngine: %v, want a missing sender: %v", tt.name, err, tt.wantMiss)
		}
	}

	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	if !p.Due() {
		t.Fatalf("a plan-only engine plans %v", p.Reason)
	}
	if res, err := e.Deliver(context.Background(), now, p, c); !errors.Is(err, notify.ErrNoSender) || res.Records != nil {
		t.Errorf("Deliver on a plan-only engine: %v with %d records; want ErrNoSender and none", err, len(res.Records))
	}
}

// A plan-only engine, in a web tier, plans what an engine with every sender,
// in the workers, delivers: push first for a customer with a push target,
// and a follow-up for one who has nothing else.
func TestPlanOnlyEngineAgreesWithTheDeliveringOne(t *testing.T) {
	planner := mustEngine(t, fullSettings, paying, notify.Senders{})
	senders := noopSenders
	senders.Push = pushSender
	deliverer := mustEngine(t, fullSettings, paying, senders)
	now := t0.Add(3 * time.Minute)
	for name, edit := range map[string]func(*followup.Conversation){
		"phone, email and push": func(c *followup.Conversation) { c.PushTarget = "device-1" },
		"push only": func(c *followup.Conversation) {
			c.PushTarget, c.Contact.Phone, c.Contact.Email = "device-1", followup.Phone{}, ""
		},
		"no push": func(*followup.Conversation) {},
	} {
		c := baseConversation(t)
		edit(&c)
		if diff := cmp.Diff(deliverer.Plan(now, c), planner.Plan(now, c)); diff != "" {
			t.Errorf("%s: plan-only engine's plan (-delivering +plan-only):\n%s", name, diff)
		}
	}
}

// Quiet hours hold back text only: with the Escalating strategy, whose email
// waits for the text, the email goes at once while the text waits for the
// morning, and it is not sent again after the text.
func TestDeliverEscalatingQuietHours(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := fullSettings
	s.Timing.Strategy = followup.Escalating
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute) // 23:03 in Seoul
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	morning := time.Date(2026, 11, 25, 8, 0, 0, 0, kst.Location())
	if res.Status != followup.Sent || res.Deferred != notify.SetOf(notify.ChannelAlimTalk) || !res.Next.Equal(morning) {
		t.Fatalf("night: %v, deferred %v, next %v", res.Status, res.Deferred, res.Next)
	}
	if diff := cmp.Diff(sent{Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("night: sent (-want +got):\n%s", diff)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	res, err = e.Deliver(context.Background(), morning, e.Plan(morning, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("morning: %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("morning: sent (-want +got):\n%s", diff)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	if p := e.Plan(morning.Add(time.Hour), c); p.Due() {
		t.Errorf("after the text the plan is still due on %v", p.Channels)
	}
}

// A send cap with no room defers the text, not drops it: at Result.Next the
// cap has room and the text goes.
func TestDeliverCappedTextGoesLater(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	for i := range 5 {
		c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
	}
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deferred != notify.SetOf(notify.ChannelAlimTalk) || !errors.Is(res.DeferredBy, policy.ErrRecipientCapReached) ||
		len(res.Refused) != 0 {
		t.Fatalf("deferred %v by %v, refused %v", res.Deferred, res.DeferredBy, res.Refused)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	later := res.Next
	res, err = e.Deliver(context.Background(), later, e.Plan(later, c), c)
	if err != nil || res.Status != followup.Sent || !res.Texted {
		t.Fatalf("later: %v, texted %v, %v", res.Status, res.Texted, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// With Options.CapWait, a text a send cap would hold back until more than
// CapWait past its due time is refused with the cap's error, on the record,
// and the email goes: a pumping spike's backlog does not drain into paid
// texts for hours. Without it, the text waits for room.
func TestDeliverCapWait(t *testing.T) {
	for _, tt := range []struct {
		name       string
		wait       time.Duration
		wantRefuse bool
	}{
		{"no limit", 0, false},
		{"a day", 24 * time.Hour, false},
		{"an hour", time.Hour, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.CapWait = tt.wait })
			c := baseConversation(t)
			for i := range 5 { // room again in 19 hours
				c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
			}
			now := t0.Add(3 * time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			if tt.wantRefuse {
				checkRefused(t, res, map[notify.Channel]error{notify.ChannelAlimTalk: policy.ErrRecipientCapReached})
				if !res.Deferred.Empty() || deliveredByChannel(res)[notify.ChannelAlimTalk] {
					t.Errorf("deferred %v, records %v: want the text refused on the record", res.Deferred, deliveredByChannel(res))
				}
				c.FollowUps = append(c.FollowUps, res.Records...)
				if p := e.Plan(now.Add(20*time.Hour), c); p.Due() {
					t.Errorf("the refused text comes back: %v on %v", p.Reason, p.Channels)
				}
			} else if res.Deferred != notify.SetOf(notify.ChannelAlimTalk) || len(res.Refused) != 0 {
				t.Errorf("deferred %v, refused %v: want the text deferred", res.Deferred, res.Refused)
			}
			if diff := cmp.Diff(sent{Email: 1}, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// CapWait counts from when the text could go but for the caps: the end of
// the quiet hours its due time falls in, not the due time. A text due at
// night whose cap has room at 09:30 is 1.5 hours late, not 10.5, whether
// the cap is met at night or in the morning.
func TestDeliverCapWaitCountsFromQuietHoursEnd(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := fullSettings
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	night := t0.Add(3 * time.Minute) // 23:03 in Seoul
	morning := time.Date(2026, 11, 25, 8, 0, 0, 0, kst.Location())
	room := time.Date(2026, 11, 25, 9, 30, 0, 0, kst.Location())
	for _, tt := range []struct {
		name       string
		wait       time.Duration
		now        time.Time
		wantRefuse bool
	}{
		{"met at night, 2h", 2 * time.Hour, night, false},
		{"met in the morning, 2h", 2 * time.Hour, morning, false},
		{"met at night, 1h", time.Hour, night, true},
		{"met in the morning, 1h", time.Hour, morning, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := deliverEngineWith(t, s, paying, func(o *followup.Options) { o.CapWait = tt.wait })
			c := baseConversation(t)
			for i := range 5 { // the oldest leaves the 24-hour window at 09:30
				c.Texts.ToRecipient = append(c.Texts.ToRecipient, room.Add(-24*time.Hour+time.Duration(i)*time.Hour))
			}
			p := e.Plan(night, c)
			res, err := e.Deliver(context.Background(), tt.now, p, c)
			if err != nil {
				t.Fatal(err)
			}
			refused := len(res.Refused) > 0
			if refused != tt.wantRefuse || refused == !res.Deferred.Empty() {
				t.Errorf("refused %v, deferred %v until %v; want refused %v", res.Refused, res.Deferred, res.DeferredUntil, tt.wantRefuse)
			}
			if !refused && !res.DeferredUntil.Equal(room) {
				t.Errorf("deferred until %v, want %v", res.DeferredUntil, room)
			}
		})
	}
}

// A customer back in the chat who has not read the replies reschedules the
// follow-up; if they go idle without reading them, it goes at Result.Next
// with Result.Plan, as the README's delivery loop does.
func TestDeliverCustomerBackThenIdle(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	c.Presence = followup.Presence{Open: true, Focused: true, LastActive: t0.Add(2 * time.Minute)}
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || res.Status != followup.Rescheduled || res.Next.IsZero() || res.Plan.Key != p.Key {
		t.Fatalf("back: %v, next %v, key %v, %v", res.Status, res.Next, res.Plan.Key, err)
	}
	res, err = e.Deliver(context.Background(), res.Next, res.Plan, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("idle: %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// An AlimTalk whose call the context cut off may have gone, even when its
// sender marks the context's error permanent: it is recorded, not left to
// be sent again as one the dispatcher never tried, and no substitute goes.
func TestDeliverCutOffAlimTalkMarkedPermanentIsRecorded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	calls := 0
	senders.AlimTalk = notify.AlimTalkFunc(func(ctx context.Context, _ notify.AlimTalk) error {
		calls++
		cancel() // the provider took the request as the host shut down
		return notify.Permanent(ctx.Err())
	})
	e := mustEngine(t, fullSettings, paying, senders)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if got := deliveredByChannel(res); got[notify.ChannelAlimTalk] || !slices.ContainsFunc(res.Records, func(r followup.Record) bool { return r.Channel == notify.ChannelAlimTalk }) {
		t.Fatalf("records %v: want the AlimTalk recorded, not delivered", got)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	if p := e.Plan(now, c); p.Channels.Has(notify.ChannelAlimTalk) || p.Channels.Has(notify.ChannelSMS) {
		t.Errorf("next plan %v on %v: the text may have gone and is not sent again", p.Reason, p.Channels)
	}
	if n := fakes.SMS.Calls(); n != 0 || calls != 1 {
		t.Errorf("%d AlimTalk calls, %d substitutes", calls, n)
	}
}

// A message the dispatcher never tried, because the run's context ended
// first, is due again at once, even when the step's text is deferred: Next
// is not the deferral's end, hours away, nor a rate-limited text's
// retry-after.
func TestDeliverNotTriedBesideDeferredTextIsDueNow(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := fullSettings
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, senders := notifytest.NewSenders()
	e, err := followup.NewEngine(s, paying, senders, followup.Options{Workspace: "Acme",
		Link: func(c followup.Conversation) string {
			cancel() // the host shuts down as the messages are built
			return "https://chat.example/c/" + c.ID
		}})
	if err != nil {
		t.Fatal(err)
	}
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute) // 23:03 in Seoul: the text waits for 08:00
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if res.Deferred != notify.SetOf(notify.ChannelAlimTalk) || len(res.Records) != 0 {
		t.Fatalf("deferred %v, records %+v: want the text deferred and the email not tried", res.Deferred, res.Records)
	}
	if !res.Next.Equal(now) {
		t.Errorf("Next = %v, want %v: the email is still due", res.Next, now)
	}
	if p := e.Plan(now, c); p.Reason != followup.Due || !p.Channels.Has(notify.ChannelEmail) {
		t.Errorf("next plan %v on %v, want the email due", p.Reason, p.Channels)
	}
}

// A context that ends during the dispatch: a message the dispatcher never
// tried is not recorded, so the follow-up's next run sends it; the one it
// tried is recorded as it fared.
func TestDeliverContextEndsMidDispatch(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxConcurrency = 1 })
	fakes.AlimTalk.Hook(func(context.Context) error { // a worker shutting down
		cancel()
		return errors.New("503")
	})
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	res, err := e.Deliver(ctx, now, p, c)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Records) != 1 || res.Records[0].Channel != notify.ChannelAlimTalk || res.Records[0].Delivered {
		t.Fatalf("records %+v, want only the AlimTalk's, not delivered", res.Records)
	}
	if !res.Next.Equal(now) {
		t.Errorf("Next = %v, want %v: the email is still due", res.Next, now)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	if p := e.Plan(now, c); p.Reason != followup.Due || p.Channels != notify.SetOf(notify.ChannelEmail) {
		t.Errorf("next plan %v on %v, want the email due", p.Reason, p.Channels)
	}
}

// A context already done: nothing is sent or recorded, and the error says
// so, for the queue to run the job again.
func TestDeliverContextDone(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if !errors.Is(err, context.Canceled) || len(res.Records) != 0 {
		t.Errorf("Deliver = %v, %d records; want context.Canceled and none", err, len(res.Records))
	}
	if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// A Plan is a job's payload: its JSON reads back as the same Plan, and
// Deliver takes the decoded one. Reason and Status read their names back.
func TestPlanJSONRoundTrip(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	present := c
	present.Presence = followup.Presence{Open: true, Focused: true, LastActive: now}
	for _, p := range []followup.Plan{e.Plan(now, c), e.Plan(now, present), {}} {
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back followup.Plan
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if diff := cmp.Diff(p, back); diff != "" {
			t.Errorf("%s read back (-want +got):\n%s", b, diff)
		}
	}
	b, _ := json.Marshal(e.Plan(now, c))
	if want := `"channels":["alimtalk","email"]`; !strings.Contains(string(b), want) {
		t.Errorf("plan JSON %s lacks %s", b, want)
	}
	var p followup.Plan
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatal(err)
	}
	if res, err := e.Deliver(context.Background(), now, p, c); err != nil || res.Status != followup.Sent {
		t.Errorf("Deliver(decoded plan) = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}

	for s := followup.Sent; s <= followup.Deferred; s++ {
		var back followup.Status
		if err := back.UnmarshalText([]byte(strings.ToUpper(s.String()))); err != nil || back != s {
			t.Errorf("Status %v read back as %v, %v", s, back, err)
		}
	}
	for r := followup.Due; r <= followup.NotAwayLongEnough; r++ {
		var back followup.Reason
		if err := back.UnmarshalText([]byte(r.String())); err != nil || back != r {
			t.Errorf("Reason %v read back as %v, %v", r, back, err)
		}
	}
	for _, bad := range []string{"sent!", "Reason(0)", "+821012345678"} {
		var s followup.Status
		var r followup.Reason
		if err := s.UnmarshalText([]byte(bad)); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("Status.UnmarshalText(%q) = %v", bad, err)
		}
		if err := r.UnmarshalText([]byte(bad)); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("Reason.UnmarshalText(%q) = %v", bad, err)
		}
	}
}

// A message providers only rate-limited did not go: Deliver records it as
// RateLimited, which planning does not count as sent, and says when to send
// it again, after its retry-after, until Options.RateLimitWindow has passed
// since its first rate limit. Any other failure is recorded as before. (An
// AlimTalk past the window goes as SMS instead: see
// TestDeliverAlimTalkRateLimitedGoesAsSMS.)
func TestDeliverRateLimitedIsSentAgain(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	retryAfter := 2 * time.Minute // over the dispatcher's MaxRetryAfter: it gives up at once
	rateLimited := func(at time.Time) []followup.Record {
		return []followup.Record{
			rec(k1, notify.ChannelAlimTalk, at, t0, true),
			{Key: k1, Channel: notify.ChannelEmail, At: at, Through: t0, RateLimited: true, RetryAt: at.Add(retryAfter)},
		}
	}
	limit := func(f *notifytest.Fakes) { f.Email.RateLimit(1, retryAfter) }
	tests := []struct {
		name        string
		at          time.Time
		history     []followup.Record
		window      time.Duration
		fault       func(f *notifytest.Fakes)
		wantRetried bool
	}{
		{"rate-limited: sent again", due, nil, 0, limit, true},
		// Held back until long after it was due: the window starts at the
		// first rate limit, not at the due time.
		{"rate-limited ten hours after it was due", due.Add(10 * time.Hour), nil, 0, limit, true},
		{"rate-limited again within the window", due.Add(50 * time.Minute), rateLimited(due), 0, limit, true},
		{"rate-limited for an hour: given up", due.Add(followup.DefaultRateLimitWindow), rateLimited(due), 0, limit, false},
		// A retry-after that ends past the window would send it then.
		{"a retry-after past the window: given up", due, nil, 0, func(f *notifytest.Fakes) { f.Email.RateLimit(1, 2*time.Hour) }, false},
		{"a retry-after past the rest of the window: given up", due.Add(50 * time.Minute), rateLimited(due), 0,
			func(f *notifytest.Fakes) { f.Email.RateLimit(1, 10*time.Minute) }, false},
		{"a window of its own", due.Add(2 * time.Hour), rateLimited(due), 3 * time.Hour, limit, true},
		{"rate-limited, retries turned off", due, nil, -1, limit, false},
		{"a transient failure: recorded", due, nil, 0, func(f *notifytest.Fakes) { f.Email.FailAlways(errors.New("503")) }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
				o.RateLimitWindow = tt.window
				o.Dispatch.MaxAttempts = 1
			})
			tt.fault(fakes)
			c := baseConversation(t)
			c.FollowUps = tt.history
			p := e.Plan(tt.at, c)
			if !p.Due() || !p.Channels.Has(notify.ChannelEmail) {
				t.Fatalf("plan %v on %v, want the email due", p.Reason, p.Channels)
			}
			res, err := e.Deliver(context.Background(), tt.at, p, c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			r := res.Records[len(res.Records)-1]
			if r.Channel != notify.ChannelEmail || r.Delivered || r.RateLimited != tt.wantRetried {
				t.Fatalf("email record %+v, want RateLimited %v", r, tt.wantRetried)
			}
			if !tt.wantRetried {
				if !r.RetryAt.IsZero() {
					t.Errorf("RetryAt %v on a message not to be sent again", r.RetryAt)
				}
				if p := e.Plan(tt.at.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
					t.Errorf("after the record: %v, want alreadyFollowedUp", p.Reason)
				}
				return
			}
			want := tt.at.Add(retryAfter)
			if !res.Next.Equal(want) || !r.RetryAt.Equal(want) {
				t.Errorf("Next = %v, RetryAt = %v, want %v, after the retry-after", res.Next, r.RetryAt, want)
			}
			// The host's job runs again at Next; the provider takes it now.
			res, err = e.Deliver(context.Background(), res.Next, e.Plan(res.Next, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("second Deliver = %v, %v", res.Status, err)
			}
			if diff := cmp.Diff(sent{AlimTalk: 1 - len(tt.history)/2, Email: 1}, sentBy(fakes)); diff != "" {
				t.Errorf("sent, both runs (-want +got):\n%s", diff)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			if p := e.Plan(res.Next.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
				t.Errorf("after the second run: %v, want alreadyFollowedUp", p.Reason)
			}
		})
	}
}

// A provider that rate-limits without saying for how long (a 429 with no
// Retry-After) is tried again after a backoff, as a transient failure is:
// sent again at once, the message went to the provider again and again,
// the whole window long.
func TestDeliverRateLimitedWithoutRetryAfterBacksOff(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
	fakes.Email.RateLimit(1000, 0)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	runs := 0
	for ; runs < 100; runs++ {
		p := e.Plan(now, c)
		if !p.Due() {
			break
		}
		res, err := e.Deliver(context.Background(), now, p, c)
		if err != nil || res.Status != followup.Sent {
			t.Fatalf("run %d at %v: Deliver = %v, %v", runs, now, res.Status, err)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		if res.Next.IsZero() {
			runs++
			break
		}
		wait := res.Next.Sub(now)
		if least := time.Minute << min(runs, 4); wait < least || wait > least*3/2 {
			t.Errorf("run %d at %v: Next %v later, want %v to 1.5 times that", runs, now, wait, least)
		}
		now = res.Next
	}
	// 1, 2, 4, 8, 16 and 16 minutes at least, and up to half as much again:
	// six or seven tries fit in the hour's window, and one more gives up.
	if runs < 7 || runs > 8 || fakes.Email.Calls() != runs {
		t.Errorf("%d runs, %d email calls, in the window; want 7 or 8 of each", runs, fakes.Email.Calls())
	}
	if p := e.Plan(now.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
		t.Errorf("after the window: %v, want alreadyFollowedUp", p.Reason)
	}
}

// A job the queue runs again before a rate limit's retry-after (a lost ack)
// does not call the provider: the step is not due until RetryAt.
func TestDeliverRateLimitedWaitsForRetryAfterOnRedelivery(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
	fakes.Email.RateLimit(1, 5*time.Minute)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || !res.Next.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("Deliver = %v, Next %v, %v", res.Status, res.Next, err)
	}
	c.FollowUps = res.Records
	again := now.Add(5 * time.Second)
	if q := e.Plan(again, c); !q.Due() || !q.SendAt.Equal(res.Next) || q.Channels != notify.SetOf(notify.ChannelEmail) {
		t.Errorf("Plan = %v at %v on %v, want the email at its retry-after %v", q.Reason, q.SendAt, q.Channels, res.Next)
	}
	res2, err := e.Deliver(context.Background(), again, p, c)
	if err != nil || res2.Status != followup.Rescheduled || !res2.Next.Equal(res.Next) {
		t.Errorf("redelivered early: %v, Next %v, %v; want rescheduled to %v", res2.Status, res2.Next, err, res.Next)
	}
	if n := fakes.Email.Calls(); n != 1 {
		t.Errorf("the email provider was called %d times, want once", n)
	}
}

// An AlimTalk the customer refused, whose substitute SMS was only
// rate-limited, did not go at all: the text is sent again, not lost.
func TestDeliverRefusedAlimTalkRateLimitedSubstituteIsSentAgain(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
	fakes.SMS.RateLimit(1, 5*time.Minute)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	r := res.Records[0]
	if r.Channel != notify.ChannelAlimTalk || r.Delivered || !r.RateLimited || !r.RetryAt.Equal(now.Add(5*time.Minute)) {
		t.Fatalf("text record %+v, want rate-limited until the SMS's retry-after", r)
	}
	c.FollowUps = res.Records
	res, err = e.Deliver(context.Background(), r.RetryAt, e.Plan(r.RetryAt, c), c)
	if err != nil || !res.Report.Delivered(notify.ChannelAlimTalk) {
		t.Fatalf("second Deliver = %v, %v, report %v", res.Status, err, res.Report)
	}
	if e, _ := res.Report.Entry(notify.ChannelAlimTalk); e.Outcome != notify.DeliveredBySubstitute {
		t.Errorf("text went %v, want by substitute", e.Outcome)
	}
	if got := len(fakes.SMS.Sent()); got != 1 {
		t.Errorf("%d SMS sent, want 1", got)
	}
}

// An AlimTalk its provider rate-limited for the whole RateLimitWindow
// certainly never went: the text goes as its substitute SMS rather than
// being given up, unless the customer opted out of SMS. Within the window,
// a retry-after past its end is cut to the end.
func TestDeliverAlimTalkRateLimitedGoesAsSMS(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	history := []followup.Record{
		{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(20 * time.Minute)},
		rec(k1, notify.ChannelEmail, due, t0, true),
	}
	// run delivers, at now, the plan due then for a conversation with the
	// history, and returns both.
	run := func(t *testing.T, e *followup.Engine, now time.Time) (followup.Conversation, followup.Result) {
		t.Helper()
		c := baseConversation(t)
		c.FollowUps = history
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil {
			t.Fatal(err)
		}
		return c, res
	}
	t.Run("past the window", func(t *testing.T) {
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
		fakes.AlimTalk.RateLimit(10, 20*time.Minute)
		c := baseConversation(t)
		c.FollowUps = history
		now := due.Add(followup.DefaultRateLimitWindow)
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil || res.Status != followup.Sent {
			t.Fatalf("Deliver = %v, %v", res.Status, err)
		}
		if diff := cmp.Diff(sent{SMS: 1}, sentBy(fakes)); diff != "" {
			t.Errorf("sent (-want +got):\n%s", diff)
		}
		want := []followup.Record{rec(k1, notify.ChannelSMS, now, t0, true)}
		if diff := cmp.Diff(want, res.Records); diff != "" {
			t.Errorf("records (-want +got):\n%s", diff)
		}
		// The SMS is the AlimTalk's own content, as its substitute is, not
		// the text message the engine sends when there is no AlimTalk.
		ref, refFakes := deliverEngine(t, fullSettings, paying)
		if _, err := ref.Deliver(context.Background(), due, ref.Plan(due, baseConversation(t)), baseConversation(t)); err != nil {
			t.Fatal(err)
		}
		alimTalks := refFakes.AlimTalk.Sent()
		if len(alimTalks) != 1 || alimTalks[0].Substitute == nil {
			t.Fatalf("reference delivery: %d AlimTalks, want 1 with a substitute", len(alimTalks))
		}
		if m := fakes.SMS.Sent(); len(m) == 1 && m[0].Text != alimTalks[0].Substitute.Text {
			t.Errorf("SMS %q, want the AlimTalk's substitute %q", m[0].Text, alimTalks[0].Substitute.Text)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		if p := e.Plan(now.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
			t.Errorf("after the SMS: %v", p.Reason)
		}
	})
	t.Run("past the window, SMS opted out", func(t *testing.T) {
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
		fakes.AlimTalk.RateLimit(10, 20*time.Minute)
		c := baseConversation(t)
		c.FollowUps = history
		c.OptOuts = []notify.Channel{notify.ChannelSMS}
		now := due.Add(followup.DefaultRateLimitWindow)
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil {
			t.Fatal(err)
		}
		want := []followup.Record{{Key: k1, Channel: notify.ChannelAlimTalk, At: now, Through: t0}}
		if diff := cmp.Diff(want, res.Records); diff != "" || fakes.SMS.Calls() != 0 {
			t.Errorf("records (-want +got):\n%s; %d SMS", diff, fakes.SMS.Calls())
		}
	})
	t.Run("the substitute's retry-after is not cut", func(t *testing.T) {
		// The SMS provider asked for the wait, and the SMS that follows the
		// window goes through it: it is waited for in full.
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
		fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
		fakes.SMS.RateLimit(1, 20*time.Minute)
		now := due.Add(50 * time.Minute)
		_, res := run(t, e, now)
		want := now.Add(20 * time.Minute)
		if len(res.Records) != 1 || !res.Records[0].RateLimited || !res.Records[0].RetryAt.Equal(want) || !res.Next.Equal(want) {
			t.Errorf("records %+v, Next %v; want rate-limited until the SMS's retry-after %v", res.Records, res.Next, want)
		}
	})
	t.Run("a retry-after past the window's end", func(t *testing.T) {
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
		fakes.AlimTalk.RateLimit(10, 20*time.Minute)
		now := due.Add(50 * time.Minute)
		_, res := run(t, e, now)
		end := due.Add(followup.DefaultRateLimitWindow)
		if len(res.Records) != 1 || !res.Records[0].RateLimited || !res.Records[0].RetryAt.Equal(end) || !res.Next.Equal(end) {
			t.Errorf("records %+v, Next %v; want rate-limited until the window's end %v", res.Records, res.Next, end)
		}
	})
	t.Run("no SMS sender: the AlimTalk waits its retry-after, and goes", func(t *testing.T) {
		// Without an SMS sender (the AlimTalk provider sends the
		// substitute), giving the text up to an SMS loses it.
		fakes, senders := notifytest.NewSenders()
		senders.SMS, senders.Push = nil, nil
		e, err := followup.NewEngine(fullSettings, paying, senders, followup.Options{Workspace: "Acme",
			Link:     func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
			Dispatch: notify.Options{MaxAttempts: 1}})
		if err != nil {
			t.Fatal(err)
		}
		fakes.AlimTalk.RateLimit(1, 20*time.Minute)
		now := due.Add(50 * time.Minute)
		c, res := run(t, e, now)
		want := now.Add(20 * time.Minute) // past the window's end: not cut to it
		if len(res.Records) != 1 || !res.Records[0].RateLimited || !res.Records[0].RetryAt.Equal(want) || !res.Next.Equal(want) {
			t.Fatalf("records %+v, Next %v; want rate-limited until its retry-after %v", res.Records, res.Next, want)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		if res, err = e.Deliver(context.Background(), res.Next, res.Plan, c); err != nil || res.Status != followup.Sent {
			t.Fatalf("after the window: %v, %v", res.Status, err)
		}
		if got := deliveredByChannel(res); !got[notify.ChannelAlimTalk] || fakes.AlimTalk.Calls() != 2 {
			t.Errorf("records %v after %d AlimTalk calls; want the AlimTalk delivered", got, fakes.AlimTalk.Calls())
		}
	})
}

// A push that was only rate-limited is not sent again: text and email
// follow at once, as after any push that did not go.
func TestDeliverRateLimitedPushIsNotWaitedFor(t *testing.T) {
	_, fakes := deliverEngine(t, fullSettings, paying)
	pushes := &notifytest.Push{}
	pushes.RateLimit(1, 10*time.Minute)
	e, err := followup.NewEngine(fullSettings, paying, notify.Senders{AlimTalk: fakes.AlimTalk, SMS: fakes.SMS, Email: fakes.Email, Push: pushes},
		followup.Options{Workspace: "Acme", Link: func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
			Dispatch: notify.Options{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	c := baseConversation(t)
	c.PushTarget = "device-1"
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || len(res.Records) != 1 || res.Records[0].Channel != notify.ChannelPush || res.Records[0].RateLimited {
		t.Fatalf("push step: %v, %v, records %+v", res.Status, err, res.Records)
	}
	if !res.Next.Equal(now) {
		t.Errorf("Next = %v, want now: nothing to wait for", res.Next)
	}
	c.FollowUps = res.Records
	if p := e.Plan(now, c); !p.Due() || !p.SendAt.Equal(now) || p.Channels != alimEmail {
		t.Errorf("after the push: %v at %v on %v, want AlimTalk and email now", p.Reason, p.SendAt, p.Channels)
	}
}

// TestDeliverErrorResultIsZero: when Deliver fails, nothing was sent and
// nothing is to be recorded, so the Result says nothing either, not even
// the refusals it found before the failure.
func TestDeliverErrorResultIsZero(t *testing.T) {
	bad := texttemplate.Must(texttemplate.New("bad").Parse(`{{index .Replies 5}}`))
	r, err := followup.NewRenderer(map[string]followup.Templates{"en": {SMS: bad}, "ko": {SMS: bad}})
	if err != nil {
		t.Fatal(err)
	}
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Renderer = r })
	c := baseConversation(t)
	c.OptOuts = []notify.Channel{notify.ChannelEmail}
	now := t0.Add(5 * time.Minute)
	p := e.Plan(now, c)
	p.Channels = p.Channels.Add(notify.ChannelEmail) // planned before the opt-out
	res, err := e.Deliver(context.Background(), now, p, c)
	if err == nil {
		t.Fatal("Deliver with a failing template: no error")
	}
	if diff := cmp.Diff(followup.Result{}, res, cmp.Comparer(func(a, b error) bool { return a == b })); diff != "" {
		t.Errorf("Result with the error is not zero:\n%s", diff)
	}
	if n := fakes.SMS.Calls() + fakes.AlimTalk.Calls() + fakes.Email.Calls(); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

// TestMalformedConversation: the IDs make the idempotency keys (without
// them, follow-ups would share a key and providers would drop all but one),
// and the replies' times the batches (a reply without one would read as
// followed up long ago). Plan answers Malformed, Validate says what is
// missing, and Deliver refuses the conversation with Validate's error,
// whatever plan it is given.
func TestMalformedConversation(t *testing.T) {
	e, fakes := deliverEngine(t, fullSettings, paying)
	now := t0.Add(5 * time.Minute)
	due := e.Plan(now, baseConversation(t))
	for _, tt := range []struct {
		name   string
		change func(*followup.Conversation)
		want   error
	}{
		{"conversation without an ID", func(c *followup.Conversation) { c.ID = "" }, followup.ErrNoID},
		{"reply without an ID", func(c *followup.Conversation) { c.Unseen[0].ID = "" }, followup.ErrNoID},
		{"later reply without an ID", func(c *followup.Conversation) { c.Unseen = append(c.Unseen, reply("", t0)) }, followup.ErrNoID},
		{"reply without a time", func(c *followup.Conversation) { c.Unseen[0].At = time.Time{} }, followup.ErrNoTime},
		{"later reply without a time", func(c *followup.Conversation) {
			c.Unseen = append(c.Unseen, reply("r2", time.Time{}))
		}, followup.ErrNoTime},
		{"reply without a time, after a follow-up", func(c *followup.Conversation) {
			c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(time.Minute), t0, true),
				rec(k1, notify.ChannelEmail, t0.Add(time.Minute), t0, true)}
			c.Unseen = append(c.Unseen, reply("r2", time.Time{}))
		}, followup.ErrNoTime},
		// The host stored Record.Through to whole seconds, and the reply's
		// time to the nanosecond: the reply that opened the follow-up
		// reads as after it, and would be followed up again and again.
		{"record's Through coarser than the reply's time", func(c *followup.Conversation) {
			c.Unseen[0].At = t0.Add(500 * time.Millisecond)
			c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true)}
		}, followup.ErrThroughBeforeReply},
	} {
		c := baseConversation(t)
		tt.change(&c)
		if err := c.Validate(); !errors.Is(err, tt.want) {
			t.Errorf("%s: Validate() = %v, want %v", tt.name, err, tt.want)
		}
		if p := e.Plan(now, c); p != (followup.Plan{Reason: followup.Malformed}) {
			t.Errorf("%s: Plan = %+v, want only Malformed", tt.name, p)
		}
		for _, p := range []followup.Plan{due, e.Plan(now, c)} {
			res, err := e.Deliver(context.Background(), now, p, c)
			if !errors.Is(err, tt.want) {
				t.Errorf("%s: Deliver(%v plan) err = %v, want %v", tt.name, p.Reason, err, tt.want)
			}
			if res.Status != 0 || res.Records != nil {
				t.Errorf("%s: Deliver(%v plan) = %v with %d records", tt.name, p.Reason, res.Status, len(res.Records))
			}
		}
	}
	if n := fakes.SMS.Calls() + fakes.AlimTalk.Calls() + fakes.Email.Calls(); n != 0 {
		t.Errorf("%d messages sent", n)
	}
	// Nothing to follow up: Plan says so before it looks at the IDs.
	c := followup.Conversation{CustomerWrote: true}
	if p := e.Plan(now, c); p.Reason != followup.NothingUnseen {
		t.Errorf("no ID, nothing unseen: Plan = %v", p.Reason)
	}
	if err := c.Validate(); !errors.Is(err, followup.ErrNoID) {
		t.Errorf("no ID, nothing unseen: Validate() = %v", err)
	}
	// A marketing message is never followed up: it needs neither.
	c = baseConversation(t)
	c.Unseen = append(c.Unseen, followup.Reply{Text: "sale!", Marketing: true})
	if err := c.Validate(); err != nil {
		t.Errorf("with a marketing message without an ID or a time: Validate() = %v", err)
	}
	if res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c); err != nil || res.Status != followup.Sent {
		t.Errorf("with a marketing message without an ID or a time: %v, %v", res.Status, err)
	}
	if k := (followup.Key{}).For(notify.ChannelSMS); k != "" {
		t.Errorf("Key{}.For(sms) = %q, want no key", k)
	}
	if k := k1.For(notify.ChannelSMS); k != k1.String()+"-sms" {
		t.Errorf("Key.For(sms) = %q", k)
	}
}

// Texted counts a text that may have gone, which the provider may have
// billed, so that the caps err on the side of the cap; a text that
// certainly did not go is not counted.
func TestDeliverTextedCountsMaybeSentText(t *testing.T) {
	for _, tt := range []struct {
		name  string
		fault func(f *notifytest.Fakes)
		want  bool
	}{
		{"delivered", func(*notifytest.Fakes) {}, true},
		{"server errors: may have gone", func(f *notifytest.Fakes) { f.AlimTalk.FailAlways(errors.New("503")) }, true},
		{"refused, and its substitute refused", func(f *notifytest.Fakes) {
			f.AlimTalk.FailAlways(notify.ErrRecipientRefused)
			f.SMS.FailAlways(notify.Permanent(errors.New("invalid number")))
		}, false},
	} {
		e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.Dispatch.MaxAttempts = 1 })
		tt.fault(fakes)
		c := baseConversation(t)
		now := t0.Add(3 * time.Minute)
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil || res.Texted != tt.want {
			t.Errorf("%s: Texted = %v, %v; want %v", tt.name, res.Texted, err, tt.want)
		}
	}
}

// With the Escalating strategy, a text that is to be sent again (its
// provider rate-limited it, or it failed transiently, within the windows)
// was not delivered: the email goes at once, as it does after a text that
// failed, and the text at its retry.
func TestDeliverEscalatingEmailGoesWhileTextRetries(t *testing.T) {
	tests := []struct {
		name  string
		fault func(f *notifytest.Fakes)
	}{
		{"rate-limited for 30 minutes", func(f *notifytest.Fakes) { f.AlimTalk.RateLimit(1, 30*time.Minute) }},
		{"failed transiently", func(f *notifytest.Fakes) { f.AlimTalk.FailTimes(1, errors.New("503 service unavailable")) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngineWith(t, withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating}), paying,
				func(o *followup.Options) {
					o.Dispatch.MaxAttempts = 1
					o.RetryWindow = time.Hour
				})
			tt.fault(fakes)
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || len(res.Records) != 1 || res.Records[0].RetryAt.IsZero() {
				t.Fatalf("text run: %v, %v, records %+v; want the text to be sent again", res.Status, err, res.Records)
			}
			retry := res.Records[0].RetryAt
			if !res.Next.Equal(now) || res.Plan.Channels != notify.SetOf(notify.ChannelEmail) {
				t.Fatalf("after the text: Next %v on %v; want the email at once, %v", res.Next, res.Plan.Channels, now)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			res, err = e.Deliver(context.Background(), res.Next, res.Plan, c)
			if err != nil || !res.Report.Delivered(notify.ChannelEmail) || !res.Next.Equal(retry) {
				t.Fatalf("email run: %v, %v, email delivered %v, Next %v; want the email, then the text at %v",
					res.Status, err, res.Report.Delivered(notify.ChannelEmail), res.Next, retry)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			res, err = e.Deliver(context.Background(), retry, res.Plan, c)
			if err != nil || !res.Report.Delivered(notify.ChannelAlimTalk) || !res.Next.IsZero() {
				t.Fatalf("text again: %v, %v, AlimTalk delivered %v, Next %v", res.Status, err, res.Report.Delivered(notify.ChannelAlimTalk), res.Next)
			}
			if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// An escalating follow-up whose text quiet hours hold back sends its email
// at once; a job run again before that email's retry-after (a rate limit's,
// or the backoff after a transient failure) does not call the email
// provider, and is due again at the retry-after, not in the morning.
func TestDeliverEscalatingEmailWaitsForRetryAfterOnRedelivery(t *testing.T) {
	tests := []struct {
		name  string
		fault func(f *notifytest.Fakes)
		kind  func(followup.Record) bool
	}{
		{"rate-limited", func(f *notifytest.Fakes) { f.Email.RateLimit(1, 5*time.Minute) },
			func(r followup.Record) bool { return r.RateLimited }},
		{"failed transiently", func(f *notifytest.Fakes) { f.Email.FailTimes(1, errors.New("503 service unavailable")) },
			func(r followup.Record) bool { return r.Transient }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, morning := guardNight(t)
			s.Timing.Strategy = followup.Escalating
			e, fakes := deliverEngineWith(t, s, paying, func(o *followup.Options) {
				o.Dispatch.MaxAttempts = 1
				o.RetryWindow = time.Hour
			})
			tt.fault(fakes)
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute) // 23:03 in Seoul
			p := e.Plan(now, c)
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || len(res.Records) != 1 || !tt.kind(res.Records[0]) || !res.Next.After(now) || !res.Next.Equal(res.Records[0].RetryAt) {
				t.Fatalf("first run: %v, %v, records %+v, Next %v", res.Status, err, res.Records, res.Next)
			}
			retry := res.Next
			c.FollowUps = res.Records
			early := now.Add(5 * time.Second)
			res, err = e.Deliver(context.Background(), early, p, c)
			if err != nil || !res.Next.Equal(retry) || len(res.Records) != 0 {
				t.Errorf("early rerun: %v, %v, records %+v, Next %v; want nothing sent, Next %v", res.Status, err, res.Records, res.Next, retry)
			}
			if n := fakes.Email.Calls(); n != 1 {
				t.Errorf("the email provider was called %d times before its retry-after, want once", n)
			}
			res, err = e.Deliver(context.Background(), retry, p, c)
			if err != nil || !res.Report.Delivered(notify.ChannelEmail) || !res.Next.Equal(morning) {
				t.Errorf("at the retry-after: %v, %v, email delivered %v, Next %v; want the email, then the text at %v",
					res.Status, err, res.Report.Delivered(notify.ChannelEmail), res.Next, morning)
			}
		})
	}
}

// A follow-up whose text was still to go (rate-limited, with a reply that
// joined it) when a rule took text away is finished, and a newer follow-up
// starts. The old follow-up's job, when it runs, refuses that text on the
// record with the rule's error, whether the newer follow-up is due or done:
// else the joined reply, which went on no channel, has no record of why.
func TestDeliverSupersededFollowUpRefusesWhatItLeft(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	r2, r3 := t0.Add(5*time.Minute), t0.Add(20*time.Minute)
	k3 := followup.Key{Conversation: "c1", Reply: "r3"}
	history := []followup.Record{
		rec(k1, notify.ChannelEmail, due, t0, true),
		{Key: k1, Channel: notify.ChannelAlimTalk, At: due.Add(10 * time.Minute), Through: r2,
			RateLimited: true, RetryAt: due.Add(20 * time.Minute)},
	}
	// The job the last run scheduled: the AlimTalk again, for r1 and r2.
	p := followup.Plan{Reason: followup.Due, Key: k1, Channels: notify.SetOf(notify.ChannelAlimTalk),
		SendAt: due.Add(20 * time.Minute), Through: r2, Replies: 2}
	for _, tt := range []struct {
		name       string
		newer      []followup.Record // the newer follow-up's records
		wantStatus followup.Status
	}{
		{"newer follow-up due", nil, followup.Replanned},
		{"newer follow-up done", []followup.Record{rec(k3, notify.ChannelEmail, r3.Add(3*time.Minute), r3, true)}, followup.Cancelled},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := baseConversation(t)
			c.Unseen = []followup.Reply{reply("r1", t0), reply("r2", r2), reply("r3", r3)}
			c.FollowUps = append(slices.Clone(history), tt.newer...)
			e, fakes := deliverEngine(t, fullSettings, followup.Account{}) // the payment method lapsed
			now := p.SendAt.Add(5 * time.Minute)
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || res.Status != tt.wantStatus {
				t.Fatalf("Deliver = %v, %v; want %v", res.Status, err, tt.wantStatus)
			}
			if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			checkRefused(t, res, map[notify.Channel]error{notify.ChannelAlimTalk: policy.ErrPaymentMethodRequired})
			want := []followup.Record{{Key: k1, Channel: notify.ChannelAlimTalk, At: now, Through: r2}}
			if diff := cmp.Diff(want, res.Records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}

	// With the payment method in place, the old follow-up is not finished
	// (its text goes) and nothing is refused: the check is for a rule.
	c := baseConversation(t)
	c.Unseen = []followup.Reply{reply("r1", t0), reply("r2", r2), reply("r3", r3)}
	c.FollowUps = slices.Clone(history)
	e, _ := deliverEngine(t, fullSettings, paying)
	res, err := e.Deliver(context.Background(), p.SendAt, p, c)
	if err != nil || res.Status != followup.Sent || len(res.Refused) > 0 {
		t.Errorf("paying: Deliver = %v, %v, refused %v; want Sent", res.Status, err, res.Refused)
	}
}

// The settings switch from text to email while a reply's own follow-up is
// queued: the earlier follow-up reopens for its email and carries that
// reply. The reply's own job, when it fires, refuses nothing: its
// follow-up never began, and a refusal record of it would make it the
// newest follow-up again and send the reply a second time by email.
func TestDeliverSupersededBeforeItBeganRefusesNothing(t *testing.T) {
	textOnly := followup.Settings{AskPhone: true, Locale: "ko",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: "FOLLOWUP_01"}}
	emailOnly := followup.Settings{AskEmail: true, Locale: "ko"}
	r2 := t0.Add(5 * time.Minute)
	c := baseConversation(t)
	c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true)}
	c.Unseen = append(c.Unseen, reply("r2", r2))
	p2 := mustEngine(t, textOnly, paying, notify.Senders{}).Plan(r2, c) // r2's own follow-up
	if !p2.Due() || p2.Key.Reply != "r2" {
		t.Fatalf("r2's plan: %+v", p2)
	}

	e, fakes := deliverEngine(t, emailOnly, paying) // the switch
	deliver := func(now time.Time, p followup.Plan) followup.Result {
		t.Helper()
		res, err := e.Deliver(context.Background(), now, p, c)
		if err != nil {
			t.Fatal(err)
		}
		c.FollowUps = append(c.FollowUps, res.Records...)
		return res
	}
	now := t0.Add(6 * time.Minute)
	if p := e.Plan(now, c); !p.Due() || p.Key != k1 || p.Replies != 2 {
		t.Fatalf("after the switch: %+v, want r1's follow-up due with both replies", p)
	}
	deliver(now, e.Plan(now, c))
	if res := deliver(p2.SendAt, p2); len(res.Refused) > 0 || len(res.Records) > 0 {
		t.Errorf("r2's job: %v, refused %v, records %+v; want nothing refused or recorded", res.Status, res.Refused, res.Records)
	}
	if p := e.Plan(p2.SendAt.Add(time.Minute), c); p.Due() {
		t.Errorf("after r2's job: %v on %v under %v, want nothing due", p.Reason, p.Channels, p.Key)
	}
	if n := len(fakes.Email.Sent()); n != 1 {
		t.Errorf("%d emails, want 1", n)
	}
}
