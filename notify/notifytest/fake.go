// Package notifytest helps hosts test code that sends through [notify]: it
// has recording fakes for every channel with programmable faults, and a
// conformance suite a host runs against its own senders, in the spirit of
// testing/slogtest.
//
// # Fakes
//
// [SMS], [AlimTalk], [Email] and [Push] implement the sender of their
// channel, record a copy of every message they accept ([Fake.Sent],
// [Fake.Calls]), and fail on command: a number of times then succeed
// ([Fake.FailTimes]), always ([Fake.FailAlways]), with a rate limit
// ([Fake.RateLimit]), by hanging until the context ends ([Fake.Hang]) or
// ignoring it until released ([Fake.HangIgnoringContext], [Fake.Release]),
// or by panicking ([Fake.Panic]). [NewSenders] wires a set of them into
// [notify.Senders]. Every fake is safe for concurrent use, and refuses a
// call whose context is done, as a real sender must.
//
// # Conformance
//
// [CheckSMSSender] and its siblings check a host's sender against the rules
// the dispatcher relies on (it honours a cancelled context and a deadline,
// before a call and, given a way to make a call block
// ([Conformance.Blocking]), during one, is safe for concurrent use, leaves
// the message as it was, calls an invalid recipient a permanent failure, and
// keeps the recipient out of its error strings, which the dispatcher logs),
// and return every violation joined into one error. [RunSMSSender] and its
// siblings report them to a *testing.T. Run them under the race detector.
package notifytest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/followup-go/followup/notify"
)

// A Fake is a recording sender of messages of type M with programmable
// faults. Use it through [SMS], [AlimTalk], [Email] or [Push]. The zero value
// accepts every message. A Fake is safe for concurrent use.
type Fake[M any] struct {
	mu      sync.Mutex
	sent    []M
	calls   int
	script  []func(context.Context) error // consumed one per call
	always  func(context.Context) error   // after the script; nil: accept
	hook    func(context.Context) error
	release chan struct{}
	hanging bool // always is the hang of HangIgnoringContext
}

// Sent returns the messages the fake accepted, in order, in a new slice.
// Each is a copy the fake made as it accepted it (the sender's caller may
// reuse its own), but the maps and slices of the messages Sent returns are
// the fake's: read them, do not modify them.
func (f *Fake[M]) Sent() []M {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]M(nil), f.sent...)
}

// String describes the fake by its counts, never by the messages it
// recorded, which hold recipients and texts: fmt's %v, %+v, %s and %q print
// it, and so does slog's text handler. Read the messages with [Fake.Sent].
func (f *Fake[M]) String() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("notifytest.Fake[%T]{calls: %d, sent: %d}", *new(M), f.calls, len(f.sent))
}

// GoString is [Fake.String], for %#v.
func (f *Fake[M]) GoString() string { return f.String() }

// Calls returns how many times the fake was called, accepted or not.
func (f *Fake[M]) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}

// FailTimes makes the next n calls return err; later calls go on as before.
func (f *Fake[M]) FailTimes(n int, err error) {
	f.then(n, func(context.Context) error { return err })
}

// FailAlways makes every call return err, such as
// notify.Permanent(errors.New("invalid number")), once the calls
// [Fake.FailTimes] and [Fake.RateLimit] programmed are used up: FailTimes(1,
// a) then FailAlways(b) fails the next call with a and every later one
// with b.
func (f *Fake[M]) FailAlways(err error) {
	f.set(func(context.Context) error { return err })
}

// RateLimit makes the next n calls return a rate limit asking to wait
// retryAfter.
func (f *Fake[M]) RateLimit(n int, retryAfter time.Duration) {
	f.then(n, func(context.Context) error { return notify.RateLimited(nil, retryAfter) })
}

// Hang makes every call block until its context is done, then return the
// context's error, as a slow provider behind a well-written sender does;
// after the calls FailTimes and RateLimit programmed, as for FailAlways.
func (f *Fake[M]) Hang() {
	f.set(func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() })
}

// HangIgnoringContext makes every call block, whatever its context, until
// [Fake.Release] is called (after the calls FailTimes and RateLimit
// programmed, as for FailAlways). It plays a badly written sender that the
// dispatcher must abandon: a held call, once released, records its message
// as sent, though its context ended long before, as such a sender's
// provider would deliver it ([notify.ErrAbandoned] warns of this). Calls
// after Release accept again, unless a fault was programmed in the
// meantime. It returns Release, for a defer.
func (f *Fake[M]) HangIgnoringContext() (release func()) {
	f.mu.Lock()
	if f.release == nil {
		f.release = make(chan struct{})
	}
	ch := f.release
	f.always = func(context.Context) error { <-ch; return nil }
	f.hanging = true
	f.mu.Unlock()
	return f.Release
}

// Release ends the calls held by [Fake.HangIgnoringContext], and ends the
// hang: later calls accept again, unless a fault was programmed after
// HangIgnoringContext ([Fake.FailAlways], [Fake.Panic], [Fake.Hang]), which
// stays. It ends the hang even if no call came in the meantime, and does
// nothing if HangIgnoringContext is not in effect.
func (f *Fake[M]) Release() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.release != nil {
		close(f.release)
		f.release = nil
	}
	if f.hanging {
		f.always, f.hanging = nil, false
	}
}

// Panic makes every call panic with v, after the calls FailTimes and
// RateLimit programmed, as for FailAlways.
func (f *Fake[M]) Panic(v any) {
	f.set(func(context.Context) error { panic(v) })
}

// Reset makes the fake accept every call again, and ends the calls held by
// [Fake.HangIgnoringContext]; the record is kept.
func (f *Fake[M]) Reset() {
	f.Release()
	f.mu.Lock()
	f.script, f.always, f.hanging = nil, nil, false
	f.mu.Unlock()
}

// Hook runs fn at the start of every call, before any fault; a non-nil error
// from fn is the call's result. Tests use it to see calls as they happen.
func (f *Fake[M]) Hook(fn func(ctx context.Context) error) {
	f.mu.Lock()
	f.hook = fn
	f.mu.Unlock()
}

func (f *Fake[M]) then(n int, step func(context.Context) error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.script = append(f.script, step)
	}
}

func (f *Fake[M]) set(step func(context.Context) error) {
	f.mu.Lock()
	f.always, f.hanging = step, false
	f.mu.Unlock()
}

// send is the body of every fake sender: it refuses a done context, plays
// the next fault, and records an accepted message.
func (f *Fake[M]) send(ctx context.Context, m M, clone func(M) M) error {
	f.mu.Lock()
	f.calls++
	hook := f.hook
	// A call held by HangIgnoringContext goes on whatever its context.
	step, ignoreCtx := f.always, f.hanging
	if len(f.script) > 0 {
		step, f.script, ignoreCtx = f.script[0], f.script[1:], false
	}
	f.mu.Unlock()
	if hook != nil {
		if err := hook(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if step != nil {
		if err := step(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil && !ignoreCtx {
		return err
	}
	f.mu.Lock()
	f.sent = append(f.sent, clone(m))
	f.mu.Unlock()
	return nil
}

func same[M any](m M) M { return m }

// SMS is a fake [notify.SMSSender].
type SMS struct{ Fake[notify.SMS] }

// SendSMS records m, or fails as programmed.
func (s *SMS) SendSMS(ctx context.Context, m notify.SMS) error { return s.send(ctx, m, same) }

// AlimTalk is a fake [notify.AlimTalkSender].
type AlimTalk struct{ Fake[notify.AlimTalk] }

// SendAlimTalk records a copy of m, or fails as programmed.
func (s *AlimTalk) SendAlimTalk(ctx context.Context, m notify.AlimTalk) error {
	return s.send(ctx, m, notify.AlimTalk.Clone)
}

// Email is a fake [notify.EmailSender].
type Email struct{ Fake[notify.Email] }

// SendEmail records a copy of m, or fails as programmed.
func (s *Email) SendEmail(ctx context.Context, m notify.Email) error {
	return s.send(ctx, m, notify.Email.Clone)
}

// Push is a fake [notify.PushSender].
type Push struct{ Fake[notify.Push] }

// SendPush records a copy of m, or fails as programmed.
func (s *Push) SendPush(ctx context.Context, m notify.Push) error {
	return s.send(ctx, m, notify.Push.Clone)
}

// Fakes is one fake per channel.
type Fakes struct {
	AlimTalk *AlimTalk
	SMS      *SMS
	Email    *Email
	Push     *Push
}

// NewSenders returns a fake for every channel, and the [notify.Senders]
// that use them.
func NewSenders() (*Fakes, notify.Senders) {
	f := &Fakes{AlimTalk: new(AlimTalk), SMS: new(SMS), Email: new(Email), Push: new(Push)}
	return f, notify.Senders{AlimTalk: f.AlimTalk, SMS: f.SMS, Email: f.Email, Push: f.Push}
}
