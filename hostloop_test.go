package followup_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"regexp"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
	"github.com/followup-go/followup/policy"
)

// These tests play the host's loop exactly as the README writes it, over
// days of simulated time, with a job queue that fires late or twice, and
// check that no reply is lost: every reply the customer never saw in the
// chat reaches them by text or email.

// loopHost is a host that follows the README: it plans on every event,
// keeps one job per follow-up key (scheduling moves it), delivers when a
// job fires, records the result and runs the job again at Result.Next.
type loopHost struct {
	t     testing.TB
	e     *followup.Engine
	fakes *notifytest.Fakes
	c     followup.Conversation
	now   time.Time
	jobs  map[string]*loopJob
	late  func() time.Duration // how late the queue fires a job
	twice func() bool          // whether it fires a job a second time
	ctx   func() context.Context
}

type loopJob struct {
	plan followup.Plan
	at   time.Time
}

func newLoopHost(t testing.TB, s followup.Settings, now time.Time, c followup.Conversation) *loopHost {
	t.Helper()
	e, fakes := deliverEngine(t, s, paying)
	return &loopHost{t: t, e: e, fakes: fakes, c: c, now: now, jobs: map[string]*loopJob{},
		late: func() time.Duration { return 0 }, twice: func() bool { return false },
		ctx: context.Background}
}

// schedule schedules, or moves, the job of p's key.
func (h *loopHost) schedule(p followup.Plan, at time.Time) {
	h.jobs[p.Key.String()] = &loopJob{plan: p, at: at.Add(h.late())}
}

// event is the README's step 4: plan after every event.
func (h *loopHost) event() {
	switch p := h.e.Plan(h.now, h.c); p.Reason {
	case followup.Due:
		h.schedule(p, p.SendAt)
	case followup.CustomerPresent, followup.NotAwayLongEnough:
		h.schedule(p, p.Recheck)
	}
}

// fire is the README's step 5: the job runs.
func (h *loopHost) fire(id string, j *loopJob) {
	delete(h.jobs, id)
	res, err := h.e.Deliver(h.ctx(), h.now, j.plan, h.c)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		h.jobs[id] = &loopJob{plan: j.plan, at: h.now.Add(time.Minute)} // the queue retries
		return
	case err != nil:
		h.t.Errorf("%v: Deliver: %v, which a retry would repeat", h.now, err)
		return
	}
	h.c.FollowUps = append(h.c.FollowUps, res.Records...)
	if res.Texted {
		h.c.Texts.ToRecipient = append(h.c.Texts.ToRecipient, h.now)
		h.c.Texts.ByWorkspace = append(h.c.Texts.ByWorkspace, h.now)
	}
	if !res.Next.IsZero() {
		if res.Next.Before(h.now) && res.Status != followup.Sent && res.Status != followup.Replanned {
			h.t.Errorf("%v: %v with Next %v in the past", h.now, res.Status, res.Next)
		}
		h.schedule(res.Plan, res.Next)
	}
	if h.twice() {
		h.jobs[id+"/again"] = &loopJob{plan: j.plan, at: h.now.Add(time.Second)}
	}
}

// run fires the jobs due up to t, in order.
func (h *loopHost) run(until time.Time) {
	for n := 0; ; n++ {
		if n > 10_000 {
			h.t.Fatalf("busy loop at %v", h.now)
		}
		id, j := "", (*loopJob)(nil)
		for k, v := range h.jobs {
			if j == nil || v.at.Before(j.at) || v.at.Equal(j.at) && k < id {
				id, j = k, v
			}
		}
		if j == nil || j.at.After(until) {
			break
		}
		if j.at.After(h.now) {
			h.now = j.at
		}
		h.fire(id, j)
	}
	if until.After(h.now) {
		h.now = until
	}
}

// randomReplies plays 1 to max replies, each up to 40 minutes after the
// last, then runs the jobs of the next three days. It returns the replies'
// IDs.
func (h *loopHost) randomReplies(r *rand.Rand, max int) []string {
	var ids []string
	for i := range 1 + r.IntN(max) {
		h.run(h.now.Add(time.Duration(r.IntN(40)) * time.Minute))
		id := "r" + string(rune('a'+i))
		ids = append(ids, id)
		h.reply(id)
	}
	h.run(h.now.Add(72 * time.Hour))
	return ids
}

// reply is an agent's reply, an event.
func (h *loopHost) reply(id string) {
	h.c.Unseen = append(h.c.Unseen, followup.Reply{ID: id, Author: "상담원", Text: "<<" + id + ">>", At: h.now})
	h.event()
}

var replyToken = regexp.MustCompile(`<<(\w+)>>`)

// carried returns, for every reply, how many texts and emails carried it.
func (h *loopHost) carried() map[string][2]int {
	m := map[string][2]int{}
	count := func(i int, text string) {
		for _, id := range uniq(replyToken.FindAllStringSubmatch(text, -1)) {
			n := m[id]
			n[i]++
			m[id] = n
		}
	}
	for _, a := range h.fakes.AlimTalk.Sent() {
		count(0, a.Text)
	}
	for _, s := range h.fakes.SMS.Sent() {
		count(0, s.Text)
	}
	for _, e := range h.fakes.Email.Sent() {
		count(1, e.Text)
	}
	return m
}

func uniq(ms [][]string) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		if !seen[m[1]] {
			seen[m[1]] = true
			out = append(out, m[1])
		}
	}
	sort.Strings(out)
	return out
}

// wantCarried checks that each reply went by text and by email as many times
// as want says.
func (h *loopHost) wantCarried(want map[string][2]int) {
	h.t.Helper()
	got := h.carried()
	for id, w := range want {
		if got[id] != w {
			h.t.Errorf("%s went by [text email] %v, want %v", id, got[id], w)
		}
	}
}

func awayConversation(t testing.TB, left time.Time) followup.Conversation {
	return followup.Conversation{
		ID: "c1", CustomerWrote: true,
		Presence: followup.Presence{LastActive: left, Since: left},
		Contact:  followup.Contact{Phone: mustPhone(t, "010-1234-5678"), Email: "minji@example.com", Purpose: policy.PurposeInquiry},
	}
}

// A queue that fires an hour late: the first follow-up is still pending when
// a reply too late to join it comes. It used to be lost: Deliver finished
// the first and said nothing of the second.
func TestHostLoopLateQueue(t *testing.T) {
	h := newLoopHost(t, fullSettings, t0, awayConversation(t, t0.Add(-time.Minute)))
	h.late = func() time.Duration { return time.Hour }
	h.reply("r1")
	h.run(t0.Add(20 * time.Minute))
	h.reply("r2")
	h.run(t0.Add(72 * time.Hour))
	h.wantCarried(map[string][2]int{"r1": {1, 1}, "r2": {1, 1}})
}

// Quiet hours hold the first follow-up's text until morning; a reply after
// it starts another follow-up, which used to be lost.
func TestHostLoopQuietHoursThenNewBatch(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	s := fullSettings
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	at := time.Date(2026, 11, 24, 22, 0, 0, 0, kst.Location())
	h := newLoopHost(t, s, at, awayConversation(t, at.Add(-time.Minute)))
	h.reply("r1")
	h.run(at.Add(30 * time.Minute))
	h.reply("r2")
	h.run(at.Add(72 * time.Hour))
	h.wantCarried(map[string][2]int{"r1": {1, 1}, "r2": {1, 1}})
}

// Escalating, with text refused for the customer's country: the email goes
// at once. It used to be never sent.
func TestHostLoopEscalatingTextRefused(t *testing.T) {
	s := fullSettings
	s.Timing.Strategy = followup.Escalating
	c := awayConversation(t, t0.Add(-time.Minute))
	c.Contact.Phone = mustPhone(t, "+81 90-1234-5678")
	h := newLoopHost(t, s, t0, c)
	h.reply("r1")
	h.run(t0.Add(3 * time.Minute))
	h.wantCarried(map[string][2]int{"r1": {0, 1}})
}

// A customer idle in the open chat is followed up once idle long enough:
// the README's loop schedules the plan's Recheck.
func TestHostLoopIdleInOpenChat(t *testing.T) {
	c := awayConversation(t, t0)
	c.Presence = followup.Presence{Open: true, Focused: true, LastActive: t0.Add(-time.Minute), Since: t0.Add(-10 * time.Minute)}
	h := newLoopHost(t, fullSettings, t0, c)
	h.reply("r1")
	h.run(t0.Add(time.Hour))
	h.wantCarried(map[string][2]int{"r1": {1, 1}})
	if at := h.c.FollowUps[0].At; at.Before(t0.Add(-time.Minute + 4*time.Minute + 30*time.Second)) {
		t.Errorf("followed up at %v, before the customer was idle long enough", at)
	}
}

// A customer who comes back to the chat without typing is present: no
// follow-up while they look at it.
func TestHostLoopCustomerBackWithoutTyping(t *testing.T) {
	h := newLoopHost(t, fullSettings, t0, awayConversation(t, t0.Add(-10*time.Minute)))
	h.reply("r1")
	h.run(t0.Add(time.Minute))
	back := t0.Add(time.Minute)
	h.c.Presence = followup.Presence{Open: true, Focused: true, LastActive: t0.Add(-10 * time.Minute), Since: back}
	h.event()
	h.run(t0.Add(5 * time.Minute))
	if n := len(h.fakes.Email.Sent()); n != 0 {
		t.Fatalf("%d emails while the customer looked at the chat", n)
	}
	h.run(t0.Add(time.Hour))
	h.wantCarried(map[string][2]int{"r1": {1, 1}})
	if at := h.c.FollowUps[0].At; at.Before(back.Add(4*time.Minute + 30*time.Second)) {
		t.Errorf("followed up at %v, before the customer was idle long enough", at)
	}
}

// A worker shutting down runs Deliver with a cancelled context: nothing is
// sent or recorded, the queue runs the job again, and it goes then. It used
// to be recorded as not delivered and never sent.
func TestHostLoopCancelledContext(t *testing.T) {
	h := newLoopHost(t, fullSettings, t0, awayConversation(t, t0.Add(-time.Minute)))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	calls := 0
	h.ctx = func() context.Context {
		if calls++; calls == 1 {
			return cancelled
		}
		return context.Background()
	}
	h.reply("r1")
	h.run(t0.Add(time.Hour))
	h.wantCarried(map[string][2]int{"r1": {1, 1}})
}

// Random conversations, a late and repeating queue: every reply reaches the
// customer, by text and by email, and no channel carries one twice.
func TestHostLoopRandom(t *testing.T) {
	for seed := range uint64(50) {
		r := rand.New(rand.NewPCG(seed, 1))
		s := fullSettings
		if r.IntN(2) == 0 {
			s.Timing.Strategy = followup.Escalating
		}
		h := newLoopHost(t, s, t0, awayConversation(t, t0.Add(-time.Minute)))
		h.late = func() time.Duration { return time.Duration(r.IntN(3)) * time.Duration(r.IntN(90)) * time.Minute }
		h.twice = func() bool { return r.IntN(4) == 0 }
		ids := h.randomReplies(r, 6)
		got := h.carried()
		for _, id := range ids {
			if n := got[id]; n[0] == 0 && n[1] == 0 {
				t.Errorf("seed %d: %s never reached the customer", seed, id)
			}
			if n := got[id]; n[0] > 1 || n[1] > 1 {
				t.Errorf("seed %d: %s went by [text email] %v", seed, id, n)
			}
		}
	}
}

// flakyProvider plays a provider that drops a request whose idempotency key
// it has seen, and that fails every request while down says so, after
// taking every other one (its answer lost on the way back).
type flakyProvider struct {
	mu    sync.Mutex
	down  func() bool
	seen  map[string]bool
	calls int
}

// send is a call with message key: deliver hands the message to the
// customer (a fake's send, which records it).
func (p *flakyProvider) send(key string, deliver func() error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seen[key] {
		return nil // a duplicate: dropped
	}
	p.calls++
	if p.down() && p.calls%2 == 1 {
		return errors.New("provider: 503 service unavailable")
	}
	p.seen[key] = true
	if err := deliver(); err != nil {
		return err
	}
	if p.down() {
		return errors.New("provider: connection reset")
	}
	return nil
}

// senders are the fakes behind p.
func (p *flakyProvider) senders(f *notifytest.Fakes) notify.Senders {
	return notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error {
			return p.send(m.Key, func() error { return f.AlimTalk.SendAlimTalk(ctx, m) })
		}),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			return p.send(m.Key, func() error { return f.SMS.SendSMS(ctx, m) })
		}),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error {
			return p.send(m.Key, func() error { return f.Email.SendEmail(ctx, m) })
		}),
	}
}

// A provider outage of up to 50 minutes, during which it fails every
// request and takes some of them all the same: with a RetryWindow of an
// hour and a provider that drops duplicate keys, every follow-up's text and
// email end up delivered, and no reply reaches the customer twice on a
// channel. (Without the window, every send in the outage is recorded as
// not delivered.)
func TestHostLoopOutageWithRetryWindow(t *testing.T) {
	hit := 0 // conversations the outage failed a send of
	defer func() {
		if hit < 20 {
			t.Errorf("the outage failed sends in %d conversations of 40, want 20 or more", hit)
		}
	}()
	for seed := range uint64(40) {
		r := rand.New(rand.NewPCG(seed, 2))
		s := fullSettings
		if r.IntN(2) == 0 {
			s.Timing.Strategy = followup.Escalating
		}
		h := newLoopHost(t, s, t0, awayConversation(t, t0.Add(-time.Minute)))
		from := t0.Add(time.Duration(r.IntN(30)) * time.Minute)
		to := from.Add(time.Duration(10+r.IntN(40)) * time.Minute)
		p := &flakyProvider{seen: map[string]bool{}, down: func() bool { return !h.now.Before(from) && h.now.Before(to) }}
		e, err := followup.NewEngine(s, paying, p.senders(h.fakes), followup.Options{
			Workspace:   "Acme",
			Link:        func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
			Dispatch:    notify.Options{MaxAttempts: 1},
			RetryWindow: time.Hour,
		})
		if err != nil {
			t.Fatal(err)
		}
		h.e = e
		h.late = func() time.Duration { return time.Duration(r.IntN(2)) * time.Duration(r.IntN(5)) * time.Minute }
		h.twice = func() bool { return r.IntN(4) == 0 }
		ids := h.randomReplies(r, 4)
		got := h.carried()
		for _, id := range ids {
			if n := got[id]; n[0]+n[1] == 0 || n[0] > 1 || n[1] > 1 {
				t.Errorf("seed %d: %s went by [text email] %v", seed, id, n)
			}
		}
		delivered := map[followup.Key]notify.ChannelSet{}
		failures := 0
		for _, rec := range h.c.FollowUps {
			switch {
			case rec.Delivered:
				delivered[rec.Key] = delivered[rec.Key].Add(rec.Channel)
			case rec.Transient:
				failures++
			}
		}
		if failures > 0 {
			hit++
		}
		for k, set := range delivered {
			if set != notify.SetOf(notify.ChannelAlimTalk, notify.ChannelEmail) {
				t.Errorf("seed %d: follow-up %v delivered on %v, want alimtalk and email", seed, k, set)
			}
		}
		for _, rec := range h.c.FollowUps {
			if !delivered[rec.Key].Has(rec.Channel) {
				t.Errorf("seed %d: %v of %v never delivered", seed, rec.Channel, rec.Key)
			}
		}
	}
}
