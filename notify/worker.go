package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// This file is the workers' side of a dispatch: the goroutines that call
// the senders. Its functions keep their frames small: a goroutine starts
// with a small stack, and growing it costs more than the rest of a dispatch
// to senders that return at once. Cold paths are functions of their own.

// work claims jobs until none is left. A helper starts the next helper
// whenever it takes a job while others wait, so that if its sender takes a
// while, the next job does not wait for it.
func (st *dispatch) work(helper bool) {
	w := worker{st: st}
	defer w.exit()
	for {
		q := st.next.Add(1) - 1
		if q >= st.nq {
			st.workers.Add(-1)
			break
		}
		if helper && q+1 < st.nq {
			st.spawn()
		}
		w.job = st.queue[q]
		if !st.runJob(&w, int(w.job)) {
			// Abandoned: the caller's goroutine has taken over the job
			// and the worker's place.
			break
		}
	}
	w.st = nil // done: exit has nothing to do
	st.release()
}

// A worker reads the clock for a goroutine sending jobs; one reading ends
// an attempt and starts the next when nothing happens in between.
type worker struct {
	st    *dispatch // nil once work returns
	last  time.Duration
	fresh bool
	job   uint8 // the job being sent
}

// exit runs as the worker's goroutine ends. After work returned it does
// nothing. A panic goes on. Otherwise runtime.Goexit is ending the
// goroutine in the middle of a job: see goexit.
func (w *worker) exit() {
	if w.st == nil {
		return
	}
	if v := recover(); v != nil {
		panic(v)
	}
	w.st.goexit(w)
}

func (w *worker) now() time.Duration {
	if !w.fresh {
		w.read()
	}
	return w.last
}

func (w *worker) read() time.Duration {
	w.last, w.fresh = time.Since(w.st.t0), true
	return w.last
}

// runJob sends job i, and its substitute if it needs one, and writes its
// entry. It reports false if a call was abandoned: the job is no longer the
// worker's.
func (st *dispatch) runJob(w *worker, i int) bool {
	j := &st.jobs[i]
	j.begin = w.now()
	if j.subOnly {
		return st.fallback(w, i, j.prior)
	}
	err, ok := st.try(w, i, false)
	if !ok {
		return false
	}
	if err != nil {
		return st.fallback(w, i, err)
	}
	st.finish(w, i, Delivered, st.entries[i].Channel, nil)
	return true
}

// goexit ends the job of worker w, whose goroutine runtime.Goexit is
// ending: its sender called it, as t.FailNow does in a test's sender, or
// Options.Wait, Options.Jitter or the Logger's handler did. The job fails
// at once, rather than when its call is abandoned, without a retry or a
// substitute (a sender that exited may have sent it), and a helper takes
// the worker's place for the jobs still waiting.
func (st *dispatch) goexit(w *worker) {
	i := int(w.job)
	j := &st.jobs[i]
	start := j.flight.Load()
	if start == abandoned || start >= 0 && !j.flight.CompareAndSwap(start, idle) {
		// The caller's goroutine owns the job, and took the worker's
		// place.
		st.release()
		return
	}
	e := &st.entries[i]
	ch := e.Channel
	if j.sub {
		ch = ChannelSMS
	}
	outcome, via := Failed, Channel(0)
	var err error
	switch n := len(e.Attempts); {
	case start >= 0: // in the sender
		j.actx.release()
		d := time.Since(st.t0) - time.Duration(start)
		e.Attempts = append(e.Attempts, Attempt{Channel: ch, Start: st.t0.Add(time.Duration(start)), Duration: d, Err: ErrSenderExited})
		err = fmt.Errorf("notify: %v: %w", ch, ErrSenderExited)
	case n > 0 && e.Attempts[n-1].Err == nil:
		// The Logger's handler exited as it logged the attempt that
		// delivered the message.
		outcome, via = Delivered, ch
		if j.sub {
			outcome = DeliveredBySubstitute
		}
	default:
		// Not in the sender, which returned: the Logger may be the one
		// that exited, so it is not called again.
		err = fmt.Errorf("notify: %v: Options.Wait, Options.Jitter or the Logger's handler exited its goroutine (runtime.Goexit)", ch)
		if n > 0 {
			err = errors.Join(fmt.Errorf("notify: %v: %w", ch, e.Attempts[n-1].Err), err)
		}
	}
	if j.sub && err != nil {
		err = errors.Join(j.prior, fmt.Errorf("notify: substitute: %w", err))
	}
	st.workers.Add(-1)
	st.spawn()
	w.fresh = false
	// The Logger's handler may end the goroutine again as it logs the
	// attempt in the sender: the job ends all the same.
	defer st.release()
	defer st.finish(w, i, outcome, via, err)
	if start >= 0 {
		st.log(i, len(e.Attempts))
	}
}

// fallback ends job i, whose message failed with err: an AlimTalk's
// substitute goes out if it may.
//
//go:noinline
func (st *dispatch) fallback(w *worker, i int, err error) bool {
	if st.entries[i].Channel == ChannelAlimTalk && st.b.AlimTalk.Substitute != nil && substitutable(err) {
		switch {
		case !undelivered(st.entries[i].Attempts):
			err = errors.Join(err, errMayHaveDelivered)
		case st.senders.SMS == nil:
			err = errors.Join(err, fmt.Errorf("notify: substitute: %w", noSender(ChannelSMS)))
		default:
			st.jobs[i].prior = err
			subErr, ok := st.try(w, i, true)
			if !ok {
				return false
			}
			if subErr == nil {
				st.finish(w, i, DeliveredBySubstitute, ChannelSMS, nil)
				return true
			}
			err = errors.Join(err, fmt.Errorf("notify: substitute: %w", subErr))
		}
	}
	st.finish(w, i, Failed, 0, err)
	return true
}

// errMayHaveDelivered says why an AlimTalk that failed permanently in the
// end got no substitute.
var errMayHaveDelivered = errors.New("notify: alimtalk: no substitute: an earlier attempt may have delivered it")

// substitutable reports whether an AlimTalk that failed with err cannot go:
// it failed permanently, is invalid, or has no sender. Its substitute may
// go if, besides, none of its attempts may have delivered it (undelivered).
func substitutable(err error) bool {
	if errors.Is(err, ErrAbandoned) || errors.Is(err, ErrSenderPanicked) {
		return false
	}
	return IsPermanent(err) || errors.Is(err, ErrNoSender) || invalid(err)
}

// undelivered reports whether every one of the failed attempts atts
// certainly did not deliver its message: the provider refused it
// permanently ([Permanent], [ErrRecipientRefused]) or rate-limited it, or
// it was invalid. Any other failure may have reached the customer: a
// transient error or a timeout looks the same whether or not the provider
// took the request, and a sender that panicked or was abandoned may have
// sent it. So an AlimTalk that timed out and whose retry the provider then
// refused as a duplicate of the request it delivered gets no substitute.
// An error that wraps the context's is a call cut off, whatever else it
// says: a sender that marks every error permanent does not make it certain.
func undelivered(atts []Attempt) bool {
	for _, a := range atts {
		if errors.Is(a.Err, ErrAbandoned) || errors.Is(a.Err, ErrSenderPanicked) || contextError(a.Err) ||
			!(IsPermanent(a.Err) || IsRateLimited(a.Err) || invalid(a.Err)) {
			return false
		}
	}
	return true
}

// contextError reports whether err wraps a context's error.
func contextError(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// invalid reports whether err says the message is invalid.
func invalid(err error) bool {
	return errors.Is(err, ErrNoRecipient) || errors.Is(err, ErrNoContent) || errors.Is(err, ErrTooLong) ||
		errors.Is(err, ErrTooManyButtons) || errors.Is(err, ErrNoTemplate) || errors.Is(err, ErrBadButton)
}

// finish writes the outcome of job i and wakes the caller's goroutine if it
// was the last.
func (st *dispatch) finish(w *worker, i int, o Outcome, via Channel, err error) {
	j := &st.jobs[i]
	e := &st.entries[i]
	e.Outcome, e.Via, e.Err = o, via, err
	if o == DeliveredBySubstitute {
		e.SubstitutedFor = j.prior
	}
	e.Started, e.Duration = st.t0.Add(j.begin), w.now()-j.begin
	if st.pending.Add(-1) == 0 {
		if wt := st.w.Load(); wt != nil {
			wt.signal()
		}
	}
}

// try calls job i's sender, or its substitute's, until it succeeds, fails
// permanently, runs out of attempts, or ctx is done. The error names the
// channel. It reports false if a call was abandoned.
//
// No attempt starts at or past ctx's deadline, even before ctx's own timer
// has marked it done: a sender given a context already done refuses the
// call, and that refusal would read as a failure that may have delivered
// the message, hiding the rate limit that came before it.
func (st *dispatch) try(w *worker, i int, sub bool) (error, bool) {
	var last error // the previous attempt's, as retry words it
	for n := 1; ; n++ {
		if st.ctx.Err() != nil || w.now() >= st.pdl {
			return errors.Join(last, st.notSent(i, sub)), true
		}
		err, ok := st.attempt(w, i, sub)
		if !ok {
			return nil, false
		}
		if err == nil {
			return nil, true
		}
		var stop bool
		if last, stop = st.retry(w, i, sub, n, err); stop {
			return last, true
		}
	}
}

// attempt makes one call of job i's sender, or its substitute's, and
// appends it to the entry's attempts. It reports false if the call was
// abandoned.
func (st *dispatch) attempt(w *worker, i int, sub bool) (error, bool) {
	j := &st.jobs[i]
	start := w.now()
	c := &st.ctxs[i]
	if j.ctxUsed {
		c = new(attemptCtx)
	}
	j.ctxUsed = true
	c.parent, c.base, c.dl = st.ctx, st.base, min(start+st.timeout, st.pdl)
	j.actx, j.sub = c, sub
	j.flight.Store(int64(start))
	err := st.call(i, sub, c)
	end := w.read()
	if !j.flight.CompareAndSwap(int64(start), idle) {
		return nil, false
	}
	c.release()
	e := &st.entries[i]
	ch := e.Channel
	if sub {
		ch = ChannelSMS
	}
	e.Attempts = append(e.Attempts, Attempt{Channel: ch, Start: st.t0.Add(start), Duration: end - start, Err: err})
	if st.d.Options.Logger != nil {
		st.log(i, len(e.Attempts))
		w.fresh = false
	}
	return err, true
}

// notSent is the error of job i when ctx ended, or reached its deadline,
// before its next attempt.
//
//go:noinline
func (st *dispatch) notSent(i int, sub bool) error {
	ch := st.entries[i].Channel
	if sub {
		ch = ChannelSMS
	}
	err := st.ctx.Err()
	if err == nil {
		err = context.DeadlineExceeded // the deadline has passed; ctx's timer has yet to say so
	}
	return fmt.Errorf("notify: %v: %w", ch, err)
}

// retry decides what follows the failed attempt n of job i, and waits
// before the next one. It returns the attempt's error naming the channel,
// and reports stop, with the reason joined to that error, if there is no
// next one. A wait that would end at or past ctx's deadline is not waited:
// the attempt after it could not be made.
//
//go:noinline
func (st *dispatch) retry(w *worker, i int, sub bool, n int, err error) (error, bool) {
	ch := st.entries[i].Channel
	if sub {
		ch = ChannelSMS
	}
	o := &st.d.Options
	err = fmt.Errorf("notify: %v: %w", ch, err)
	if n >= o.maxAttempts() || IsPermanent(err) || errors.Is(err, ErrSenderPanicked) {
		return err, true
	}
	if cerr := st.ctx.Err(); cerr != nil {
		return errors.Join(err, fmt.Errorf("notify: %v: not retried: %w", ch, cerr)), true
	}
	wait := o.backoff(n)
	if ra, ok := RetryAfter(err); ok {
		if limit := o.maxRetryAfter(); ra > limit {
			return errors.Join(err, fmt.Errorf("notify: %v: not retried: the retry-after is over Options.MaxRetryAfter, %v", ch, limit)), true
		}
		wait = max(wait, ra)
	}
	if wait >= st.pdl-w.read() {
		return errors.Join(err, fmt.Errorf("notify: %v: not retried: the wait, %v, outlasts the context: %w", ch, wait, context.DeadlineExceeded)), true
	}
	werr := o.wait(st.ctx, wait)
	w.fresh = false
	if werr != nil {
		return errors.Join(err, fmt.Errorf("notify: %v: retry: %w", ch, werr)), true
	}
	return err, false
}

// call makes one call of job i's sender, or its substitute's, recovering a
// panic.
func (st *dispatch) call(i int, sub bool, ctx context.Context) (err error) {
	defer recoverPanic(&err)
	return usableError(st.send(i, sub, ctx))
}

// send calls the sender of entry i, or of its substitute.
func (st *dispatch) send(i int, sub bool, ctx context.Context) error {
	s := &st.senders
	switch st.entries[i].Channel {
	case ChannelAlimTalk:
		if sub {
			return s.SMS.SendSMS(ctx, *st.b.AlimTalk.Substitute)
		}
		return s.AlimTalk.SendAlimTalk(ctx, *st.b.AlimTalk)
	case ChannelSMS:
		return s.SMS.SendSMS(ctx, *st.b.SMS)
	case ChannelEmail:
		return s.Email.SendEmail(ctx, *st.b.Email)
	default:
		return s.Push.SendPush(ctx, *st.b.Push)
	}
}

// usableError returns err, a sender's, or, if reading it panics (its Error
// or Unwrap method dereferences a nil pointer: a sender that returned a nil
// *T as its error, the classic typed nil), an error that says so. The
// dispatcher reads every error to classify and log it; read so, such an
// error would crash the process. It may hide a message that went, so it is
// transient.
func usableError(err error) (out error) {
	if err == nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			out = fmt.Errorf("notify: the sender returned a %T whose methods panic (a nil pointer as a non-nil error?)", err)
		}
	}()
	_ = err.Error()
	_ = errors.Is(err, context.Canceled) // walks the chain, calling every Unwrap
	return err
}

// recoverPanic turns a sender's panic into a [*PanicError] that records the
// panic value's type only: the value may hold the message.
func recoverPanic(err *error) {
	if v := recover(); v != nil {
		*err = &PanicError{Type: fmt.Sprintf("%T", v)}
	}
}
