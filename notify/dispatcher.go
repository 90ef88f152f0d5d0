package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"
)

// Options configure a [Dispatcher]. The zero value is a sensible default for
// every field.
type Options struct {
	// MaxAttempts is how many times a message is tried before it fails,
	// counting the first. Zero means 3.
	MaxAttempts int
	// AttemptTimeout bounds each call of a sender, inside the caller's
	// context. Zero means 10 seconds.
	AttemptTimeout time.Duration
	// Grace is how long past an attempt's deadline the dispatcher still
	// waits for a sender that has not returned, before it abandons the call
	// ([ErrAbandoned]). Zero means 100 milliseconds.
	Grace time.Duration
	// MinBackoff and MaxBackoff bound the wait between attempts: it starts
	// at MinBackoff, doubles after every attempt, never exceeds
	// MaxBackoff, and is jittered. Zero means 200 milliseconds and 5
	// seconds. A rate limit waits at least its retry-after, even past
	// MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// MaxConcurrency is how many messages are sent at the same time. Zero
	// means all of them.
	MaxConcurrency int
	// Logger receives an event per attempt: the channel, the idempotency
	// key, the masked recipient, the attempt number, its duration and
	// error. Nil means no logging. The dispatcher never logs message
	// content; a sender's own error strings are logged as they are.
	Logger *slog.Logger
	// Wait waits d between attempts, or returns ctx's error if ctx is done
	// first. Nil means a timer. Tests set it so they never sleep.
	Wait func(ctx context.Context, d time.Duration) error
	// Jitter returns the wait for a nominal backoff d. Nil means "equal
	// jitter": a uniform random duration in [d/2, d].
	Jitter func(d time.Duration) time.Duration
}

func (o *Options) maxAttempts() int {
	if o.MaxAttempts > 0 {
		return o.MaxAttempts
	}
	return 3
}

func (o *Options) attemptTimeout() time.Duration {
	if o.AttemptTimeout > 0 {
		return o.AttemptTimeout
	}
	return 10 * time.Second
}

func (o *Options) grace() time.Duration {
	if o.Grace > 0 {
		return o.Grace
	}
	return 100 * time.Millisecond
}

// backoff returns the wait after the n-th failed attempt.
func (o *Options) backoff(n int) time.Duration {
	lo, hi := o.MinBackoff, o.MaxBackoff
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

// job is one message to send: its channel and how to send it.
type job struct {
	channel Channel
	key, to string
	valid   error
	send    func(context.Context) error // nil: no sender
	sub     *job                        // an AlimTalk's substitute
}

// Dispatch sends every message of b and returns a report with one entry per
// message. It returns when every message has its outcome.
//
// Messages of different channels are sent concurrently, at most
// MaxConcurrency at a time. An invalid message fails without calling its
// sender; a message without a sender is skipped. Each attempt runs with its
// own timeout inside ctx; a transient failure is retried with capped
// exponential backoff and jitter, a rate limit waits at least its
// retry-after, a permanent failure ([Permanent]) is never retried, and
// nothing is retried once ctx is done. A sender that panics fails its
// message with a [*PanicError], and the process goes on.
//
// An AlimTalk that fails permanently, is refused by its recipient, is
// invalid or has no sender goes out as its Substitute SMS through the SMS
// sender; the entry then says [DeliveredBySubstitute]. A panic or an
// abandoned call gives no substitute: the AlimTalk may have gone through,
// and the customer must get one message, not two.
//
// Goroutines: Dispatch starts one goroutine per message and one per
// attempt, and every one of them has ended when it returns, except the
// call of a sender that ignores its context: the dispatcher abandons it at
// its deadline plus Grace ([ErrAbandoned]) and it keeps running inside the
// host's sender until that returns.
func (d *Dispatcher) Dispatch(ctx context.Context, b Batch) Report {
	var jobs [4]job
	n := 0
	if m := b.AlimTalk; m != nil {
		j := job{channel: ChannelAlimTalk, key: m.Key, to: m.To, valid: m.Validate()}
		if d.Senders.AlimTalk != nil {
			msg, s := *m, d.Senders.AlimTalk
			j.send = func(ctx context.Context) error { return s.SendAlimTalk(ctx, msg) }
		}
		if m.Substitute != nil {
			sub := d.smsJob(m.Substitute)
			j.sub = &sub
		}
		jobs[n] = j
		n++
	}
	if m := b.SMS; m != nil {
		jobs[n] = d.smsJob(m)
		n++
	}
	if m := b.Email; m != nil {
		j := job{channel: ChannelEmail, key: m.Key, to: m.To, valid: m.Validate()}
		if d.Senders.Email != nil {
			msg, s := *m, d.Senders.Email
			j.send = func(ctx context.Context) error { return s.SendEmail(ctx, msg) }
		}
		jobs[n] = j
		n++
	}
	if m := b.Push; m != nil {
		j := job{channel: ChannelPush, key: m.Key, to: m.To, valid: m.Validate()}
		if d.Senders.Push != nil {
			msg, s := *m, d.Senders.Push
			j.send = func(ctx context.Context) error { return s.SendPush(ctx, msg) }
		}
		jobs[n] = j
		n++
	}
	r := Report{Entries: make([]Entry, n)}
	if n == 0 {
		return r
	}
	limit := d.Options.MaxConcurrency
	if limit <= 0 || limit > n {
		limit = n
	}
	if limit == 1 {
		for i := range n {
			r.Entries[i] = d.run(ctx, &jobs[i], nil)
		}
		return r
	}
	// Attempts of every message start in one backing array; a message
	// retried beyond its slot gets its own.
	attempts := make([]Attempt, n)
	var sem chan struct{}
	if limit < n {
		sem = make(chan struct{}, limit)
	}
	acquire := func() {
		if sem != nil {
			sem <- struct{}{}
		}
	}
	release := func() {
		if sem != nil {
			<-sem
		}
	}
	var wg sync.WaitGroup
	for i := 1; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			acquire()
			defer release()
			r.Entries[i] = d.run(ctx, &jobs[i], attempts[i:i:i+1])
		}()
	}
	acquire()
	r.Entries[0] = d.run(ctx, &jobs[0], attempts[0:0:1])
	release()
	wg.Wait()
	return r
}

func (d *Dispatcher) smsJob(m *SMS) job {
	j := job{channel: ChannelSMS, key: m.Key, to: m.To, valid: m.Validate()}
	if d.Senders.SMS != nil {
		msg, s := *m, d.Senders.SMS
		j.send = func(ctx context.Context) error { return s.SendSMS(ctx, msg) }
	}
	return j
}

// run sends one message and its substitute, if it needs one.
//
// atts is where the attempts go: an empty slice with room for the first.
func (d *Dispatcher) run(ctx context.Context, j *job, atts []Attempt) Entry {
	start := time.Now()
	e := Entry{Channel: j.channel, Key: j.key}
	var err error
	switch {
	case j.valid != nil:
		err = j.valid
	case j.send == nil:
		err = fmt.Errorf("notify: %v: %w", j.channel, ErrNoSender)
	default:
		e.Attempts, err = d.try(ctx, j, atts)
	}
	if err == nil {
		e.Outcome, e.Via = Delivered, j.channel
		e.Duration = time.Since(start)
		return e
	}
	if j.sub != nil && substitutable(err) && j.sub.valid == nil && j.sub.send != nil && ctx.Err() == nil {
		var subErr error
		e.Attempts, subErr = d.try(ctx, j.sub, e.Attempts)
		if subErr == nil {
			e.Outcome, e.Via = DeliveredBySubstitute, ChannelSMS
			e.Duration = time.Since(start)
			return e
		}
		err = errors.Join(err, fmt.Errorf("notify: substitute: %w", subErr))
	} else if j.sub != nil && substitutable(err) {
		switch {
		case j.sub.valid != nil:
			err = errors.Join(err, fmt.Errorf("notify: substitute: %w", j.sub.valid))
		case j.sub.send == nil:
			err = errors.Join(err, fmt.Errorf("notify: substitute: %w", ErrNoSender))
		}
	}
	e.Outcome, e.Err = Failed, err
	// Nothing could be sent at all: no sender for the message, nor for its
	// substitute.
	if j.valid == nil && j.send == nil && (j.sub == nil || (j.sub.valid == nil && j.sub.send == nil)) {
		e.Outcome = Skipped
	}
	e.Duration = time.Since(start)
	return e
}

// substitutable reports whether a failed AlimTalk certainly did not reach
// the customer, so its substitute may go.
func substitutable(err error) bool {
	if errors.Is(err, ErrAbandoned) || errors.Is(err, ErrSenderPanicked) {
		return false
	}
	return IsPermanent(err) || errors.Is(err, ErrNoSender) || errors.Is(err, ErrNoRecipient) ||
		errors.Is(err, ErrNoContent) || errors.Is(err, ErrTooLong) || errors.Is(err, ErrTooManyButtons) ||
		errors.Is(err, ErrNoTemplate) || errors.Is(err, ErrBadButton)
}

// try calls j's sender until it succeeds, fails permanently, runs out of
// attempts, or ctx is done. The error names the channel.
func (d *Dispatcher) try(ctx context.Context, j *job, atts []Attempt) ([]Attempt, error) {
	o := &d.Options
	max := o.maxAttempts()
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return atts, fmt.Errorf("notify: %v: %w", j.channel, err)
		}
		start := time.Now()
		err := d.once(ctx, j.send)
		atts = append(atts, Attempt{Channel: j.channel, Start: start, Duration: time.Since(start), Err: err})
		d.log(ctx, j, n, atts[len(atts)-1])
		if err == nil {
			return atts, nil
		}
		err = fmt.Errorf("notify: %v: %w", j.channel, err)
		if n >= max || IsPermanent(err) || errors.Is(err, ErrAbandoned) || errors.Is(err, ErrSenderPanicked) {
			return atts, err
		}
		if cerr := ctx.Err(); cerr != nil {
			return atts, errors.Join(err, fmt.Errorf("notify: %v: not retried: %w", j.channel, cerr))
		}
		wait := o.backoff(n)
		if ra, ok := RetryAfter(err); ok && ra > wait {
			wait = ra
		}
		if werr := o.wait(ctx, wait); werr != nil {
			return atts, errors.Join(err, fmt.Errorf("notify: %v: retry: %w", j.channel, werr))
		}
	}
}

// once makes one attempt with its own timeout, recovering a panic and
// abandoning a call that outlives its deadline by more than Grace.
func (d *Dispatcher) once(ctx context.Context, send func(context.Context) error) error {
	actx, cancel := context.WithTimeout(ctx, d.Options.attemptTimeout())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if v := recover(); v != nil {
				done <- &PanicError{Type: fmt.Sprintf("%T", v)}
			}
		}()
		done <- send(actx)
	}()
	select {
	case err := <-done:
		return err
	case <-actx.Done():
	}
	t := time.NewTimer(d.Options.grace())
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return fmt.Errorf("%w: %w", ErrAbandoned, actx.Err())
	}
}

func (d *Dispatcher) log(ctx context.Context, j *job, n int, a Attempt) {
	l := d.Options.Logger
	if l == nil {
		return
	}
	level, msg := slog.LevelDebug, "notify: sent"
	if a.Err != nil {
		level, msg = slog.LevelWarn, "notify: attempt failed"
	}
	if !l.Enabled(ctx, level) {
		return
	}
	attrs := []slog.Attr{
		slog.String("channel", a.Channel.String()),
		slog.String("key", j.key),
		slog.String("to", maskRecipient(j.to)),
		slog.Int("attempt", n),
		slog.Duration("duration", a.Duration),
	}
	if a.Err != nil {
		attrs = append(attrs, slog.String("error", a.Err.Error()), slog.Bool("permanent", IsPermanent(a.Err)))
	}
	l.LogAttrs(ctx, level, msg, attrs...)
}
