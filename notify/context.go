package notify

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// An attemptCtx is the context of one call of a sender: the caller's
// context with the attempt's deadline. It behaves as
//
//	ctx, cancel := context.WithTimeout(parent, timeout)
//	defer cancel()
//
// would, but costs nothing until a sender asks for Done: only then does it
// make its channel, arm a timer for its deadline and watch the parent. Most
// senders hand the context to an HTTP client, which asks; a sender that
// returns at once does not, and then an attempt costs a few nanoseconds
// instead of a context.WithTimeout's timer and four allocations. It is safe
// for concurrent use.
//
// After the call, release cancels it with [context.Canceled], as the
// deferred cancel would, so a sender that kept it sees it done.
type attemptCtx struct {
	parent context.Context
	base   *time.Time    // the dispatch's start
	dl     time.Duration // the deadline, as an offset from base
	why    atomic.Uint32 // why it is done: one of the constants below
	lazy   atomic.Pointer[ctxDone]
}

// Why an attemptCtx is done.
const (
	notDone uint32 = iota
	released
	deadline
	parentDone
)

// ctxDone is the part of an attemptCtx that Done makes.
type ctxDone struct {
	ch     chan struct{}
	mu     sync.Mutex
	closed bool
	timer  *time.Timer // ends the context at its deadline
	stop   func() bool // stops watching the parent
}

func (c *attemptCtx) Deadline() (time.Time, bool) { return c.base.Add(c.dl), true }

func (c *attemptCtx) Value(key any) any { return c.parent.Value(key) }

func (c *attemptCtx) Err() error {
	if c.why.Load() == notDone {
		if c.parent.Err() != nil {
			c.end(parentDone)
		} else if time.Since(*c.base) >= c.dl {
			c.end(deadline)
		}
	}
	switch c.why.Load() {
	case released:
		return context.Canceled
	case deadline:
		return context.DeadlineExceeded
	case parentDone:
		return c.parent.Err()
	}
	return nil
}

func (c *attemptCtx) Done() <-chan struct{} {
	if d := c.lazy.Load(); d != nil {
		return d.ch
	}
	d := &ctxDone{ch: make(chan struct{})}
	if !c.lazy.CompareAndSwap(nil, d) {
		return c.lazy.Load().ch
	}
	if c.Err() != nil {
		d.close()
		return d.ch
	}
	d.mu.Lock()
	if !d.closed {
		d.timer = time.AfterFunc(c.dl-time.Since(*c.base), func() { c.end(deadline) })
		if c.parent.Done() != nil {
			d.stop = context.AfterFunc(c.parent, func() { c.end(parentDone) })
		}
	}
	d.mu.Unlock()
	return d.ch
}

func (c *attemptCtx) String() string { return "notify.attemptContext" }

// end makes c done for the reason why, unless it is done already.
func (c *attemptCtx) end(why uint32) {
	if c.why.CompareAndSwap(notDone, why) {
		if d := c.lazy.Load(); d != nil {
			d.close()
		}
	}
}

func (d *ctxDone) close() {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	d.closed = true
	close(d.ch)
	if d.timer != nil {
		d.timer.Stop()
	}
	if d.stop != nil {
		d.stop()
	}
}

// release ends the attempt: c is done from now on.
func (c *attemptCtx) release() { c.end(released) }
