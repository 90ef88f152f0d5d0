package followup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
	"github.com/followup-go/followup/policy"
)

// A plan's AlimTalk that moves to SMS is not lost, but another channel of
// the plan a rule now keeps off still is: refuseLost goes on past the text
// channel to refuse it. (Mutation: deliver.go refuseLost `continue` ->
// `break` left the email unrefused and unrecorded.)
func TestDeliverTextMovesToSMSAndEmailOptedOut(t *testing.T) {
	now := t0.Add(3 * time.Minute)
	c := baseConversation(t)
	p := mustEngine(t, fullSettings, paying, notify.Senders{}).Plan(now, c)
	if p.Channels != alimEmail {
		t.Fatalf("planned %v, want AlimTalk and email", p.Channels)
	}
	c.OptOuts = []notify.Channel{notify.ChannelAlimTalk, notify.ChannelEmail}
	e, fakes := deliverEngine(t, fullSettings, paying)
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v; want sent", res.Status, err)
	}
	if diff := cmp.Diff(sent{SMS: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	checkRefused(t, res, map[notify.Channel]error{notify.ChannelEmail: followup.ErrOptedOut})
	if diff := cmp.Diff(map[notify.Channel]bool{notify.ChannelSMS: true, notify.ChannelEmail: false}, deliveredByChannel(res)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}

// A transient failure of an earlier follow-up, on the same channel, does
// not start the window of this one's: firstPending reads only the records
// of the follow-up's own key. (Mutation: deliver.go firstPending
// `r.Key != k || r.Channel != ch` -> `&&` counted the old record, whose
// window is long over, and recorded the new failure as not to be sent
// again.)
func TestDeliverTransientWindowIsPerFollowUp(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{} // email alone
	// r1's email failed transiently three hours ago, and was refused when
	// its window had passed: r1's follow-up is finished.
	old := t0.Add(-3 * time.Hour)
	c.Unseen = []followup.Reply{reply("r1", old.Add(-3*time.Minute)), reply("r2", t0)}
	c.FollowUps = []followup.Record{
		{Key: k1, Channel: notify.ChannelEmail, At: old, Through: old.Add(-3 * time.Minute), Transient: true, RetryAt: old.Add(time.Minute)},
		rec(k1, notify.ChannelEmail, old.Add(2*time.Hour), old.Add(-3*time.Minute), false),
	}
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	k2 := followup.Key{Conversation: "c1", Reply: "r2"}
	if !p.Due() || p.Key != k2 || p.Channels != notify.SetOf(notify.ChannelEmail) {
		t.Fatalf("plan %v %v on %v, want r2's email due", p.Reason, p.Key, p.Channels)
	}
	fakes.Email.FailTimes(1, errors.New("503 service unavailable"))
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
	}
	if r := res.Records[0]; !r.Transient || !r.RetryAt.After(now) || !res.Next.Equal(r.RetryAt) {
		t.Errorf("record %+v, Next %v; want r2's email Transient, to go again at its RetryAt", r, res.Next)
	}
}

// A message the dispatcher refused as invalid (a Reply-To with a line
// break, a host's misconfiguration) failed with no attempt: it is recorded
// as not delivered, not as rate-limited, and Deliver does not panic.
// (Mutation: deliver.go onlyRateLimited `en.Outcome != notify.Failed ||
// n == 0` -> `&&` took it for a rate limit and indexed its empty attempts.)
func TestDeliverInvalidMessageIsRecordedFailed(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.ReplyTo = "help@acme.example\r\nBcc: all@acme.example"
		o.RetryWindow = time.Hour
	})
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	for _, r := range res.Records {
		if r.Channel == notify.ChannelEmail && (r.Delivered || r.RateLimited || r.Transient || !r.RetryAt.IsZero()) {
			t.Errorf("email record %+v, want failed, not to be sent again", r)
		}
	}
	if diff := cmp.Diff(map[notify.Channel]bool{notify.ChannelAlimTalk: true, notify.ChannelEmail: false}, deliveredByChannel(res)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if !res.Next.IsZero() {
		t.Errorf("Next = %v, want nothing more due", res.Next)
	}
}

// Escalating, a text that quiet hours hold back lets the email go at once,
// whatever the history holds of other follow-ups: emailPending reads only
// the email records of this follow-up. (Mutation: deliver.go emailPending
// `r.Key != k || r.Channel != notify.ChannelEmail` -> `&&` took an earlier
// follow-up's email for this one's, and the email waited for the night.)
func TestDeliverEscalatingEmailGoesWhileTextHeldDespiteOldFollowUp(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst // t0 is 23:00 in Seoul
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	old := t0.Add(-5 * time.Hour)
	c.Unseen = []followup.Reply{reply("r0", old), reply("r1", t0)}
	k0 := followup.Key{Conversation: "c1", Reply: "r0"}
	c.FollowUps = []followup.Record{
		rec(k0, notify.ChannelAlimTalk, old.Add(3*time.Minute), old, true),
		rec(k0, notify.ChannelEmail, old.Add(2*time.Hour), old, true),
	}
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	if !p.Due() || p.Key != k1 || p.Channels != notify.SetOf(notify.ChannelAlimTalk) {
		t.Fatalf("plan %v %v on %v, want r1's text due", p.Reason, p.Key, p.Channels)
	}
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v; want the email sent", res.Status, err)
	}
	if diff := cmp.Diff(sent{Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	if !errors.Is(res.DeferredBy, followup.ErrQuietHours) {
		t.Errorf("DeferredBy = %v, want quiet hours", res.DeferredBy)
	}
}

// Options.CapWait refuses a text the caps would make more than CapWait
// late: exactly CapWait late, it is deferred. (Mutation: deliver.go
// capTooLate `>` -> `>=`.)
func TestDeliverCapWaitBoundary(t *testing.T) {
	for _, tc := range []struct {
		name   string
		wait   time.Duration
		refuse bool
	}{
		// The caps hold the text until t0+19h, 19h-3m after its SendAt.
		{"held back exactly CapWait: deferred", 19*time.Hour - 3*time.Minute, false},
		{"held back a second more than CapWait: refused", 19*time.Hour - 3*time.Minute - time.Second, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := fullSettings
			s.AskEmail = false
			e, fakes := deliverEngineWith(t, s, paying, func(o *followup.Options) { o.CapWait = tc.wait })
			c := baseConversation(t)
			for i := range 5 { // the recipient's cap is full until t0+19h
				c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
			}
			due := t0.Add(3 * time.Minute)
			p := e.Plan(due, c)
			if !p.Due() || !p.SendAt.Equal(due) {
				t.Fatalf("plan %v at %v, want due at %v", p.Reason, p.SendAt, due)
			}
			res, err := e.Deliver(context.Background(), due, p, c)
			if err != nil {
				t.Fatal(err)
			}
			if tc.refuse {
				if res.Status != followup.Refused || !errors.Is(refusals(res)[notify.ChannelAlimTalk], policy.ErrRecipientCapReached) {
					t.Errorf("Deliver = %v, refused %v; want the text refused by the cap", res.Status, res.Refused)
				}
			} else if res.Status != followup.Deferred || !res.Next.Equal(t0.Add(19*time.Hour)) {
				t.Errorf("Deliver = %v, Next %v, refused %v; want deferred until %v", res.Status, res.Next, res.Refused, t0.Add(19*time.Hour))
			}
			if n := fakes.AlimTalk.Calls(); n != 0 {
				t.Errorf("%d AlimTalk sent", n)
			}
		})
	}
}

// An AlimTalk whose call the run's context cut off may have gone: it is
// recorded, and counted as texted, not left to be sent again. Only an
// AlimTalk refused before its substitute was tried is left unrecorded
// (TestDeliverSubstituteNotTriedWhenContextEnds). (Mutation: deliver.go
// notTried `en.Channel == notify.ChannelAlimTalk && last.Channel == ...`
// -> `||` left it unrecorded, and the next run sent the text again.)
func TestDeliverAlimTalkCutOffIsRecorded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	calls := 0
	senders.AlimTalk = notify.AlimTalkFunc(func(actx context.Context, _ notify.AlimTalk) error {
		calls++
		cancel() // the host shuts down while the provider is called
		return actx.Err()
	})
	s := fullSettings
	s.AskEmail = false
	e := mustEngine(t, s, paying, senders)
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(map[notify.Channel]bool{notify.ChannelAlimTalk: false}, deliveredByChannel(res)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if !res.Texted || !res.Next.IsZero() {
		t.Errorf("Texted %v, Next %v; want texted, nothing more due", res.Texted, res.Next)
	}
	if calls != 1 || fakes.SMS.Calls() != 0 {
		t.Errorf("%d AlimTalk calls, %d SMS; want one AlimTalk", calls, fakes.SMS.Calls())
	}
}

// A message only rate-limited before the run's context ended certainly did
// not go: it is recorded as RateLimited, which starts its window, and goes
// again at its RetryAt. (Mutation: deliver.go notTried
// `notify.IsPermanent(last.Err) && !en.MayHaveSent()` -> `||` left it
// unrecorded.)
func TestDeliverRateLimitedThenContextEndsIsRecorded(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	senders.Email = notify.EmailFunc(func(context.Context, notify.Email) error {
		cancel()
		return &notify.RateLimitError{RetryAfter: 2 * time.Minute}
	})
	e := mustEngine(t, fullSettings, paying, senders)
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{} // email alone
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(ctx, now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent || len(res.Records) != 1 {
		t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
	}
	if r := res.Records[0]; r.Channel != notify.ChannelEmail || !r.RateLimited || !r.RetryAt.Equal(now.Add(2*time.Minute)) {
		t.Errorf("record %+v, want the email rate-limited until %v", r, now.Add(2*time.Minute))
	}
	if !res.Next.Equal(now.Add(2 * time.Minute)) {
		t.Errorf("Next = %v, want %v", res.Next, now.Add(2*time.Minute))
	}
	_ = fakes
}

// A substitute SMS the dispatcher never tried is left unrecorded, and the
// messages after it in the report are still recorded: an email that went
// beside it is on the record, not sent again. (Mutation: deliver.go records
// `continue` -> `break` dropped the email's record.)
func TestDeliverRecordsWhatWentBesideAnUntriedSubstitute(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	fakes, senders := notifytest.NewSenders()
	senders.Push = nil
	emailed := make(chan struct{})
	senders.Email = notify.EmailFunc(func(context.Context, notify.Email) error {
		close(emailed)
		return nil
	})
	senders.AlimTalk = notify.AlimTalkFunc(func(context.Context, notify.AlimTalk) error {
		select {
		case <-emailed:
		case <-time.After(5 * time.Second):
			t.Error("the email was not sent beside the AlimTalk")
		}
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
	if diff := cmp.Diff(map[notify.Channel]bool{notify.ChannelEmail: true}, deliveredByChannel(res)); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
	if fakes.SMS.Calls() != 0 {
		t.Errorf("%d SMS sent", fakes.SMS.Calls())
	}
}

// Replies out of order after a finished follow-up give the plan they give
// in order: the finished follow-up's window does not hide the new replies
// from the second pass that sorts them. (Mutations: plan.go, the unsorted
// pass, `!(curOpen && cur.holds(r))` -> `!(curOpen || cur.holds(r))` in
// either loop, and `... && !r.Marketing` -> `||`.)
func TestPlanUnsortedRepliesAfterFinishedFollowUp(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	now := t0.Add(10 * time.Minute)
	c := baseConversation(t)
	c.FollowUps = []followup.Record{
		rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true),
		rec(k1, notify.ChannelEmail, t0.Add(3*time.Minute), t0, true),
	}
	r2, r3, r4 := reply("r2", t0.Add(4*time.Minute)), reply("r3", t0.Add(5*time.Minute)), reply("r4", t0.Add(6*time.Minute))
	c.Unseen = []followup.Reply{c.Unseen[0], r2, r3, r4}
	want := followup.Plan{Reason: followup.Due, Key: followup.Key{Conversation: "c1", Reply: "r2"},
		SendAt: t0.Add(9 * time.Minute), Channels: alimEmail, Replies: 3, Through: r4.At}
	if diff := cmp.Diff(want, e.Plan(now, c)); diff != "" {
		t.Fatalf("sorted (-want +got):\n%s", diff)
	}
	for _, order := range [][]int{{0, 2, 1, 3}, {3, 2, 1, 0}, {0, 3, 1, 2}} {
		u := c.Unseen
		c := c
		c.Unseen = nil
		for _, i := range order {
			c.Unseen = append(c.Unseen, u[i])
		}
		if diff := cmp.Diff(want, e.Plan(now, c)); diff != "" {
			t.Errorf("order %v (-want +got):\n%s", order, diff)
		}
	}
}

// A push the customer opened ends only the follow-up that sent it: an
// earlier follow-up's opened push (Conversation.PushOpened) does not end
// one that sent no push, whose escalation email is still due. (Mutation:
// plan.go nextStep `sent.Has(notify.ChannelPush) && !c.PushOpened.IsZero()`
// -> `||`, inside `... && !c.PushOpened.Before(pushAt)`.)
func TestPlanOpenedPushOfAnotherFollowUpEndsNothing(t *testing.T) {
	e := mustEngine(t, withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating}), paying, notify.Senders{})
	c := baseConversation(t)
	c.PushOpened = t0.Add(-time.Hour) // a push of an earlier follow-up
	c.FollowUps = []followup.Record{rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true)}
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3*time.Minute + followup.DefaultEscalateAfter),
		Channels: notify.SetOf(notify.ChannelEmail), Replies: 1, Through: t0}
	if diff := cmp.Diff(want, e.Plan(t0.Add(20*time.Minute), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

// A marketing reply never names a follow-up, not even when replies out of
// order send Plan through its second, sorting pass and the marketing reply
// is the earliest. (Mutation: plan.go, the unsorted pass, dropping
// `!r.Marketing &&` keyed the follow-up by the marketing reply.)
func TestPlanUnsortedMarketingNamesNothing(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	m := reply("m1", t0)
	m.Marketing = true
	c := baseConversation(t)
	c.Unseen = []followup.Reply{reply("r3", t0.Add(2*time.Minute)), m, reply("r2", t0.Add(time.Minute))}
	want := followup.Plan{Reason: followup.Due, Key: followup.Key{Conversation: "c1", Reply: "r2"},
		SendAt: t0.Add(5 * time.Minute), Channels: alimEmail, Replies: 2, Through: t0.Add(2 * time.Minute)}
	if diff := cmp.Diff(want, e.Plan(t0.Add(10*time.Minute), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

// A follow-up carries the replies sent in [first, first+MaxWait): a reply
// exactly MaxWait after the first starts the next one. (Mutation: plan.go
// `r.At.Before(next.hi)` -> `!r.At.After(next.hi)`.)
func TestPlanReplyAtMaxWaitStartsNextBatch(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	c := baseConversation(t)
	c.Unseen = append(c.Unseen, reply("r2", t0.Add(followup.DefaultMaxWait)))
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(followup.DefaultDelay),
		Channels: alimEmail, Replies: 1, Through: t0}
	if diff := cmp.Diff(want, e.Plan(t0.Add(20*time.Minute), c)); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
}

// Marketing replies make a plan OnlyMarketing only when one of them is
// newer than what was followed up; old ones next to a followed-up reply
// leave it AlreadyFollowedUp, in whatever order the host lists them.
// (Mutations: plan.go `marketing = marketing || r.At.After(done)` ->
// `marketing = true`, and -> `marketing = r.At.After(done)`.)
func TestPlanMarketingBesideFollowedUp(t *testing.T) {
	e := mustEngine(t, fullSettings, paying, notify.Senders{})
	mkt := func(id string, at time.Time) followup.Reply {
		r := reply(id, at)
		r.Marketing = true
		return r
	}
	done := []followup.Record{
		rec(k1, notify.ChannelAlimTalk, t0.Add(3*time.Minute), t0, true),
		rec(k1, notify.ChannelEmail, t0.Add(3*time.Minute), t0, true),
	}
	for _, tc := range []struct {
		name   string
		unseen []followup.Reply
		want   followup.Plan
	}{
		{"an older marketing reply", []followup.Reply{mkt("m0", t0.Add(-time.Minute)), reply("r1", t0)},
			followup.Plan{Reason: followup.AlreadyFollowedUp, Key: k1}},
		{"a newer marketing reply listed before an older one", []followup.Reply{reply("r1", t0), mkt("m2", t0.Add(time.Minute)), mkt("m0", t0.Add(-time.Minute))},
			followup.Plan{Reason: followup.OnlyMarketing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := baseConversation(t)
			c.Unseen, c.FollowUps = tc.unseen, done
			if diff := cmp.Diff(tc.want, e.Plan(t0.Add(10*time.Minute), c)); diff != "" {
				t.Errorf("Plan (-want +got)\n%s", diff)
			}
		})
	}
}

// Planning never makes a step due before the RetryAt of a message it holds
// that is still to be sent, and no later than its own messages need.
// (Mutations: plan.go nextStep, step 3 `later(at, emailRetry)` -> `at`: an
// escalation email's retry-after ignored, so a job run again early calls
// the provider again; `if step.Has(notify.ChannelEmail)` -> `if true`: an
// escalating text waits for its pending email's retry-after; dropping
// `e.timing.Strategy == Escalating &&`: a parallel step's email goes alone
// before its text.)
func TestPlanPendingRetryTimes(t *testing.T) {
	escalating := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	rl := func(ch notify.Channel, at, retryAt time.Time) followup.Record {
		return followup.Record{Key: k1, Channel: ch, At: at, Through: t0, RateLimited: true, RetryAt: retryAt}
	}
	at := func(m time.Duration) time.Time { return t0.Add(m * time.Minute) }
	for _, tc := range []struct {
		name     string
		s        followup.Settings
		history  []followup.Record
		now      time.Time
		wantAt   time.Time
		wantStep notify.ChannelSet
	}{
		{"escalation email rate-limited: due at its RetryAt", escalating,
			[]followup.Record{rec(k1, notify.ChannelAlimTalk, at(3), t0, true), rl(notify.ChannelEmail, at(18), at(25))},
			at(20), at(25), notify.SetOf(notify.ChannelEmail)},
		{"escalating, both rate-limited, the email's retry later: the text at its own", escalating,
			[]followup.Record{rl(notify.ChannelAlimTalk, at(3), at(5)), rl(notify.ChannelEmail, at(3), at(10))},
			at(4), at(5), notify.SetOf(notify.ChannelAlimTalk)},
		{"parallel, both rate-limited, the text's retry later: both at the text's", fullSettings,
			[]followup.Record{rl(notify.ChannelAlimTalk, at(3), at(10)), rl(notify.ChannelEmail, at(3), at(5))},
			at(4), at(10), alimEmail},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustEngine(t, tc.s, paying, notify.Senders{})
			c := baseConversation(t)
			c.FollowUps = tc.history
			p := e.Plan(tc.now, c)
			if !p.Due() || p.Key != k1 || !p.SendAt.Equal(tc.wantAt) || p.Channels != tc.wantStep {
				t.Errorf("Plan = %v %v at %v on %v; want due at %v on %v", p.Reason, p.Key, p.SendAt, p.Channels, tc.wantAt, tc.wantStep)
			}
		})
	}
}

// A duplicate of a job whose step went, run after the customer opted out
// and wrote again (a new reply, a new follow-up), refuses nothing: what
// went is not recorded as refused afterwards. (Mutations: deliver.go
// `p.Channels.Without(handled)` -> `p.Channels`, in the OptedOut /
// NoChannel / NoContact case and in the "newer follow-up" case.)
func TestDeliverDuplicateAfterOptOutAndNewReply(t *testing.T) {
	for _, tc := range []struct {
		name       string
		optOuts    []notify.Channel
		wantStatus followup.Status
	}{
		{"opted out of everything", []notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS, notify.ChannelEmail}, followup.Cancelled},
		{"opted out of email, the new reply's text due", []notify.Channel{notify.ChannelEmail}, followup.Replanned},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e, fakes := deliverEngine(t, fullSettings, paying)
			c := baseConversation(t)
			now := t0.Add(3 * time.Minute)
			p := e.Plan(now, c)
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("first run: %v, %v", res.Status, err)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			c.Unseen = append(c.Unseen, reply("r2", t0.Add(4*time.Minute)))
			c.OptOuts = tc.optOuts
			res, err = e.Deliver(context.Background(), t0.Add(10*time.Minute), p, c)
			if err != nil || res.Status != tc.wantStatus || len(res.Refused) != 0 || len(res.Records) != 0 {
				t.Errorf("duplicate run: %v, %v, refused %v, records %+v; want %v, nothing refused or recorded",
					res.Status, err, res.Refused, res.Records, tc.wantStatus)
			}
			if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// A customer who left less long ago than Timing.LeftAfter when the job
// fires is not followed up yet, and not given up on either: Deliver
// reschedules for when they count as away. (Mutation: deliver.go dropping
// `|| cur.Reason == NotAwayLongEnough` cancelled the follow-up for good,
// since no event tells the host when the customer's grace ends.)
func TestDeliverNotAwayLongEnoughReschedules(t *testing.T) {
	s := withTiming(fullSettings, followup.Timing{LeftAfter: 10 * time.Minute})
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	p := followup.Plan{Reason: followup.Due, Key: k1, SendAt: t0.Add(3 * time.Minute), Channels: alimEmail, Replies: 1, Through: t0}
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, p, c)
	// The customer left at t0-1m: away from t0+9m.
	if err != nil || res.Status != followup.Rescheduled || !res.Next.Equal(t0.Add(9*time.Minute)) {
		t.Errorf("Deliver = %v, %v, Next %v; want rescheduled at %v", res.Status, err, res.Next, t0.Add(9*time.Minute))
	}
	if res.Plan.Reason != followup.NotAwayLongEnough {
		t.Errorf("Plan.Reason = %v, want notAwayLongEnough", res.Plan.Reason)
	}
	if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// A text whose SMS failed transiently, and that would now go as an
// AlimTalk (a template was set, and the customer opted out of SMS, so it
// cannot go as the substitute), is refused with ErrMayHaveGone: the
// AlimTalk has a key of its own, and the SMS may have reached the customer.
// (Mutation: deliver.go `msgs.AlimTalk != nil && tried !=
// notify.ChannelAlimTalk` -> `false` sent the AlimTalk.)
func TestDeliverTransientSMSDoesNotGoAsAlimTalk(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	due := t0.Add(3 * time.Minute)
	c := baseConversation(t)
	c.Contact.Email = ""
	c.FollowUps = []followup.Record{{Key: k1, Channel: notify.ChannelSMS, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}}
	c.OptOuts = []notify.Channel{notify.ChannelSMS}
	now := due.Add(2 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
	checkRefused(t, res, map[notify.Channel]error{notify.ChannelAlimTalk: followup.ErrMayHaveGone})
}

// A negative RateLimitWindow never sends a rate-limited message again; it
// does not make an AlimTalk that was never rate-limited go as its
// substitute SMS. (Mutation: deliver.go alimTalkGaveUp dropping
// `first.Before(now) &&` sent every text as an SMS.)
func TestDeliverNegativeRateLimitWindowSendsAlimTalk(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) { o.RateLimitWindow = -1 })
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{AlimTalk: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}
