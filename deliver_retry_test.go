package followup_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
	"github.com/followup-go/followup/policy"
)

// retryEngine is deliverEngineWith one attempt per dispatch and a
// RetryWindow of window.
func retryEngine(t *testing.T, s followup.Settings, window time.Duration) (*followup.Engine, *notifytest.Fakes) {
	t.Helper()
	return deliverEngineWith(t, s, paying, func(o *followup.Options) {
		o.RetryWindow = window
		o.Dispatch.MaxAttempts = 1
		o.Dispatch.AttemptTimeout = 20 * time.Millisecond
	})
}

// With a RetryWindow, a message whose send failed in a way a later try may
// get past is recorded as Transient, which planning does not count as sent,
// and goes again at Next with the same idempotency key. A permanent
// failure, a panic, a Goexit and a push are not sent again, nor is anything
// without a window or whose next try would be past it.
func TestDeliverTransientIsSentAgain(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	hour := time.Hour
	fail503 := func(f *notifytest.Fakes) { f.Email.FailTimes(1, errors.New("503 service unavailable")) }
	tests := []struct {
		name    string
		window  time.Duration
		at      time.Time
		history []followup.Record
		fault   func(f *notifytest.Fakes, cancel context.CancelFunc)
		want    bool
	}{
		{"a transient error", hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, true},
		{"an attempt timed out", hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) {
			f.Email.Hook(func(ctx context.Context) error { <-ctx.Done(); f.Email.Hook(nil); return ctx.Err() })
		}, true},
		{"a call the caller's context cut off", hour, due, nil, func(f *notifytest.Fakes, cancel context.CancelFunc) {
			f.Email.Hook(func(ctx context.Context) error { cancel(); f.Email.Hook(nil); return ctx.Err() })
		}, true},
		{"failed again within the window", hour, due.Add(50 * time.Minute),
			[]followup.Record{{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}},
			func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, true},
		// The next try would be past the window: this one is the last.
		{"failed again near the window's end", hour, due.Add(59 * time.Minute),
			[]followup.Record{{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}},
			func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, false},
		// The window starts at the first transient failure, whatever rate
		// limits came before.
		{"rate-limited for longer than the window before", 30 * time.Minute, due.Add(50 * time.Minute),
			[]followup.Record{{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(50 * time.Minute)}},
			func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, true},
		{"no window: recorded as before", 0, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, false},
		{"a negative window", -hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) { fail503(f) }, false},
		{"a sender that called runtime.Goexit", hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) {
			f.Email.Hook(func(context.Context) error { f.Email.Hook(nil); runtime.Goexit(); return nil })
		}, false},
		{"a permanent failure", hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) {
			f.Email.FailTimes(1, notify.Permanent(errors.New("550 no such mailbox")))
		}, false},
		{"a panic", hour, due, nil, func(f *notifytest.Fakes, _ context.CancelFunc) {
			f.Email.Hook(func(context.Context) error { f.Email.Hook(nil); panic("bug") })
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := retryEngine(t, fullSettings, tt.window)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			tt.fault(fakes, cancel)
			c := baseConversation(t)
			c.Contact.Phone = followup.Phone{} // email alone
			c.FollowUps = tt.history
			p := e.Plan(tt.at, c)
			if !p.Due() || p.Channels != notify.SetOf(notify.ChannelEmail) {
				t.Fatalf("plan %v on %v, want the email due", p.Reason, p.Channels)
			}
			res, err := e.Deliver(ctx, tt.at, p, c)
			if err != nil || res.Status != followup.Sent || len(res.Records) != 1 {
				t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
			}
			r := res.Records[0]
			if r.Delivered || r.RateLimited || r.Transient != tt.want {
				t.Fatalf("record %+v, want Transient %v", r, tt.want)
			}
			c.FollowUps = append(c.FollowUps, r)
			if !tt.want {
				if !r.RetryAt.IsZero() || !res.Next.IsZero() {
					t.Errorf("RetryAt %v, Next %v on a message not to be sent again", r.RetryAt, res.Next)
				}
				if p := e.Plan(tt.at.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
					t.Errorf("after the record: %v, want alreadyFollowedUp", p.Reason)
				}
				return
			}
			if !res.Next.Equal(r.RetryAt) || res.Next.Before(tt.at.Add(time.Minute)) {
				t.Errorf("Next = %v, RetryAt = %v, want the same, a minute or more after %v", res.Next, r.RetryAt, tt.at)
			}
			if q := e.Plan(tt.at, c); !q.Due() || !q.SendAt.Equal(r.RetryAt) || q.Key != k1 {
				t.Errorf("Plan after the record = %v at %v, want %v due at its RetryAt %v", q.Reason, q.SendAt, k1, r.RetryAt)
			}
			key := res.Report.Entries[0].Key
			res, err = e.Deliver(context.Background(), res.Next, e.Plan(res.Next, c), c)
			if err != nil || !res.Report.Delivered(notify.ChannelEmail) {
				t.Fatalf("at Next: %v, %v, email delivered %v", res.Status, err, res.Report.Delivered(notify.ChannelEmail))
			}
			if got := fakes.Email.Sent()[0].Key; got != key {
				t.Errorf("sent again with key %q, the failed try had %q", got, key)
			}
		})
	}
}

// Push is never sent again, with or without a window: text and email
// follow a push that did not go.
func TestDeliverTransientPushIsNotSentAgain(t *testing.T) {
	fakes, senders := notifytest.NewSenders()
	e, err := followup.NewEngine(fullSettings, paying, senders, followup.Options{Workspace: "Acme",
		Link:        func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
		RetryWindow: time.Hour, Dispatch: notify.Options{MaxAttempts: 1}})
	if err != nil {
		t.Fatal(err)
	}
	fakes.Push.FailAlways(errors.New("503 service unavailable"))
	c := baseConversation(t)
	c.PushTarget = "device-1"
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	if p.Channels != notify.SetOf(notify.ChannelPush) {
		t.Fatalf("plan on %v, want push first", p.Channels)
	}
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
	}
	if r := res.Records[0]; r.Transient || !r.RetryAt.IsZero() {
		t.Errorf("push record %+v, want it not to be sent again", r)
	}
	c.FollowUps = res.Records
	if q := e.Plan(now, c); !q.Channels.Has(notify.ChannelAlimTalk) || !q.SendAt.Equal(now) {
		t.Errorf("after the push: %v on %v at %v, want the text at once", q.Reason, q.Channels, q.SendAt)
	}
}

// A message that keeps failing is tried again after a minute, then after
// twice as long each time up to 16 minutes, each wait plus up to half as
// much again, while the try falls within the window; the failure whose next
// try would not is recorded as not delivered.
func TestDeliverTransientBackoff(t *testing.T) {
	window := 2 * time.Hour
	e, fakes := retryEngine(t, fullSettings, window)
	fakes.Email.FailAlways(errors.New("503 service unavailable"))
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{}
	first := t0.Add(3 * time.Minute)
	end := first.Add(window)
	now := first
	var waits []time.Duration
	for try := 1; ; try++ {
		if try > 20 {
			t.Fatalf("still sending after %d tries: %+v", try, c.FollowUps)
		}
		if !now.Before(end) {
			t.Fatalf("try %d at %v, past the window's end %v", try, now, end)
		}
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil || len(res.Records) != 1 {
			t.Fatalf("try %d: %v, %v, records %+v", try, res.Status, err, res.Records)
		}
		r := res.Records[0]
		c.FollowUps = append(c.FollowUps, r)
		if !r.Transient {
			// The wait after this failure, at least 16 minutes, would end
			// past the window.
			if now.Add(16*time.Minute).Before(end) || !res.Next.IsZero() {
				t.Errorf("try %d at %v given up, Next %v; want it given up only within 16 minutes of the window's end %v", try, now, res.Next, end)
			}
			break
		}
		waits = append(waits, res.Next.Sub(now))
		now = res.Next
	}
	for i, w := range waits {
		base := min(time.Minute<<i, 16*time.Minute)
		if w < base || w >= base+base/2 {
			t.Errorf("wait %d = %v, want in [%v, %v)", i+1, w, base, base+base/2)
		}
	}
	if n := fakes.Email.Calls(); n != len(waits)+1 {
		t.Errorf("%d calls, want %d", n, len(waits)+1)
	}
	if p := e.Plan(now.Add(time.Hour), c); p.Reason != followup.AlreadyFollowedUp {
		t.Errorf("after the window: %v, want alreadyFollowedUp", p.Reason)
	}
}

// The wait after a failure depends on the follow-up's key: the follow-ups
// an outage failed together come back at different times, and the same
// follow-up (a job the queue runs twice) always at the same one.
func TestDeliverTransientWaitSpreadsByKey(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	fakes.Email.FailAlways(errors.New("503 service unavailable"))
	now := t0.Add(3 * time.Minute)
	next := func(id string) time.Time {
		c := baseConversation(t)
		c.Contact.Phone = followup.Phone{}
		c.ID = id
		res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
		if err != nil || len(res.Records) != 1 || !res.Records[0].Transient {
			t.Fatalf("%s: %v, %v, records %+v", id, res.Status, err, res.Records)
		}
		return res.Next
	}
	seen := map[time.Time]bool{}
	for i := range 20 {
		id := fmt.Sprintf("c%d", i)
		at := next(id)
		if again := next(id); !again.Equal(at) {
			t.Errorf("%s: Next %v, then %v for the same failure", id, at, again)
		}
		seen[at] = true
	}
	if len(seen) < 10 {
		t.Errorf("20 follow-ups came back at %d distinct times, want them spread", len(seen))
	}
}

// A message whose attempts were rate-limited after failing transiently may
// have gone: it is Transient, not RateLimited, and waits for the
// retry-after when that is longer than the backoff, if it ends within the
// window.
func TestDeliverTransientWaitsForRetryAfter(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.RetryWindow = time.Hour
		o.Dispatch.MaxAttempts = 2
	})
	fakes.Email.FailTimes(1, errors.New("503 service unavailable"))
	fakes.Email.RateLimit(1, 30*time.Minute) // over MaxRetryAfter: the dispatch stops
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{}
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
	}
	want := followup.Record{Key: k1, Channel: notify.ChannelEmail, At: now, Through: t0, Transient: true, RetryAt: now.Add(30 * time.Minute)}
	if diff := cmp.Diff(want, res.Records[0]); diff != "" || !res.Next.Equal(want.RetryAt) {
		t.Errorf("record (-want +got):\n%s\nNext %v", diff, res.Next)
	}

	// A retry-after that ends at the window's end or past it: calling
	// earlier would be refused, later the provider may have forgotten the
	// key. Given up.
	e, fakes = deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.RetryWindow = 30 * time.Minute
		o.Dispatch.MaxAttempts = 2
	})
	fakes.Email.FailTimes(1, errors.New("503 service unavailable"))
	fakes.Email.RateLimit(1, 30*time.Minute)
	res, err = e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || len(res.Records) != 1 || res.Records[0].Transient || !res.Next.IsZero() {
		t.Errorf("a retry-after past the window: %v, %v, records %+v, Next %v; want it given up", res.Status, err, res.Records, res.Next)
	}
}

// An AlimTalk that failed transiently may have gone, so once its provider
// has rate-limited it for the whole RateLimitWindow it is still sent as an
// AlimTalk (with its substitute), never as the substitute SMS alone, which
// has a key of its own and would text the customer twice.
func TestDeliverTransientAlimTalkNeverGoesAsSMSAlone(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	for _, transient := range []bool{false, true} {
		t.Run(fmt.Sprintf("transient=%v", transient), func(t *testing.T) {
			e, fakes := retryEngine(t, fullSettings, 3*time.Hour)
			c := baseConversation(t)
			c.FollowUps = []followup.Record{
				{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(time.Minute)},
				rec(k1, notify.ChannelEmail, due, t0, true),
			}
			if transient {
				c.FollowUps[0].RateLimited, c.FollowUps[0].Transient = false, true
				c.FollowUps = append(c.FollowUps, followup.Record{Key: k1, Channel: notify.ChannelAlimTalk,
					At: due.Add(time.Minute), Through: t0, RateLimited: true, RetryAt: due.Add(2 * time.Minute)})
			}
			now := due.Add(followup.DefaultRateLimitWindow + time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			want := sent{SMS: 1}
			if transient {
				want = sent{AlimTalk: 1}
			}
			if diff := cmp.Diff(want, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
		})
	}
}

// Record.Transient survives the host's JSON storage, and is left out when
// false, as RateLimited is.
func TestRecordTransientJSON(t *testing.T) {
	r := followup.Record{Key: k1, Channel: notify.ChannelSMS, At: t0, Through: t0, Transient: true, RetryAt: t0.Add(time.Minute)}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var got followup.Record
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("round trip of %s (-want +got):\n%s", b, diff)
	}
	r.Transient = false
	if b, _ := json.Marshal(r); strings.Contains(string(b), "transient") {
		t.Errorf("%s: want no transient field when false", b)
	}
}

// A follow-up whose message failed transiently takes no more replies: the
// message goes again under the same key, and if the first try had gone,
// the provider would drop the new one, and a reply that joined with it. A
// later reply starts the next follow-up once this one is done. A message
// that was only rate-limited certainly did not go, so a reply still joins,
// whatever an earlier follow-up's records say.
func TestDeliverTransientFollowUpTakesNoMoreReplies(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	k0 := followup.Key{Conversation: "c1", Reply: "r0"}
	earlier := []followup.Record{
		{Key: k0, Channel: notify.ChannelAlimTalk, At: t0.Add(-50 * time.Minute), Through: t0.Add(-time.Hour), Transient: true},
		rec(k0, notify.ChannelAlimTalk, t0.Add(-40*time.Minute), t0.Add(-time.Hour), true),
	}
	tests := []struct {
		name      string
		transient bool
		earlier   []followup.Record
	}{
		{"transient", true, nil},
		{"rate-limited", false, nil},
		{"rate-limited, after a follow-up that failed transiently", false, earlier},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := retryEngine(t, fullSettings, time.Hour)
			c := baseConversation(t)
			c.Contact.Email = ""
			c.FollowUps = append(tt.earlier, followup.Record{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0,
				Transient: tt.transient, RateLimited: !tt.transient, RetryAt: due.Add(time.Minute)})
			c.Unseen = append(c.Unseen, reply("r2", due.Add(30*time.Second)))
			if tt.earlier != nil {
				c.Unseen = append([]followup.Reply{reply("r0", t0.Add(-time.Hour))}, c.Unseen...)
			}
			now := due.Add(time.Minute)
			p := e.Plan(now, c)
			wantReplies, wantThrough := 1, t0
			if !tt.transient {
				wantReplies, wantThrough = 2, due.Add(30*time.Second)
			}
			if p.Key != k1 || !p.Due() || p.Replies != wantReplies || !p.Through.Equal(wantThrough) {
				t.Fatalf("Plan = %+v, want %v due with %d replies through %v", p, k1, wantReplies, wantThrough)
			}
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || !res.Report.Delivered(notify.ChannelAlimTalk) {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			if sent := fakes.AlimTalk.Sent(); len(sent) != 1 || strings.Contains(sent[0].Text, "r2") != !tt.transient {
				t.Errorf("AlimTalk %q, want reply r2 in it: %v", sent, !tt.transient)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			next := e.Plan(now, c)
			if tt.transient && (!next.Due() || next.Key.Reply != "r2") {
				t.Errorf("after the retry: %v %v, want the follow-up of r2 due", next.Reason, next.Key)
			}
			if !tt.transient && next.Reason != followup.AlreadyFollowedUp {
				t.Errorf("after the retry: %v, want alreadyFollowedUp", next.Reason)
			}
		})
	}
}

// A follow-up keeps every reply its records carried, even past MaxWait when
// the settings have shortened it since: the rate-limited email that carried
// r1 and r2 goes again with both, and r2, counted as followed up by that
// record, is not left out.
func TestDeliverRateLimitedKeepsRepliesPastShortenedMaxWait(t *testing.T) {
	due := t0.Add(8 * time.Minute)
	r2 := t0.Add(5 * time.Minute)
	short := withTiming(fullSettings, followup.Timing{Delay: time.Minute, MaxWait: 3 * time.Minute})
	e, fakes := retryEngine(t, short, time.Hour)
	c := baseConversation(t)
	c.Contact.Phone = followup.Phone{}
	c.Unseen = append(c.Unseen, reply("r2", r2))
	c.FollowUps = []followup.Record{{Key: k1, Channel: notify.ChannelEmail, At: due, Through: r2,
		RateLimited: true, RetryAt: due.Add(time.Minute)}}
	now := due.Add(time.Minute)
	p := e.Plan(now, c)
	if p.Key != k1 || !p.Due() || p.Replies != 2 || !p.Through.Equal(r2) {
		t.Fatalf("Plan = %+v, want %v due with 2 replies through r2", p, k1)
	}
	if _, err := e.Deliver(context.Background(), now, p, c); err != nil {
		t.Fatal(err)
	}
	if sent := fakes.Email.Sent(); len(sent) != 1 || !strings.Contains(sent[0].Text, "answer r2") {
		t.Errorf("emails %d, want one with r2 in it", len(sent))
	}
}

// A text's first try counts toward the send caps (Texted); its tries again
// under the same key do not, since at most one of them reaches the
// customer, nor do they wait for room beside the first: a retry a full cap
// held back would wait a day for its own count. A rate-limited text did not
// go and was not counted: it waits for room like any other.
func TestDeliverTransientTextCountsOnce(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	fakes.AlimTalk.FailTimes(1, errors.New("503 service unavailable"))
	c := baseConversation(t)
	c.Contact.Email = ""
	for i := range 4 { // the default cap: 5 texts a day to a number
		c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
	}
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || !res.Texted || len(res.Records) != 1 || !res.Records[0].Transient {
		t.Fatalf("first try: %v, %v, Texted %v, records %+v", res.Status, err, res.Texted, res.Records)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	c.Texts.ToRecipient = append(c.Texts.ToRecipient, now) // the cap is full, with the first try
	capped := c
	capped.FollowUps = []followup.Record{res.Records[0]}
	capped.FollowUps[0].Transient, capped.FollowUps[0].RateLimited = false, true

	at := res.Next
	res, err = e.Deliver(context.Background(), at, e.Plan(at, c), c)
	if err != nil || res.Status != followup.Sent || !res.Report.Delivered(notify.ChannelAlimTalk) || res.Texted {
		t.Errorf("the try again: %v, %v, delivered %v, Texted %v; want it sent, not counted again",
			res.Status, err, res.Report.Delivered(notify.ChannelAlimTalk), res.Texted)
	}
	res, err = e.Deliver(context.Background(), at, e.Plan(at, capped), capped)
	if err != nil || res.Status != followup.Deferred || !errors.Is(res.DeferredBy, policy.ErrRecipientCapReached) {
		t.Errorf("a rate-limited text at a full cap: %v, %v, deferred by %v; want it deferred by the cap", res.Status, err, res.DeferredBy)
	}
}

// Only the text's own transient failure counts it: an email's, or an
// earlier follow-up's text's, does not, and the text counts (Texted) when
// it goes.
func TestDeliverTransientOthersDoNotCountTheText(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	k0 := followup.Key{Conversation: "c1", Reply: "r0"}
	tests := []struct {
		name    string
		history []followup.Record
	}{
		{"the email failed transiently", []followup.Record{
			{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, RateLimited: true},
			{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, Transient: true},
		}},
		{"an earlier follow-up's text failed transiently", []followup.Record{
			{Key: k0, Channel: notify.ChannelAlimTalk, At: t0.Add(-50 * time.Minute), Through: t0.Add(-time.Hour), Transient: true},
			rec(k0, notify.ChannelAlimTalk, t0.Add(-40*time.Minute), t0.Add(-time.Hour), true),
			rec(k0, notify.ChannelEmail, t0.Add(-40*time.Minute), t0.Add(-time.Hour), true),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _ := retryEngine(t, fullSettings, time.Hour)
			c := baseConversation(t)
			c.Unseen = append([]followup.Reply{reply("r0", t0.Add(-time.Hour))}, c.Unseen...)
			c.FollowUps = tt.history
			now := due.Add(time.Minute)
			p := e.Plan(now, c)
			if p.Key != k1 || !p.Channels.Has(notify.ChannelAlimTalk) {
				t.Fatalf("Plan = %+v, want the text of %v", p, k1)
			}
			res, err := e.Deliver(context.Background(), now, p, c)
			if err != nil || !res.Report.Delivered(notify.ChannelAlimTalk) || !res.Texted {
				t.Errorf("Deliver = %v, %v, delivered %v, Texted %v; want the text sent and counted",
					res.Status, err, res.Report.Delivered(notify.ChannelAlimTalk), res.Texted)
			}
		})
	}
}

// A message that failed transiently RetryWindow ago or more is not sent
// again, however late the host's job runs (or quiet hours held it): its
// provider may have forgotten the key. It is refused with ErrMayHaveGone,
// on the record, so the follow-up goes on without it.
func TestDeliverTransientPastTheWindowIsRefused(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	window := 10 * time.Minute
	tests := []struct {
		name string
		ch   notify.Channel
		at   time.Time
		want bool // refused
	}{
		{"text, within the window", notify.ChannelAlimTalk, due.Add(window - time.Second), false},
		{"text, at the window's end", notify.ChannelAlimTalk, due.Add(window), true},
		{"text, hours late", notify.ChannelAlimTalk, due.Add(10 * time.Hour), true},
		{"email, within the window", notify.ChannelEmail, due.Add(window - time.Second), false},
		{"email, past the window", notify.ChannelEmail, due.Add(window + time.Minute), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := retryEngine(t, fullSettings, window)
			c := baseConversation(t)
			if tt.ch == notify.ChannelEmail {
				c.Contact.Phone = followup.Phone{}
			} else {
				c.Contact.Email = ""
			}
			c.FollowUps = []followup.Record{{Key: k1, Channel: tt.ch, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}}
			res, err := e.Deliver(context.Background(), tt.at, e.Plan(tt.at, c), c)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.want {
				if res.Status != followup.Sent || !res.Report.Delivered(tt.ch) {
					t.Errorf("%v, delivered %v; want it sent again", res.Status, res.Report.Delivered(tt.ch))
				}
				return
			}
			checkRefused(t, res, map[notify.Channel]error{tt.ch: followup.ErrMayHaveGone})
			if n := fakes.AlimTalk.Calls() + fakes.SMS.Calls() + fakes.Email.Calls(); res.Status != followup.Refused || n != 0 {
				t.Errorf("%v, %d calls; want it refused, nothing sent", res.Status, n)
			}
			c.FollowUps = append(c.FollowUps, res.Records...)
			if p := e.Plan(tt.at, c); p.Reason != followup.AlreadyFollowedUp {
				t.Errorf("after the refusal: %v, want alreadyFollowedUp", p.Reason)
			}
		})
	}
}

// A text that may have gone goes again only as itself: as the same message
// on the same channel, under its key, and an AlimTalk without its
// substitute SMS, which the dispatcher sends only after attempts that
// certainly did not deliver. An SMS goes again as the AlimTalk's substitute
// would, under the same key. If an AlimTalk would now go as an SMS, which
// has a key of its own, it is refused with ErrMayHaveGone.
func TestDeliverTransientTextGoesOnlyAsItself(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	noAlimTalk := fullSettings
	noAlimTalk.Text.AlimTalkTemplate = ""
	tests := []struct {
		name     string
		settings followup.Settings
		tried    notify.Channel
		optOut   bool
		want     sent
	}{
		{"the AlimTalk again, without its substitute", fullSettings, notify.ChannelAlimTalk, false, sent{AlimTalk: 1}},
		{"the SMS again", noAlimTalk, notify.ChannelSMS, false, sent{SMS: 1}},
		{"an AlimTalk, after an opt-out of AlimTalk", fullSettings, notify.ChannelAlimTalk, true, sent{}},
		{"an AlimTalk, after the template was removed", noAlimTalk, notify.ChannelAlimTalk, false, sent{}},
		// Its SMS goes as the AlimTalk's substitute would, under the same
		// key.
		{"an SMS, after a template was set", fullSettings, notify.ChannelSMS, false, sent{SMS: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := retryEngine(t, tt.settings, time.Hour)
			c := baseConversation(t)
			c.Contact.Email = ""
			c.FollowUps = []followup.Record{{Key: k1, Channel: tt.tried, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}}
			if tt.optOut {
				c.OptOuts = []notify.Channel{notify.ChannelAlimTalk}
			}
			now := due.Add(2 * time.Minute)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if a := fakes.AlimTalk.Sent(); len(a) > 0 && a[0].Substitute != nil {
				t.Errorf("the AlimTalk went again with a substitute SMS")
			}
			if m := fakes.SMS.Sent(); len(m) > 0 && m[0].Key != k1.For(notify.ChannelSMS) {
				t.Errorf("the SMS went again with key %q, want %q", m[0].Key, k1.For(notify.ChannelSMS))
			}
			if tt.want == (sent{}) {
				if got := refusals(res); len(got) != 1 || !errors.Is(res.Refused[0].Err, followup.ErrMayHaveGone) {
					t.Errorf("refused %v, want the text with ErrMayHaveGone", got)
				}
			}
		})
	}
}

// An AlimTalk that may have gone, whose try again the provider refuses
// permanently (as some refuse a duplicate key), gets no substitute SMS.
func TestDeliverTransientAlimTalkRefusedGetsNoSubstitute(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	fakes.AlimTalk.FailAlways(notify.Permanent(errors.New("409 duplicate request key")))
	due := t0.Add(3 * time.Minute)
	c := baseConversation(t)
	c.Contact.Email = ""
	c.FollowUps = []followup.Record{{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}}
	now := due.Add(time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || fakes.SMS.Calls() != 0 {
		t.Errorf("Deliver = %v, %v; %d SMS calls, want none", res.Status, err, fakes.SMS.Calls())
	}
	if len(res.Records) != 1 || res.Records[0].Transient || res.Records[0].Delivered {
		t.Errorf("records %+v, want the AlimTalk recorded as not delivered", res.Records)
	}
}

// A message that failed transiently and is now only rate-limited may have
// gone at its earlier try: it stays under RetryWindow, recorded as
// Transient, waits for the retry-after in full, and is not given up when
// RateLimitWindow ends, nor sent early for the SMS the AlimTalk's rate
// limit would otherwise turn into.
func TestDeliverTransientThenRateLimited(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	tests := []struct {
		name    string
		ch      notify.Channel
		history []followup.Record
		at      time.Time
	}{
		{"an AlimTalk rate-limited near the end of RateLimitWindow", notify.ChannelAlimTalk, []followup.Record{
			{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)},
		}, due.Add(50 * time.Minute)},
		{"an email rate-limited since before RateLimitWindow", notify.ChannelEmail, []followup.Record{
			{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(time.Minute)},
			{Key: k1, Channel: notify.ChannelEmail, At: due.Add(time.Minute), Through: t0, Transient: true, RetryAt: due.Add(2 * time.Minute)},
		}, due.Add(65 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := retryEngine(t, fullSettings, 3*time.Hour)
			fakes.AlimTalk.RateLimit(1, 30*time.Minute)
			fakes.Email.RateLimit(1, 30*time.Minute)
			c := baseConversation(t)
			if tt.ch == notify.ChannelEmail {
				c.Contact.Phone = followup.Phone{}
			} else {
				c.Contact.Email = ""
			}
			c.FollowUps = tt.history
			res, err := e.Deliver(context.Background(), tt.at, e.Plan(tt.at, c), c)
			if err != nil || len(res.Records) != 1 {
				t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
			}
			want := followup.Record{Key: k1, Channel: tt.ch, At: tt.at, Through: t0, Transient: true, RetryAt: tt.at.Add(30 * time.Minute)}
			if diff := cmp.Diff(want, res.Records[0]); diff != "" || !res.Next.Equal(want.RetryAt) {
				t.Errorf("record (-want +got):\n%s\nNext %v", diff, res.Next)
			}
		})
	}
}

// Only the message whose window has passed is refused: the step's other
// channel still goes.
func TestDeliverTransientPastTheWindowRefusesOnlyItsChannel(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	e, fakes := retryEngine(t, fullSettings, 10*time.Minute)
	c := baseConversation(t)
	c.FollowUps = []followup.Record{
		{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, RateLimited: true, RetryAt: due.Add(time.Minute)},
		{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)},
	}
	now := due.Add(15 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	checkRefused(t, res, map[notify.Channel]error{notify.ChannelEmail: followup.ErrMayHaveGone})
	if diff := cmp.Diff(sent{AlimTalk: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// An AlimTalk the recipient refused, whose substitute SMS then failed
// transiently: the SMS is the message that may have gone, so it is
// recorded as such, and goes again alone, under its key; sending the
// AlimTalk again would be refused again, and without its substitute the
// customer would get no text at all.
func TestDeliverTransientSubstituteGoesAgainAlone(t *testing.T) {
	e, fakes := retryEngine(t, fullSettings, time.Hour)
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
	fakes.SMS.FailTimes(1, errors.New("503 service unavailable"))
	c := baseConversation(t)
	c.Contact.Email = ""
	now := t0.Add(3 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || len(res.Records) != 1 {
		t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
	}
	if r := res.Records[0]; r.Channel != notify.ChannelSMS || !r.Transient {
		t.Fatalf("record %+v, want the SMS, Transient", r)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	now = res.Next
	res, err = e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || !res.Report.Delivered(notify.ChannelSMS) {
		t.Fatalf("again: %v, %v, SMS delivered %v", res.Status, err, res.Report.Delivered(notify.ChannelSMS))
	}
	if n := fakes.AlimTalk.Calls(); n != 1 {
		t.Errorf("%d AlimTalk calls, want the first only", n)
	}
	if m := fakes.SMS.Sent(); len(m) != 1 || m[0].Key != k1.For(notify.ChannelSMS) {
		t.Errorf("SMS sent %d times, want once with key %q", len(m), k1.For(notify.ChannelSMS))
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	if p := e.Plan(now, c); p.Reason != followup.AlreadyFollowedUp {
		t.Errorf("after it: %v, want alreadyFollowedUp", p.Reason)
	}

	// Not to be sent again (no window), it is recorded as the AlimTalk,
	// as every text follow-up is.
	e, fakes = retryEngine(t, fullSettings, 0)
	fakes.AlimTalk.FailAlways(notify.ErrRecipientRefused)
	fakes.SMS.FailTimes(1, errors.New("503 service unavailable"))
	c.FollowUps = nil
	now = t0.Add(3 * time.Minute)
	res, err = e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil || len(res.Records) != 1 || res.Records[0].Channel != notify.ChannelAlimTalk || res.Records[0].Transient {
		t.Errorf("no window: %v, %v, records %+v; want the AlimTalk, not Transient", res.Status, err, res.Records)
	}
}

// waitUnlessDeadline is a notify.Options.Wait that waits d unless the
// context's deadline comes first, as the default does, without sleeping.
func waitUnlessDeadline(ctx context.Context, d time.Duration) error {
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
		return context.DeadlineExceeded
	}
	return ctx.Err()
}

// The dispatcher's own attempts at a message sent again end within its
// window: a rate limit that would have it try again past the window's end
// ends the dispatch at the end instead, and the message is recorded as
// not delivered. A first try has no window to keep to.
func TestDeliverTransientDispatchEndsWithTheWindow(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	smsOnly := fullSettings
	smsOnly.Text.AlimTalkTemplate = ""
	for _, ch := range []notify.Channel{notify.ChannelEmail, notify.ChannelSMS} {
		for _, retried := range []bool{true, false} {
			t.Run(fmt.Sprintf("%v/retried=%v", ch, retried), func(t *testing.T) {
				e, fakes := deliverEngineWith(t, smsOnly, paying, func(o *followup.Options) {
					o.RetryWindow = 10 * time.Minute
					o.Dispatch.Wait = waitUnlessDeadline
				})
				c := baseConversation(t)
				calls := fakes.Email.Calls
				if ch == notify.ChannelSMS {
					c.Contact.Email = ""
					calls = fakes.SMS.Calls
					fakes.SMS.RateLimit(1, 30*time.Second)
				} else {
					c.Contact.Phone = followup.Phone{}
					fakes.Email.RateLimit(1, 30*time.Second)
				}
				now := due.Add(9*time.Minute + 50*time.Second)
				if retried {
					c.FollowUps = []followup.Record{{Key: k1, Channel: ch, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)}}
				} else {
					now = due
				}
				res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
				if err != nil || len(res.Records) != 1 {
					t.Fatalf("Deliver = %v, %v, records %+v", res.Status, err, res.Records)
				}
				wantCalls, r := 2, res.Records[0]
				if retried {
					wantCalls = 1
					if r.Delivered || r.Transient {
						t.Errorf("record %+v, want it not delivered, not to be sent again", r)
					}
				}
				if n := calls(); n != wantCalls {
					t.Errorf("%d calls, want %d", n, wantCalls)
				}
			})
		}
	}
}

// A dispatch that sends two messages again ends with the earlier window:
// the text's, here, whatever the order of the records.
func TestDeliverTransientDispatchEndsWithTheEarlierWindow(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.RetryWindow = 10 * time.Minute
		o.Dispatch.Wait = waitUnlessDeadline
	})
	fakes.AlimTalk.RateLimit(1, 30*time.Second)
	c := baseConversation(t)
	c.FollowUps = []followup.Record{
		{Key: k1, Channel: notify.ChannelAlimTalk, At: due, Through: t0, Transient: true, RetryAt: due.Add(time.Minute)},
		{Key: k1, Channel: notify.ChannelEmail, At: due.Add(5 * time.Minute), Through: t0, Transient: true, RetryAt: due.Add(6 * time.Minute)},
	}
	now := due.Add(9*time.Minute + 50*time.Second)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	if err != nil {
		t.Fatal(err)
	}
	if n := fakes.AlimTalk.Calls(); n != 1 || res.Report.Delivered(notify.ChannelAlimTalk) {
		t.Errorf("%d AlimTalk calls, delivered %v; want one call, its retry past the window not made", n, res.Report.Delivered(notify.ChannelAlimTalk))
	}
}
