package followup_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
)

var (
	t0 = time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)

	fullSettings = followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true, Locale: "en",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: "FOLLOWUP_01"},
	}
	pushSender = notify.PushFunc(func(context.Context, notify.Push) error { return nil })
	// noopSenders deliver every text and email at once.
	noopSenders = notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(context.Context, notify.AlimTalk) error { return nil }),
		SMS:      notify.SMSFunc(func(context.Context, notify.SMS) error { return nil }),
		Email:    notify.EmailFunc(func(context.Context, notify.Email) error { return nil }),
	}
)

func mustEngine(t testing.TB, s followup.Settings, a followup.Account, senders notify.Senders) *followup.Engine {
	t.Helper()
	e, err := followup.NewEngine(s, a, senders, followup.Options{Workspace: "Acme",
		Link: func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID }})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func mustPhone(t testing.TB, raw string) followup.Phone {
	t.Helper()
	p, err := followup.ParsePhone(raw, "KR")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func reply(id string, at time.Time) followup.Reply {
	return followup.Reply{ID: id, Author: "Agent Kim", Text: "answer " + id, At: at}
}

// baseConversation: the customer asked, left one minute before the agent
// replied at t0, and gave a mobile number and an email address.
func baseConversation(t testing.TB) followup.Conversation {
	return followup.Conversation{
		ID:            "c1",
		CustomerWrote: true,
		Unseen:        []followup.Reply{reply("r1", t0)},
		Presence:      followup.Presence{Open: false, LastActive: t0.Add(-time.Minute), Since: t0.Add(-time.Minute)},
		Contact:       followup.Contact{Phone: mustPhone(t, "010-1234-5678"), Email: "minji@example.com"},
	}
}

var (
	alimEmail = notify.SetOf(notify.ChannelAlimTalk, notify.ChannelEmail)
	k1        = followup.Key{Conversation: "c1", Reply: "r1"}
)

func rec(k followup.Key, c notify.Channel, at, through time.Time, delivered bool) followup.Record {
	return followup.Record{Key: k, Channel: c, At: at, Through: through, Delivered: delivered}
}

func TestPlanReasons(t *testing.T) {
	now := t0.Add(5 * time.Minute)
	due := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: alimEmail, Replies: 1, Through: t0}
	tests := []struct {
		name     string
		settings followup.Settings
		account  followup.Account
		edit     func(*followup.Conversation)
		want     followup.Plan
	}{
		{"due: text and email 3 minutes after the reply", fullSettings, paying, nil, due},
		{"agent-started chat the customer never answered", fullSettings, paying, func(c *followup.Conversation) {
			c.StartedBy, c.CustomerWrote = followup.Agent, false
		}, followup.Plan{Reason: followup.AgentStartedUnanswered}},
		{"agent-started chat the customer answered", fullSettings, paying, func(c *followup.Conversation) {
			c.StartedBy = followup.Agent
		}, due},
		{"nothing unseen", fullSettings, paying, func(c *followup.Conversation) { c.Unseen = nil },
			followup.Plan{Reason: followup.NothingUnseen}},
		{"only marketing", fullSettings, paying, func(c *followup.Conversation) { c.Unseen[0].Marketing = true },
			followup.Plan{Reason: followup.OnlyMarketing}},
		{"marketing next to a real reply is skipped, the reply is due", fullSettings, paying, func(c *followup.Conversation) {
			m := reply("m0", t0.Add(-time.Minute))
			m.Marketing = true
			c.Unseen = append([]followup.Reply{m}, c.Unseen...)
		}, due},
		{"already followed up", fullSettings, paying, func(c *followup.Conversation) {
			c.FollowUps = []followup.Record{
				rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true),
				rec(k1, notify.ChannelEmail, t0.Add(3*time.Minute), t0, true),
			}
		}, followup.Plan{Reason: followup.AlreadyFollowedUp, Key: k1}},
		{"no contact: a name alone", fullSettings, paying, func(c *followup.Conversation) {
			c.Contact = followup.Contact{Name: "김민지"}
		}, followup.Plan{Reason: followup.NoContact}},
		{"no contact: a landline cannot receive text", fullSettings, paying, func(c *followup.Conversation) {
			c.Contact = followup.Contact{Phone: mustPhone(t, "02-123-4567")}
		}, followup.Plan{Reason: followup.NoContact}},
		{"no channel: phone given, only email enabled", followup.Settings{AskEmail: true}, paying, func(c *followup.Conversation) {
			c.Contact.Email = ""
		}, followup.Plan{Reason: followup.NoChannel}},
		{"no channel: payment lapsed, phone only", fullSettings, lapsed, func(c *followup.Conversation) {
			c.Contact.Email = ""
		}, followup.Plan{Reason: followup.NoChannel}},
		{"payment lapsed: email only", fullSettings, lapsed, nil,
			followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: notify.SetOf(notify.ChannelEmail), Replies: 1, Through: t0}},
		{"no AlimTalk template: SMS", followup.Settings{AskPhone: true}, paying, nil,
			followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: notify.SetOf(notify.ChannelSMS), Replies: 1, Through: t0}},
		{"opted out of everything", fullSettings, paying, func(c *followup.Conversation) {
			c.OptOuts = []notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS, notify.ChannelEmail}
		}, followup.Plan{Reason: followup.OptedOut}},
		{"opted out of AlimTalk: SMS instead", fullSettings, paying, func(c *followup.Conversation) {
			c.OptOuts = []notify.Channel{notify.ChannelAlimTalk}
		}, followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: notify.SetOf(notify.ChannelSMS, notify.ChannelEmail), Replies: 1, Through: t0}},
		{"customer present", fullSettings, paying, func(c *followup.Conversation) {
			c.Presence = followup.Presence{Open: true, Focused: true, LastActive: now.Add(-time.Minute)}
		}, followup.Plan{Reason: followup.CustomerPresent, Key: k1, Recheck: now.Add(-time.Minute).Add(followup.DefaultInactiveAfter)}},
		{"inactive for 4.5 minutes is away", fullSettings, paying, func(c *followup.Conversation) {
			c.Presence = followup.Presence{Open: true, Focused: true, LastActive: now.Add(-followup.DefaultInactiveAfter)}
		}, due},
		{"another tab is away", fullSettings, paying, func(c *followup.Conversation) {
			c.Presence = followup.Presence{Open: true, Focused: false, LastActive: now.Add(-time.Second), Since: now.Add(-time.Second)}
		}, due},
		{"not away long enough", withTiming(fullSettings, followup.Timing{HiddenAfter: time.Minute}), paying, func(c *followup.Conversation) {
			c.Presence = followup.Presence{Open: true, Focused: false, LastActive: now.Add(-30 * time.Second), Since: now.Add(-30 * time.Second)}
		}, followup.Plan{Reason: followup.NotAwayLongEnough, Key: k1, Recheck: now.Add(30 * time.Second)}},
		{"left, grace not over", withTiming(fullSettings, followup.Timing{LeftAfter: 10 * time.Minute}), paying, nil,
			followup.Plan{Reason: followup.NotAwayLongEnough, Key: k1, Recheck: t0.Add(9 * time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := mustEngine(t, tt.settings, tt.account, notify.Senders{})
			c := baseConversation(t)
			if tt.edit != nil {
				tt.edit(&c)
			}
			if diff := cmp.Diff(tt.want, e.Plan(now, c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}

func withTiming(s followup.Settings, t followup.Timing) followup.Settings {
	s.Timing = t
	return s
}

func TestPlanBatching(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	tests := []struct {
		name    string
		replies []time.Duration // after t0
		history []followup.Record
		want    followup.Plan
	}{
		{"three replies in the window: one follow-up with three replies",
			[]time.Duration{0, time.Minute, 2 * time.Minute}, nil,
			followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(5 * time.Minute), Channels: alimEmail, Replies: 3, Through: t0.Add(2 * time.Minute)}},
		{"a chatty agent cannot postpone it past the maximum wait",
			[]time.Duration{0, 4 * time.Minute, 8 * time.Minute, 12 * time.Minute, 14 * time.Minute, 16 * time.Minute}, nil,
			followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(15 * time.Minute), Channels: alimEmail, Replies: 5, Through: t0.Add(14 * time.Minute)}},
		{"a reply after the follow-up was sent starts a new batch",
			[]time.Duration{0, 16 * time.Minute},
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true), rec(k1, notify.ChannelEmail, t0.Add(3*time.Minute), t0, true)},
			followup.Plan{Reason: followup.Due, Key: followup.Key{Conversation: "c1", Reply: "r2"}, SendAt: t0.Add(19 * time.Minute), Channels: alimEmail, Replies: 1, Through: t0.Add(16 * time.Minute)}},
		{"a reply inside the window after a complete follow-up is not lost",
			[]time.Duration{0, 5 * time.Minute},
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true), rec(k1, notify.ChannelEmail, t0.Add(3*time.Minute), t0, true)},
			followup.Plan{Reason: followup.Due, Key: followup.Key{Conversation: "c1", Reply: "r2"}, SendAt: t0.Add(8 * time.Minute), Channels: alimEmail, Replies: 1, Through: t0.Add(5 * time.Minute)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := baseConversation(t)
			c.Unseen = nil
			for i, d := range tt.replies {
				c.Unseen = append(c.Unseen, reply("r"+string(rune('1'+i)), t0.Add(d)))
			}
			c.FollowUps = tt.history
			if diff := cmp.Diff(tt.want, e.Plan(t0.Add(30*time.Minute), c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}

// The key names the batch: the same whenever and however often it is
// planned while the batch is pending, and different for the next batch.
func TestPlanKeyIsStable(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	c := baseConversation(t)
	want := e.Plan(t0.Add(time.Minute), c).Key
	for _, now := range []time.Duration{0, time.Minute, time.Hour} {
		c := baseConversation(t)
		c.Unseen = append(c.Unseen, reply("r2", t0.Add(time.Minute)))
		if got := e.Plan(t0.Add(now), c).Key; got != want {
			t.Errorf("at +%v with another reply: key %v, want %v", now, got, want)
		}
	}
	other := mustEngine(t, fullSettings, paying, notify.Senders{}) // another instance
	if got := other.Plan(t0.Add(2*time.Minute), c).Key; got != want {
		t.Errorf("another engine: key %v, want %v", got, want)
	}
	if want.String() == (followup.Key{Conversation: "c1", Reply: "r2"}).String() {
		t.Error("different batches share a key string")
	}
	if a, b := (followup.Key{Conversation: "ab", Reply: "c"}).String(), (followup.Key{Conversation: "a", Reply: "bc"}).String(); a == b {
		t.Error("key strings collide on the split between the ids")
	}
}

func TestPlanStrategies(t *testing.T) {
	sendAt := t0.Add(3 * time.Minute)
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	alim := notify.SetOf(notify.ChannelAlimTalk)
	email := notify.SetOf(notify.ChannelEmail)
	push := notify.SetOf(notify.ChannelPush)
	plan := func(at time.Time, cs notify.ChannelSet) followup.Plan {
		return followup.Plan{Reason: followup.Due, Key: k1, SendAt: at, Channels: cs, Replies: 1, Through: t0}
	}
	done := followup.Plan{Reason: followup.AlreadyFollowedUp, Key: k1}
	tests := []struct {
		name     string
		settings followup.Settings
		push     bool
		opened   time.Time // Conversation.PushOpened
		noPhone  bool
		history  []followup.Record
		want     followup.Plan
	}{
		{"parallel: text and email together", fullSettings, false, time.Time{}, false, nil, plan(sendAt, alimEmail)},
		{"escalating: text first", escalating, false, time.Time{}, false, nil, plan(sendAt, alim)},
		{"escalating: email after the wait", escalating, false, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, sendAt, t0, true)}, plan(sendAt.Add(followup.DefaultEscalateAfter), email)},
		{"escalating: email at once when text failed", escalating, false, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, sendAt.Add(time.Second), t0, false)}, plan(sendAt.Add(time.Second), email)},
		{"escalating: both done", escalating, false, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, sendAt, t0, true), rec(k1, notify.ChannelEmail, sendAt.Add(15*time.Minute), t0, true)}, done},
		{"escalating without a phone: email right away", escalating, false, time.Time{}, true, nil, plan(sendAt, email)},
		{"push first", fullSettings, true, time.Time{}, false, nil, plan(sendAt, push)},
		{"push not opened: the rest 30 s later", fullSettings, true, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt.Add(time.Second), t0, true)}, plan(sendAt.Add(31*time.Second), alimEmail)},
		{"push failed: the rest at once", fullSettings, true, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt.Add(time.Second), t0, false)}, plan(sendAt.Add(time.Second), alimEmail)},
		{"push opened: nothing more", fullSettings, true, sendAt.Add(10 * time.Second), false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt, t0, true)}, done},
		{"push opened before it went: an earlier one, stops nothing", fullSettings, true, sendAt.Add(-time.Minute), false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt.Add(time.Second), t0, true)}, plan(sendAt.Add(31*time.Second), alimEmail)},
		{"push opened the instant it went: nothing more", fullSettings, true, sendAt, false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt, t0, true)}, done},
		{"push then escalating", escalating, true, time.Time{}, false,
			[]followup.Record{rec(k1, notify.ChannelPush, sendAt, t0, true), rec(k1, notify.ChannelAlimTalk, sendAt.Add(30*time.Second), t0, true)},
			plan(sendAt.Add(30*time.Second+followup.DefaultEscalateAfter), email)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var senders notify.Senders
			c := baseConversation(t)
			if tt.push {
				senders = noopSenders
				senders.Push = pushSender
				c.PushTarget = "device-1"
			}
			c.PushOpened = tt.opened
			if tt.noPhone {
				c.Contact.Phone = followup.Phone{}
			}
			c.FollowUps = tt.history
			e := mustEngine(t, tt.settings, paying, senders)
			if diff := cmp.Diff(tt.want, e.Plan(t0.Add(time.Hour), c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}

// The text and email after a push that went wait Timing.PushWait for the
// customer to open it, even when push became unavailable since: an opt-out
// of push, or a push target the host removed, does not make the customer
// open the push sooner.
func TestPlanPushWaitOutlivesPush(t *testing.T) {
	sendAt := t0.Add(3 * time.Minute)
	pushed := []followup.Record{rec(k1, notify.ChannelPush, sendAt.Add(time.Second), t0, true)}
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: sendAt.Add(31 * time.Second), Channels: alimEmail, Replies: 1, Through: t0}
	for _, tc := range []struct {
		name   string
		change func(*followup.Conversation)
	}{
		{"push still available", func(*followup.Conversation) {}},
		{"opted out of push", func(c *followup.Conversation) { c.OptOuts = []notify.Channel{notify.ChannelPush} }},
		{"push target removed", func(c *followup.Conversation) { c.PushTarget = "" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			senders := noopSenders
			senders.Push = pushSender
			e := mustEngine(t, fullSettings, paying, senders)
			c := baseConversation(t)
			c.PushTarget = "device-1"
			c.FollowUps = pushed
			tc.change(&c)
			if diff := cmp.Diff(want, e.Plan(sendAt.Add(2*time.Second), c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}

// A follow-up in progress whose first reply the host has since marked as
// marketing carries no reply to follow up: Plan does not say Due with none,
// which Deliver could not render.
func TestPlanInProgressReplyTurnedMarketing(t *testing.T) {
	e := mustEngine(t, withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating}), paying, noopSenders)
	c := baseConversation(t)
	c.Unseen[0].Marketing = true
	c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true)}
	if p := e.Plan(t0.Add(time.Hour), c); p.Due() {
		t.Errorf("Plan = %v on %v with %d replies, want no follow-up due", p.Reason, p.Channels, p.Replies)
	}
}

// A reply that arrives while a follow-up still has a step to send joins it.
func TestPlanReplyJoinsPendingFollowUp(t *testing.T) {
	e := mustEngine(t, withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating}), paying, notify.Senders{})
	c := baseConversation(t)
	c.Unseen = append(c.Unseen, reply("r2", t0.Add(5*time.Minute)))
	c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true)}
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(18 * time.Minute), Channels: notify.SetOf(notify.ChannelEmail), Replies: 2, Through: t0.Add(5 * time.Minute)}
	if diff := cmp.Diff(want, e.Plan(t0.Add(20*time.Minute), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

func TestPlanDoesNotAllocate(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	c := typicalConversation(t)
	now := t0.Add(10 * time.Minute)
	if n := testing.AllocsPerRun(100, func() { e.Plan(now, c) }); n != 0 {
		t.Errorf("Plan allocates %v times per call", n)
	}
}

// typicalConversation: three unseen replies, one earlier follow-up.
func typicalConversation(t testing.TB) followup.Conversation {
	c := baseConversation(t)
	c.Unseen = []followup.Reply{reply("r1", t0.Add(-20*time.Minute)), reply("r2", t0), reply("r3", t0.Add(time.Minute)), reply("r4", t0.Add(2*time.Minute))}
	k := followup.Key{Conversation: "c1", Reply: "r1"}
	c.FollowUps = []followup.Record{
		rec(k, notify.ChannelAlimTalk, t0.Add(-17*time.Minute), t0.Add(-20*time.Minute), true),
		rec(k, notify.ChannelEmail, t0.Add(-17*time.Minute), t0.Add(-20*time.Minute), true),
	}
	return c
}

func BenchmarkPlan(b *testing.B) {
	e := mustEngine(b, fullSettings, paying, notify.Senders{})
	c := typicalConversation(b)
	now := t0.Add(10 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		if p := e.Plan(now, c); p.Reason != followup.Due {
			b.Fatal(p.Reason)
		}
	}
}

// Unseen is documented oldest first; replies out of order give the same
// plan all the same.
func TestPlanUnsortedReplies(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	now := t0.Add(10 * time.Minute)
	sorted := typicalConversation(t)
	sorted.Unseen = append(sorted.Unseen, reply("r5", t0.Add(30*time.Minute)))
	want := e.Plan(now, sorted)
	if want.Reason != followup.Due || want.Replies != 3 {
		t.Fatalf("sorted plan: %+v", want)
	}
	for _, order := range [][]int{{4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}, {0, 3, 1, 2, 4}} {
		c := typicalConversation(t)
		c.Unseen = nil
		for _, i := range order {
			c.Unseen = append(c.Unseen, sorted.Unseen[i])
		}
		if diff := cmp.Diff(want, e.Plan(now, c)); diff != "" {
			t.Errorf("order %v (-sorted +got):\n%s", order, diff)
		}
	}
}

// Replies stored at the same time, as a canned macro posts several in one
// second, name the same batch in whatever order the host lists them: the
// tie goes to the smaller ID.
func TestPlanTiedRepliesInAnyOrder(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	now := t0.Add(10 * time.Minute)
	replies := []followup.Reply{reply("r3", t0), reply("r1", t0), reply("r2", t0), reply("r4", t0.Add(time.Minute))}
	want := followup.Key{Conversation: "c1", Reply: "r1"}
	for _, order := range [][]int{{0, 1, 2, 3}, {1, 0, 2, 3}, {2, 0, 1, 3}, {3, 2, 1, 0}, {0, 2, 3, 1}} {
		c := baseConversation(t)
		c.Unseen = nil
		for _, i := range order {
			c.Unseen = append(c.Unseen, replies[i])
		}
		p := e.Plan(now, c)
		if p.Reason != followup.Due || p.Key != want || p.Replies != 4 {
			t.Errorf("order %v: %v, key %v, %d replies; want due, key %v, 4 replies", order, p.Reason, p.Key, p.Replies, want)
		}
	}
}

// TestPlanMalformedMatchesValidate: on random conversations, some with
// replies missing an ID or a time, in any order, with follow-ups recorded
// under any of their keys, Plan answers Malformed exactly when Validate
// finds a problem and there is something unseen to follow up.
func TestPlanMalformedMatchesValidate(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	r := rand.New(rand.NewPCG(12, 1))
	ids := []string{"", "r1", "r2", "r3"}
	times := []time.Time{{}, t0, t0.Add(time.Minute), t0.Add(20 * time.Minute)}
	for range 20000 {
		c := baseConversation(t)
		c.Unseen = nil
		for range r.IntN(4) {
			c.Unseen = append(c.Unseen, followup.Reply{ID: ids[r.IntN(len(ids))], At: times[r.IntN(len(times))],
				Marketing: r.IntN(5) == 0})
		}
		for range r.IntN(3) {
			k := followup.Key{Conversation: "c1", Reply: ids[1+r.IntN(len(ids)-1)]}
			at := times[1+r.IntN(len(times)-1)]
			c.FollowUps = append(c.FollowUps, rec(k, notify.ChannelAlimTalk, at.Add(3*time.Minute), at, true))
		}
		if r.IntN(10) == 0 {
			c.ID = ""
		}
		now := t0.Add(30 * time.Minute)
		p := e.Plan(now, c)
		invalid := c.Validate() != nil && len(c.Unseen) > 0
		if (p.Reason == followup.Malformed) != invalid {
			t.Fatalf("Plan = %v, Validate() = %v, for %+v", p.Reason, c.Validate(), c)
		}
		if invalid && p != (followup.Plan{Reason: followup.Malformed}) {
			t.Fatalf("a Malformed plan carries more: %+v", p)
		}
	}
}
