package followup_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// loadHost is the host's side of TestLoad, run the way the README's
// "Running behind a job queue" section says: a job takes its conversation's
// job lock, reads the conversation's history, calls Deliver, stores the
// Records it returns (and, for the caps, when text went out) and only then
// releases the lock. It is safe for concurrent use.
type loadHost struct {
	mu          sync.Mutex
	jobLocks    map[string]*sync.Mutex       // by conversation id
	followUps   map[string][]followup.Record // Conversation.FollowUps, by conversation id
	toRecipient map[string][]time.Time       // texts sent, by E.164 number
	byWorkspace []time.Time                  // texts the workspace sent
}

func newLoadHost() *loadHost {
	return &loadHost{
		jobLocks:    map[string]*sync.Mutex{},
		followUps:   map[string][]followup.Record{},
		toRecipient: map[string][]time.Time{},
	}
}

// lock takes the job lock of conversation id and returns its release.
func (h *loadHost) lock(id string) (unlock func()) {
	h.mu.Lock()
	l := h.jobLocks[id]
	if l == nil {
		l = new(sync.Mutex)
		h.jobLocks[id] = l
	}
	h.mu.Unlock()
	l.Lock()
	return l.Unlock
}

// snapshot returns c as the host reads it now: with its stored follow-ups
// and text history, copied so that later writes do not reach it.
func (h *loadHost) snapshot(c followup.Conversation) followup.Conversation {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.FollowUps = slices.Clone(h.followUps[c.ID])
	c.Texts = followup.TextHistory{
		ToRecipient: slices.Clone(h.toRecipient[c.Contact.Phone.E164]),
		ByWorkspace: slices.Clone(h.byWorkspace),
	}
	return c
}

// store records what Deliver returned for conversation c at now.
func (h *loadHost) store(c *followup.Conversation, now time.Time, res followup.Result) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.followUps[c.ID] = append(h.followUps[c.ID], res.Records...)
	if res.Texted {
		h.toRecipient[c.Contact.Phone.E164] = append(h.toRecipient[c.Contact.Phone.E164], now)
		h.byWorkspace = append(h.byWorkspace, now)
	}
}

// loadJob is one hand-out of a follow-up's job by the queue: conversation i's
// plan, the copy-th time (0 or 1). Copies handed out together meet at pair
// before they start, so that two workers run the same job at once.
type loadJob struct {
	i, copy int
	plan    followup.Plan
	pair    *sync.WaitGroup
}

// loadOutcome is what one hand-out of a job got from Deliver.
type loadOutcome struct {
	res followup.Result
	err error
}

// cappedErrors reports at most a screenful of failures, then how many more
// there were, so that a broken engine does not print a thousand lines.
type cappedErrors struct {
	t *testing.T
	n int
}

const maxLoadErrors = 20

func (c *cappedErrors) Errorf(format string, args ...any) {
	c.t.Helper()
	if c.n++; c.n <= maxLoadErrors {
		c.t.Errorf(format, args...)
	}
}

func (c *cappedErrors) flush() {
	c.t.Helper()
	if c.n > maxLoadErrors {
		c.t.Errorf("... and %d more failures", c.n-maxLoadErrors)
	}
}

// TestLoad plans and delivers 1,000 follow-ups concurrently, each of its own
// conversation with its own customer (a distinct Korean mobile number and
// email address, taken through Settings.ParseContact), through one shared
// Engine, one shared set of notifytest senders and one shared history: the
// loadHost, which serializes the jobs of a conversation with a job lock and
// stores the Records each Deliver returns, as the README's "Running behind a
// job queue" says. Thirty-two workers take planning events and delivery jobs
// from the queue, interleaved; every job is handed out twice, as an
// at-least-once queue does: even conversations' to two workers at once, odd
// ones' again once the first run has finished. The clock is fixed: every
// call gets the same now.
//
// It proves, under -race, that the engine, the dispatcher and the fakes are
// safe for concurrent use and that the history is enough for exactly-once:
// every channel a plan chose got exactly one message under that
// conversation's key (counted by idempotency key across all fakes, with no
// provider deduplication), to that conversation's own phone number or
// address with its own content, the total is conversations × channels,
// every Deliver succeeded (one run Sent, its twin Cancelled as already
// followed up), and each customer was texted once. Failures name
// conversations by index and id, never by phone number or address.
//
// With -short it runs 100 conversations instead of 1,000.
func TestLoad(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 100
	}
	const workers = 32
	now := t0.Add(followup.DefaultDelay)
	want := notify.SetOf(notify.ChannelAlimTalk, notify.ChannelEmail)
	channels := len(want.Channels())

	s := fullSettings
	// The workspace sends n texts within the hour: raise its cap so that
	// the cap does not stand in for exactly-once.
	s.Text.Caps.PerWorkspace = policy.Cap{Max: 2 * n, Window: time.Hour}
	e, fakes := deliverEngine(t, s, paying)

	locales := []string{"ko", "en", "ja"}
	convs := make([]followup.Conversation, n)
	for i := range convs {
		id := fmt.Sprintf("load-%04d", i)
		contact, err := s.ParseContact(followup.ContactInput{
			Phone:   fmt.Sprintf("010-%04d-%04d", 2000+i, (i*7919+1234)%10000),
			Email:   fmt.Sprintf("customer%04d@example.com", i),
			At:      t0.Add(-10 * time.Minute),
			Inquiry: id,
		}, paying)
		if err != nil {
			t.Fatalf("conversation %d (%s): contact: %v", i, id, err)
		}
		r1 := reply("r1", t0)
		r1.Text = "Re " + id + ": your order ships today."
		unseen := []followup.Reply{r1}
		if i%5 == 0 { // a batch of two replies
			unseen[0].At = t0.Add(-30 * time.Second)
			unseen = append(unseen, reply("r2", t0))
		}
		convs[i] = followup.Conversation{
			ID:            id,
			CustomerWrote: true,
			Unseen:        unseen,
			Presence:      followup.Presence{LastActive: t0.Add(-time.Minute), Since: t0.Add(-time.Minute)},
			Contact:       contact,
			Locale:        locales[i%len(locales)],
		}
	}

	host := newLoadHost()
	plans := make([]followup.Plan, n)
	outcomes := make([][2]loadOutcome, n)

	// The queue: planning events, and delivery jobs. Every send goes
	// through enqueue, so the two copies of a job handed out together are
	// adjacent in jobs and at most one worker ever waits for its twin.
	events := make(chan int, n)
	jobs := make(chan loadJob, 2*n)
	var pending sync.WaitGroup // events and jobs not yet handled
	var enqueueMu sync.Mutex
	enqueue := func(js ...loadJob) {
		enqueueMu.Lock()
		defer enqueueMu.Unlock()
		pending.Add(len(js))
		for _, j := range js {
			jobs <- j
		}
	}
	pending.Add(n)
	for i := range n {
		events <- i
	}
	close(events)

	handleEvent := func(i int) {
		defer pending.Done()
		p := e.Plan(now, host.snapshot(convs[i]))
		plans[i] = p
		if !p.Due() {
			return // reported below
		}
		if i%2 == 0 {
			pair := new(sync.WaitGroup)
			pair.Add(2)
			enqueue(loadJob{i: i, copy: 0, plan: p, pair: pair}, loadJob{i: i, copy: 1, plan: p, pair: pair})
		} else {
			enqueue(loadJob{i: i, copy: 0, plan: p})
		}
	}
	handleJob := func(j loadJob) {
		defer pending.Done()
		if j.pair != nil {
			j.pair.Done()
			j.pair.Wait()
		}
		c := &convs[j.i]
		unlock := host.lock(c.ID)
		snap := host.snapshot(*c)
		res, err := e.Deliver(context.Background(), now, j.plan, snap)
		if err == nil {
			host.store(&snap, now, res)
		}
		unlock()
		outcomes[j.i][j.copy] = loadOutcome{res, err}
		if j.pair == nil && j.copy == 0 {
			j.copy = 1 // the queue hands the finished job out again
			enqueue(j)
		}
	}

	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			ev, jb := events, jobs
			for ev != nil || jb != nil {
				select {
				case i, ok := <-ev:
					if !ok {
						ev = nil
						continue
					}
					handleEvent(i)
				case j, ok := <-jb:
					if !ok {
						jb = nil
						continue
					}
					handleJob(j)
				}
			}
		})
	}
	pending.Wait()
	close(jobs)
	wg.Wait()

	errs := &cappedErrors{t: t}
	defer errs.flush()

	keys := make([]followup.Key, n)
	for i, c := range convs {
		keys[i] = followup.Key{Conversation: c.ID, Reply: "r1"}
	}

	// What reached the providers, counted by idempotency key across every
	// fake. Each expected key belongs to one conversation and one channel.
	type expect struct {
		i  int
		ch notify.Channel
		to string
	}
	byKey := map[string]expect{}
	owner := map[string]int{} // recipient → conversation index
	for i, c := range convs {
		byKey[keys[i].For(notify.ChannelAlimTalk)] = expect{i, notify.ChannelAlimTalk, c.Contact.Phone.E164}
		byKey[keys[i].For(notify.ChannelEmail)] = expect{i, notify.ChannelEmail, c.Contact.Email}
		owner[c.Contact.Phone.E164] = i
		owner[c.Contact.Email] = i
	}
	count := map[string]int{}
	total := 0
	// check counts one message on channel ch, with key and recipient to;
	// own says whether its content is its conversation's.
	check := func(ch notify.Channel, key, to string, own func(c *followup.Conversation) bool) {
		total++
		x, ok := byKey[key]
		if !ok || x.ch != ch {
			errs.Errorf("a %v message under key %q, which no plan chose on that channel", ch, key)
			return
		}
		count[key]++
		c := &convs[x.i]
		if to != x.to {
			whose := "no conversation's"
			if o, ok := owner[to]; ok {
				whose = fmt.Sprintf("conversation %d's", o)
			}
			errs.Errorf("conversation %d (%s): its %v message went to %s recipient", x.i, c.ID, ch, whose)
		}
		if !own(c) {
			errs.Errorf("conversation %d (%s): its %v message does not carry its own conversation", x.i, c.ID, ch)
		}
	}
	for _, m := range fakes.AlimTalk.Sent() {
		check(notify.ChannelAlimTalk, m.Key, m.To, func(c *followup.Conversation) bool {
			return len(m.Buttons) == 1 && strings.HasSuffix(m.Buttons[0].MobileURL, "/"+c.ID) &&
				m.Substitute != nil && m.Substitute.To == m.To
		})
	}
	for _, m := range fakes.Email.Sent() {
		check(notify.ChannelEmail, m.Key, m.To, func(c *followup.Conversation) bool {
			return strings.Contains(m.Text, "Re "+c.ID+":")
		})
	}
	anything := func(*followup.Conversation) bool { return true }
	for _, m := range fakes.SMS.Sent() {
		check(notify.ChannelSMS, m.Key, m.To, anything)
	}
	for _, m := range fakes.Push.Sent() {
		check(notify.ChannelPush, m.Key, m.To, anything)
	}
	for i, c := range convs {
		for _, ch := range want.Channels() {
			if got := count[keys[i].For(ch)]; got != 1 {
				errs.Errorf("conversation %d (%s): %d %v messages under its key, want exactly 1", i, c.ID, got, ch)
			}
		}
	}
	if wantTotal := n * channels; total != wantTotal {
		errs.Errorf("%d messages sent in all, want %d (%d conversations × %d channels)", total, wantTotal, n, channels)
	}

	// Every conversation was due, on text and email, under its own key;
	// both runs of its job succeeded, one sending and one finding it done.
	for i, c := range convs {
		p := plans[i]
		if p.Reason != followup.Due || p.Key != keys[i] || p.Channels != want || p.SendAt.After(now) {
			errs.Errorf("conversation %d (%s): plan %v on %v at %v, want due on %v by %v under its key",
				i, c.ID, p.Reason, p.Channels, p.SendAt, want, now)
			continue
		}
		sentRuns := 0
		for k, o := range outcomes[i] {
			res := o.res
			switch {
			case o.err != nil:
				errs.Errorf("conversation %d (%s), run %d: %v", i, c.ID, k, o.err)
			case res.Report.Err() != nil:
				errs.Errorf("conversation %d (%s), run %d: report: %v", i, c.ID, k, res.Report.Err())
			case res.Status == followup.Sent:
				sentRuns++
				if len(res.Report.Entries) != channels || len(res.Refused) != 0 || !res.Texted || !res.Next.IsZero() {
					errs.Errorf("conversation %d (%s), run %d: %d report entries, refused %v, texted %v, next %v",
						i, c.ID, k, len(res.Report.Entries), res.Refused, res.Texted, res.Next)
				}
				for _, en := range res.Report.Entries {
					if !en.Succeeded() {
						errs.Errorf("conversation %d (%s), run %d: %v %v", i, c.ID, k, en.Channel, en.Outcome)
					}
				}
			case res.Status != followup.Cancelled || res.Plan.Reason != followup.AlreadyFollowedUp:
				errs.Errorf("conversation %d (%s), run %d: %v (%v), want sent, or cancelled as already followed up",
					i, c.ID, k, res.Status, res.Plan.Reason)
			}
		}
		if sentRuns != 1 {
			errs.Errorf("conversation %d (%s): %d of its job's 2 runs sent, want 1", i, c.ID, sentRuns)
		}

		// The history holds one delivered record per channel and one text
		// to the customer, and nothing more is due.
		snap := host.snapshot(c)
		var recorded notify.ChannelSet
		for _, r := range snap.FollowUps {
			if r.Key == keys[i] && r.Delivered {
				recorded = recorded.Add(r.Channel)
			}
		}
		if recorded != want || len(snap.FollowUps) != channels {
			errs.Errorf("conversation %d (%s): %d records, delivered under its key on %v, want one on each of %v",
				i, c.ID, len(snap.FollowUps), recorded, want)
		}
		if len(snap.Texts.ToRecipient) != 1 {
			errs.Errorf("conversation %d (%s): its customer was texted %d times, want 1", i, c.ID, len(snap.Texts.ToRecipient))
		}
		if p := e.Plan(now, snap); p.Reason != followup.AlreadyFollowedUp || p.Key != keys[i] {
			errs.Errorf("conversation %d (%s): afterwards Plan = %v", i, c.ID, p.Reason)
		}
	}
	if got := len(host.snapshot(followup.Conversation{}).Texts.ByWorkspace); got != n {
		errs.Errorf("the workspace sent %d texts, want %d", got, n)
	}
}
