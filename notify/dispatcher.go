package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a [Dispatcher]. The zero value is a sensible default for
// every field. A duration longer than about 73 years counts as 73 years, as
// good as no limit: math.MaxInt64 is fine.
//
// Only the senders' panics are recovered (see [Dispatcher.Dispatch]). A
// panic in Wait, Jitter or the Logger's handler is a bug in the host's own
// code and goes on as any panic does: on a goroutine Dispatch started, it
// ends the program.
type Options struct {
	// MaxAttempts is how many times a message is tried before it fails,
	// counting the first. Zero or negative means 3.
	MaxAttempts int
	// AttemptTimeout bounds each call of a sender, inside the caller's
	// context: the sender's context is done when it passes. Zero or
	// negative means 10 seconds.
	AttemptTimeout time.Duration
	// Grace is how long past an attempt's deadline the dispatcher still
	// waits for a sender that has not returned, before it abandons the call
	// ([ErrAbandoned]). Zero or negative means 100 milliseconds.
	Grace time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts: it starts
	// at MinBackoff, doubles after every attempt, never exceeds
	// MaxBackoff, and is jittered. Zero or negative means 200 milliseconds
	// and 5 seconds; a MinBackoff over MaxBackoff, its default included, is
	// MaxBackoff. A rate limit waits at least its retry-after, even past
	// MaxBackoff, up to MaxRetryAfter.
	MinBackoff, MaxBackoff time.Duration
	// MaxRetryAfter is the longest retry-after of a rate limit that the
	// dispatcher waits. A rate limit that asks for longer is not retried:
	// the message fails at once with the rate limit ([IsRateLimited] and
	// [RetryAfter] see it in the entry's error), its attempts recorded, so
	// that the host can send it again once the provider allows. Zero or
	// negative means one minute: Dispatch holds its caller while it waits,
	// a follow-up is about a conversation going on now, and a provider that
	// asks for minutes or hours has usually run out of a quota rather than
	// smoothing a burst, which the host's own scheduling handles better
	// than a goroutine asleep.
	MaxRetryAfter time.Duration
	// MaxConcurrency is how many messages of one dispatch are sent at the
	// same time. Zero or negative means all of them. A call the
	// dispatcher abandoned ([ErrAbandoned]) no longer counts: the
	// dispatcher has given up on it and sends the next message in its
	// place, so while a sender that ignores its context runs on, the host's
	// senders may have up to one call more than MaxConcurrency running per
	// call abandoned.
	MaxConcurrency int
	// Logger receives an event per attempt: the channel, the idempotency
	// key, the masked recipient, the attempt number, its duration and
	// error. An attempt that delivered is logged at slog.LevelDebug, one
	// that failed at slog.LevelWarn, so a handler at the default Info
	// level shows the failures only. Nil means no logging. The dispatcher
	// never logs message content; a sender's own error strings are logged
	// as they are, so a sender must keep personal data out of them. The
	// logger's handler must not block.
	Logger *slog.Logger
	// Wait waits d between attempts, or returns ctx's error as soon as ctx
	// is done. Nil means a timer. Tests set it so they never sleep. It is
	// called from the goroutines that send the messages, several at a time,
	// so it must be safe for concurrent use, as Jitter must. Unlike a
	// sender's call, a Wait that ignores ctx is not abandoned: Dispatch
	// returns only once it does.
	Wait func(ctx context.Context, d time.Duration) error
	// Jitter returns the wait for a nominal backoff d. Nil means "equal
	// jitter": a uniform random duration in [d/2, d], from math/rand/v2.
	Jitter func(d time.Duration) time.Duration
}

func (o *Options) maxAttempts() int {
	if o.MaxAttempts > 0 {
		return o.MaxAttempts
	}
	return 3
}

// maxDuration caps the durations of Options: about 73 years, as good as no
// limit, and short enough that the dispatcher adds a few of them to a
// reading of the clock without overflowing.
const maxDuration = time.Duration(math.MaxInt64 / 4)

func (o *Options) attemptTimeout() time.Duration {
	if o.AttemptTimeout > 0 {
		return min(o.AttemptTimeout, maxDuration)
	}
	return 10 * time.Second
}

func (o *Options) grace() time.Duration {
	if o.Grace > 0 {
		return min(o.Grace, maxDuration)
	}
	return 100 * time.Millisecond
}

func (o *Options) maxRetryAfter() time.Duration {
	if o.MaxRetryAfter > 0 {
		return o.MaxRetryAfter
	}
	return time.Minute
}

// backoff returns the wait after the n-th failed attempt.
func (o *Options) backoff(n int) time.Duration {
	lo, hi := min(o.MinBackoff, maxDuration), min(o.MaxBackoff, maxDuration)
	if lo <= 0 {
		lo = 200 * time.Millisecond
	}
	if hi <= 0 {
		hi = 5 * time.Second
	}
	d := lo
	for i := 1; i < n && d < hi; i++ {
		d *= 2
	}
	d = min(d, hi)
	if o.Jitter != nil {
		return o.Jitter(d)
	}
	return d/2 + rand.N(d/2+1)
}

func (o *Options) wait(ctx context.Context, d time.Duration) error {
	if o.Wait != nil {
		return o.Wait(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// A Batch is the messages of one follow-up, at most one per channel. A nil
// message is not sent.
//
// Dispatch and the senders read the messages, the maps and slices they
// refer to included (AlimTalk.Variables and Buttons, Email.Headers,
// Push.Data), and the AlimTalk's Substitute. Do not modify them while a
// call of a sender may still be running with them: until Dispatch returns
// and, for the message of an entry whose error wraps [ErrAbandoned], ever:
// the abandoned call may still be running, and the message is its own from
// then on. errors.Is(report.Err(), ErrAbandoned) says whether there is
// such a message; build new messages rather than reuse it.
type Batch struct {
	AlimTalk *AlimTalk
	SMS      *SMS
	Email    *Email
	Push     *Push
}

// A Dispatcher sends batches of messages through the host's senders and
// reports what happened to every one. Build it as a struct literal; the zero
// Options are the defaults. A Dispatcher is safe for concurrent use as long
// as its fields are not modified.
type Dispatcher struct {
	Senders Senders
	Options Options
}

// Dispatch sends every message of b and returns a report with one entry per
// message, in the order AlimTalk, SMS, Email, Push. It returns when every
// message has its outcome.
//
// An invalid message fails without calling its sender; a message without a
// sender is skipped. Each attempt runs with its own timeout inside ctx; a
// transient failure is retried with capped exponential backoff and jitter, a
// rate limit waits at least its retry-after (one longer than MaxRetryAfter
// fails the message at once, as a rate limit), a permanent failure
// ([Permanent]) is never retried, and nothing is sent or retried once ctx is
// done. A sender that panics fails its message with a [*PanicError], and the
// process goes on; one that calls runtime.Goexit, as t.FailNow in a test's
// sender does, fails it with [ErrSenderExited].
//
// An AlimTalk goes out as its Substitute SMS, through the SMS sender, only
// when it certainly did not reach the customer, who must get one message,
// not two: it is invalid or has no sender, or its last attempt failed
// permanently ([Permanent], [ErrRecipientRefused]) and every attempt before
// it failed permanently too or was rate-limited. The entry then says
// [DeliveredBySubstitute]. Any other failed attempt may have delivered the
// AlimTalk: a transient error or a timeout looks the same whether or not
// the provider took the request, and a sender that panicked or was
// abandoned may have sent it. So may a call whose error wraps the context's
// error, even marked permanent (a sender that marks every error so). Once
// one attempt ended so, there is no substitute, even if a later attempt
// fails permanently, as when the provider refuses a retry as a duplicate of
// the request it delivered. An
// AlimTalk still rate-limited at its last attempt gets no substitute
// either: it fails as a rate limit, and the host may send it later.
//
// Concurrency: the senders are called on goroutines Dispatch starts, never
// on the caller's, so that a sender that ignores its context cannot hold the
// caller. One goroutine takes the messages in turn. As soon as it is held up
// in a sender (the sender blocks, or runs until it is preempted), helpers
// take the messages still waiting, a goroutine each, up to MaxConcurrency at
// a time, a call abandoned aside. So messages of different channels go out
// at the same time whenever a sender takes a while, and a dispatch to
// senders that return at once costs one goroutine.
//
// Goroutines: every goroutine Dispatch starts has done its work when
// Dispatch returns and exits right after, except the call of a sender that
// ignores its context: the dispatcher abandons it at its deadline plus
// Grace ([ErrAbandoned]), and it keeps running inside the host's sender
// until that returns.
func (d *Dispatcher) Dispatch(ctx context.Context, b Batch) Report {
	st := dispatches.Get().(*dispatch)
	st.d, st.ctx, st.b, st.pdl = d, ctx, b, math.MaxInt64
	st.senders = d.Senders.usable()
	st.refs.Store(1)
	entries := st.alloc(b)
	st.t0 = time.Now()
	*st.base = st.t0
	if m := b.AlimTalk; m != nil {
		st.addAlimTalk(m)
	}
	if m := b.SMS; m != nil {
		st.add(ChannelSMS, m.Key, m.Validate(), st.senders.SMS != nil)
	}
	if m := b.Email; m != nil {
		st.add(ChannelEmail, m.Key, m.Validate(), st.senders.Email != nil)
	}
	if m := b.Push; m != nil {
		st.add(ChannelPush, m.Key, m.Validate(), st.senders.Push != nil)
	}
	if st.nq > 0 {
		st.run()
	}
	st.release()
	return Report{Entries: entries}
}

// A dispatch is the state of one call of Dispatch, shared by the caller's
// goroutine and the workers it starts. Dispatches are recycled: the last
// goroutine to let go of one (refs) puts it back. What outlives a dispatch
// is allocated afresh for every call, in one block (see alloc): the
// report's entries and their attempts, and the attempts' contexts, which a
// sender may keep.
//
// A queued message belongs to the worker that claimed it, which alone
// writes its entry, except when the caller's goroutine abandons a call in
// flight: the job's flight word decides who owns it (see job).
type dispatch struct {
	refs    atomic.Int32 // goroutines that may still touch the dispatch
	d       *Dispatcher
	senders Senders // d.Senders, a nil Func adapter made nil ([Senders.usable])
	ctx     context.Context
	b       Batch
	t0      time.Time     // every reading is an offset from it
	base    *time.Time    // t0, in the fresh block, for the contexts
	pdl     time.Duration // ctx's deadline as an offset from t0, or MaxInt64
	timeout time.Duration
	grace   time.Duration
	w       atomic.Pointer[waiter] // set once the caller's goroutine sleeps

	n     int      // entries
	queue [4]uint8 // the jobs that need a worker, by entry index
	nq    int32
	limit int32 // MaxConcurrency

	next    atomic.Int32 // the next position of queue to claim
	workers atomic.Int32 // workers started and not exited, abandoned ones aside
	helper  atomic.Bool  // a helper was started and has not claimed yet
	pending atomic.Int32 // queued jobs without an outcome

	jobs    [4]job
	entries []Entry      // in the fresh block
	atts    []Attempt    // room for the first attempt of every entry
	ctxs    []attemptCtx // the context of the first attempt of every job
}

var dispatches = sync.Pool{New: func() any { return new(dispatch) }}

// release lets go of st; the last goroutine to do so recycles it.
func (st *dispatch) release() {
	if st.refs.Add(-1) == 0 {
		*st = dispatch{}
		dispatches.Put(st)
	}
}

// The fresh blocks, by the number of messages.
type (
	block1 struct {
		t0      time.Time
		entries [1]Entry
		atts    [1]Attempt
		ctxs    [1]attemptCtx
	}
	block2 struct {
		t0      time.Time
		entries [2]Entry
		atts    [2]Attempt
		ctxs    [2]attemptCtx
	}
	block3 struct {
		t0      time.Time
		entries [3]Entry
		atts    [3]Attempt
		ctxs    [3]attemptCtx
	}
	block4 struct {
		t0      time.Time
		entries [4]Entry
		atts    [4]Attempt
		ctxs    [4]attemptCtx
	}
)

// alloc allocates the block of what outlives the dispatch of b, in one
// allocation no larger than b needs, and returns the report's entries.
func (st *dispatch) alloc(b Batch) []Entry {
	n := 0
	for _, m := range [...]bool{b.AlimTalk != nil, b.SMS != nil, b.Email != nil, b.Push != nil} {
		if m {
			n++
		}
	}
	switch n {
	case 0:
		st.base = new(time.Time)
	case 1:
		k := new(block1)
		st.base, st.entries, st.atts, st.ctxs = &k.t0, k.entries[:], k.atts[:], k.ctxs[:]
	case 2:
		k := new(block2)
		st.base, st.entries, st.atts, st.ctxs = &k.t0, k.entries[:], k.atts[:], k.ctxs[:]
	case 3:
		k := new(block3)
		st.base, st.entries, st.atts, st.ctxs = &k.t0, k.entries[:], k.atts[:], k.ctxs[:]
	default:
		k := new(block4)
		st.base, st.entries, st.atts, st.ctxs = &k.t0, k.entries[:], k.atts[:], k.ctxs[:]
	}
	return st.entries
}

// A job is a queued message; its channel, key and attempts are in its
// entry.
type job struct {
	// flight is the start (an offset from t0) of the sender call in
	// flight, or idle, or abandoned. The worker stores the start before
	// the call and swaps it back to idle after; the caller's goroutine
	// swaps it to abandoned when the call is overdue, and from then on
	// owns the job. Before it stores a start, the worker writes begin,
	// actx, sub, prior and the entry's attempts, which the caller's
	// goroutine reads once it owns the job.
	flight atomic.Int64
	begin  time.Duration // when the job started
	actx   *attemptCtx   // the context of the call in flight
	// prior is why the AlimTalk failed, while its substitute is tried.
	prior   error
	subOnly bool // only the substitute is sent: the AlimTalk cannot go
	sub     bool // the call in flight sends the substitute
	ctxUsed bool // the job's context in ctxs is taken
}

const (
	idle      = -1
	abandoned = -2
)

func (st *dispatch) add(c Channel, key string, invalid error, hasSender bool) {
	i := st.n
	st.n++
	e := &st.entries[i]
	e.Channel, e.Key, e.Started = c, key, st.t0
	switch {
	case invalid != nil:
		e.Outcome, e.Err = Failed, invalid
	case !hasSender:
		e.Outcome, e.Err = Skipped, noSender(c)
	default:
		st.enqueue(i)
	}
}

func (st *dispatch) addAlimTalk(m *AlimTalk) {
	i := st.n
	st.n++
	e := &st.entries[i]
	e.Channel, e.Key, e.Started = ChannelAlimTalk, m.Key, st.t0
	own, subErr := m.validateOwn(), m.validateSubstitute()
	switch {
	case subErr != nil:
		e.Outcome, e.Err = Failed, subErr
		if own != nil {
			e.Err = errors.Join(own, subErr)
		}
	case own == nil && st.senders.AlimTalk != nil:
		st.enqueue(i)
	default:
		// The AlimTalk itself cannot go.
		e.Outcome, e.Err = Failed, own
		if own == nil {
			e.Outcome, e.Err = Skipped, noSender(ChannelAlimTalk)
		}
		switch {
		case m.Substitute == nil:
		case st.senders.SMS == nil:
			e.Err = errors.Join(e.Err, fmt.Errorf("notify: substitute: %w", noSender(ChannelSMS)))
		default:
			st.jobs[i].subOnly, st.jobs[i].prior = true, e.Err
			e.Outcome, e.Err = 0, nil
			st.enqueue(i)
		}
	}
}

func noSender(c Channel) error { return fmt.Errorf("notify: %v: %w", c, ErrNoSender) }

func (st *dispatch) enqueue(i int) {
	st.queue[st.nq] = uint8(i)
	st.nq++
	st.entries[i].Attempts = st.atts[i : i : i+1]
	st.jobs[i].flight.Store(idle)
}

// run sends the queued jobs and returns when each has its outcome.
func (st *dispatch) run() {
	if st.ctx.Err() != nil {
		// Nothing may be sent: the jobs fail at once, without a sender
		// call, so they can run here.
		w := worker{st: st}
		for q := range st.nq {
			st.runJob(&w, int(st.queue[q]))
		}
		return
	}
	o := &st.d.Options
	st.timeout, st.grace = o.attemptTimeout(), o.grace()
	if dl, ok := st.ctx.Deadline(); ok {
		st.pdl = dl.Sub(st.t0)
	}
	st.limit = st.nq
	if c := o.MaxConcurrency; c > 0 && c < int(st.nq) {
		st.limit = int32(c)
	}
	st.pending.Store(st.nq)
	st.workers.Store(1)
	st.refs.Add(1)
	go st.work(false)
	// Let the worker run. If the senders return at once, it is done when
	// this goroutine runs again; if not, it is held up in a sender, and
	// helpers take the other messages.
	runtime.Gosched()
	if st.pending.Load() == 0 {
		return
	}
	// No call can be overdue before the timer fires.
	w := newWaiter(min(st.timeout, st.pdl) + st.grace)
	st.w.Store(w)
	st.spawn()
	st.wait(w)
	w.timer.Stop()
}

// A waiter is how the caller's goroutine sleeps until the jobs have their
// outcomes or a call may be overdue. Each dispatch that has to wait makes
// its own, rather than taking one from a pool: a channel and a timer made
// inside a testing/synctest bubble belong to it, and using them outside (or
// the reverse) is a fatal error, so a host's synctest tests and its other
// tests could not share the package. A waiter costs little next to a
// sender that does not return at once.
type waiter struct {
	wake  chan struct{} // buffered: one wake-up is enough
	timer *time.Timer   // wakes the caller to look for overdue calls
}

// newWaiter returns a waiter whose timer fires after d.
func newWaiter(d time.Duration) *waiter {
	w := &waiter{wake: make(chan struct{}, 1)}
	w.timer = time.AfterFunc(d, w.signal)
	return w
}

func (w *waiter) signal() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// wait sleeps until every job has its outcome, abandoning the calls that
// outlive their deadline by more than Grace.
func (st *dispatch) wait(w *waiter) {
	done := st.ctx.Done()
	cancelled := time.Duration(-1) // when ctx was done
	// A worker that finished the last job before w was stored did not
	// signal: look before sleeping.
	for st.pending.Load() != 0 {
		if done == nil {
			<-w.wake
		} else {
			select {
			case <-w.wake:
			case <-done:
				done, cancelled = nil, time.Since(st.t0)
			}
		}
		if st.pending.Load() == 0 {
			return
		}
		w.timer.Reset(st.abandon(cancelled))
	}
}

// abandon gives up the calls that are overdue and returns how long until
// the next may be.
func (st *dispatch) abandon(cancelled time.Duration) time.Duration {
	now := time.Since(st.t0)
	next := now + st.timeout + st.grace // a call starting now
	for q := range st.nq {
		i := int(st.queue[q])
		j := &st.jobs[i]
		start := j.flight.Load()
		if start < 0 {
			continue
		}
		due := min(time.Duration(start)+st.timeout, st.pdl)
		if cancelled >= 0 {
			due = min(due, max(cancelled, time.Duration(start)))
		}
		due += st.grace
		if now < due {
			next = min(next, due)
			continue
		}
		if j.flight.CompareAndSwap(start, abandoned) {
			st.abandonJob(i, time.Duration(start), now)
		}
	}
	return max(next-now, time.Millisecond)
}

// abandonJob fails job i, whose call in flight since start the caller's
// goroutine took over: the worker stuck in it touches nothing more.
func (st *dispatch) abandonJob(i int, start, now time.Duration) {
	j := &st.jobs[i]
	e := &st.entries[i]
	ch := e.Channel
	if j.sub {
		ch = ChannelSMS
	}
	if j.actx.Err() == nil { // it is due: its parent or deadline ended it
		j.actx.end(deadline)
	}
	aerr := fmt.Errorf("%w: %w", ErrAbandoned, j.actx.Err())
	e.Attempts = append(e.Attempts, Attempt{Channel: ch, Start: st.t0.Add(start), Duration: now - start, Err: aerr})
	st.log(i, len(e.Attempts))
	e.Err = fmt.Errorf("notify: %v: %w", ch, aerr)
	if j.sub {
		e.Err = errors.Join(j.prior, fmt.Errorf("notify: substitute: %w", e.Err))
	}
	e.Outcome, e.Via = Failed, 0
	e.Started, e.Duration = st.t0.Add(j.begin), now-j.begin
	st.workers.Add(-1)
	st.pending.Add(-1)
	// The stuck worker held a place; jobs may wait for one.
	st.spawn()
}

// spawn starts a helper if jobs wait, fewer than MaxConcurrency workers
// run, and no helper is on its way already.
func (st *dispatch) spawn() {
	if st.helper.Load() || st.next.Load() >= st.nq {
		return
	}
	for n := st.workers.Load(); n < st.limit; n = st.workers.Load() {
		if st.workers.CompareAndSwap(n, n+1) {
			st.helper.Store(true)
			st.refs.Add(1)
			go st.help()
			return
		}
	}
}

// help is the body of a helper.
func (st *dispatch) help() {
	st.helper.Store(false)
	st.work(true)
}

// log logs attempt n of entry i: channel, key, masked recipient, never
// content.
func (st *dispatch) log(i, n int) {
	l := st.d.Options.Logger
	if l == nil {
		return
	}
	e := &st.entries[i]
	a := e.Attempts[n-1]
	level, msg := slog.LevelDebug, "notify: sent"
	if a.Err != nil {
		level, msg = slog.LevelWarn, "notify: attempt failed"
	}
	if !l.Enabled(st.ctx, level) {
		return
	}
	key, to := e.Key, st.recipient(e.Channel)
	if a.Channel != e.Channel { // the substitute
		key, to = st.b.AlimTalk.Substitute.Key, st.b.AlimTalk.Substitute.To
	}
	attrs := []slog.Attr{
		slog.String("channel", a.Channel.String()),
		slog.String("key", key),
		slog.String("to", maskRecipient(to)),
		slog.Int("attempt", n),
		slog.Duration("duration", a.Duration),
	}
	if a.Err != nil {
		attrs = append(attrs, slog.String("error", a.Err.Error()), slog.Bool("permanent", IsPermanent(a.Err)))
	}
	l.LogAttrs(st.ctx, level, msg, attrs...)
}

// recipient returns the recipient of the message of channel c.
func (st *dispatch) recipient(c Channel) string {
	switch c {
	case ChannelAlimTalk:
		return st.b.AlimTalk.To
	case ChannelSMS:
		return st.b.SMS.To
	case ChannelEmail:
		return st.b.Email.To
	}
	return st.b.Push.To
}
