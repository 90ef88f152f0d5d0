package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrCapReached is the error for a text message that a sending cap refuses.
// Every error [Cap.Check] and [Caps.Check] return for a full window wraps it,
// as a [*CapError] that says when to try again.
var ErrCapReached = errors.New("policy: send cap reached")

// ErrRecipientCapReached is the error for a text message refused by the
// per-recipient cap of [Caps]. The error wraps [ErrCapReached] too.
var ErrRecipientCapReached = errors.New("policy: per-recipient send cap reached")

// ErrWorkspaceCapReached is the error for a text message refused by the
// per-workspace cap of [Caps]. The error wraps [ErrCapReached] too.
var ErrWorkspaceCapReached = errors.New("policy: per-workspace send cap reached")

// ErrBadCap is returned for a [Cap] with a positive Max and a Window that is
// not positive or is longer than [MaxCapWindow], and for a cap whose JSON
// form does not parse.
var ErrBadCap = errors.New("policy: malformed send cap")

// MaxCapWindow is the longest Window a [Cap] may have. The host passes every
// send inside the window to [Cap.Check], so the window bounds the history the
// host must keep and read.
const MaxCapWindow = 31 * 24 * time.Hour

// Cap is a sending cap: at most Max messages in any Window ending now.
//
// A Cap with Max 0 or less, the zero Cap among them, enforces nothing on its
// own; inside [Caps] a Max of 0 means "not set, use the default" and a
// negative Max ([NoCap]) means no cap. A Cap with a positive Max needs a
// Window between 1ns and [MaxCapWindow].
//
// A Cap marshals to JSON as {"max":5,"window":"24h"}, the window in the form
// of [time.ParseDuration] without zero units.
type Cap struct {
	Max    int
	Window time.Duration
}

// NoCap returns a [Cap] that enforces nothing, for a field of [Caps] that
// should have no cap rather than the default. Any Cap with a negative Max
// means the same.
func NoCap() Cap { return Cap{Max: -1} }

// Validate reports [ErrBadCap] for a cap with a positive Max and a Window
// that is not positive or is longer than [MaxCapWindow], and for a negative
// Window.
func (c Cap) Validate() error {
	if c.Window < 0 || c.Window > MaxCapWindow || (c.Max > 0 && c.Window == 0) {
		return ErrBadCap
	}
	return nil
}

// String returns the cap as "5 per 24h", or "no cap" when Max is not
// positive.
func (c Cap) String() string {
	if c.Max <= 0 {
		return "no cap"
	}
	return fmt.Sprintf("%d per %s", c.Max, formatWindow(c.Window))
}

// Check reports whether one more message may be sent at now, given the times
// of the messages already sent in the cap's scope, in any order. It counts
// the times after now-Window: a time after now counts too (it was sent, with
// a clock ahead of now's, or is already scheduled), and leaves the window
// Window after it. A time exactly at now-Window has left the window.
//
// When the count has reached Max, Check returns a [*CapError] wrapping
// [ErrCapReached] whose RetryAt is when enough counted sends have left the
// window for one more to fit. It returns an error wrapping [ErrBadCap] for a
// cap that [Cap.Validate] refuses, and nil for a cap with Max 0 or less.
//
// Check neither modifies nor keeps sent, and does not allocate unless it
// refuses. It is a pure function of its arguments: it counts only what sent
// holds, so a nil or partial history reads as "nothing (more) was sent", and
// it reserves nothing, so two checks of the same history both pass. See
// [Caps] for what the caller must do to make a cap hold.
func (c Cap) Check(now time.Time, sent []time.Time) error {
	return c.check(now, sent, nil)
}

// check is Check with the sentinel that says which cap of Caps refused; the
// returned error is nil, not a nil *CapError, when the send is allowed.
func (c Cap) check(now time.Time, sent []time.Time, scope error) error {
	if c.Max <= 0 {
		return nil
	}
	if c.Validate() != nil {
		return ErrBadCap
	}
	edge := now.Add(-c.Window)
	n := 0
	for _, t := range sent {
		if t.After(edge) {
			n++
		}
	}
	if n < c.Max {
		return nil
	}
	oldest := kthAfter(edge, sent, n, n-c.Max+1)
	return &CapError{Max: c.Max, Window: c.Window, RetryAt: oldest.Add(c.Window), scope: scope}
}

// kthAfter returns the k-th earliest (from 1) of the n times in sent that
// are after edge. That is also the (n-k+1)-th latest, so it keeps the m
// earliest or the m latest times seen, m the smaller of the two ranks, in a
// heap whose top is the m-th: one pass over sent, and log m steps for a
// time that displaces the top. k is 1 when the cap was enforced all along,
// and n-k+1 is Max when it was overrun (instances racing, a lowered cap),
// so m is small either way, and the pass costs what counting did. It
// allocates the heap; Check calls it only to refuse, which allocates the
// error anyway.
func kthAfter(edge time.Time, sent []time.Time, n, k int) time.Time {
	latest := n-k+1 < k
	m := k
	if latest {
		m = n - k + 1
	}
	// outranks reports whether a is nearer the end the heap keeps than b:
	// earlier, or later when it keeps the latest.
	outranks := func(a, b time.Time) bool {
		if latest {
			return a.After(b)
		}
		return a.Before(b)
	}
	// h is a heap in which no parent outranks its children: h[0] is the
	// m-th.
	h := make([]time.Time, 0, m)
	for _, t := range sent {
		switch {
		case !t.After(edge):
		case len(h) < m:
			h = append(h, t)
			for i := len(h) - 1; i > 0; {
				p := (i - 1) / 2
				if !outranks(h[p], h[i]) {
					break
				}
				h[p], h[i] = h[i], h[p]
				i = p
			}
		case outranks(t, h[0]):
			h[0] = t
			for i := 0; ; {
				c := 2*i + 1
				if c >= m {
					break
				}
				if c+1 < m && outranks(h[c], h[c+1]) {
					c++
				}
				if !outranks(h[i], h[c]) {
					break
				}
				h[i], h[c] = h[c], h[i]
				i = c
			}
		}
	}
	return h[0]
}

// CapError is the error for a message a [Cap] refuses: the cap, and when a
// message would fit again. It wraps [ErrCapReached] and, when it comes from
// [Caps.Check], [ErrRecipientCapReached] or [ErrWorkspaceCapReached].
type CapError struct {
	// Max and Window are the cap that refused.
	Max    int
	Window time.Duration
	// RetryAt is when enough of the counted sends have left the window for
	// one more message to fit, if nothing else is sent meanwhile: the time of
	// the oldest counted send plus Window, when the count is exactly Max.
	RetryAt time.Time

	scope error // ErrRecipientCapReached, ErrWorkspaceCapReached or nil
}

// Error returns the sentinel's text with the cap and RetryAt in UTC, e.g.
// "policy: per-recipient send cap reached (5 per 24h); retry at
// 2026-11-24T09:00:00Z".
func (e *CapError) Error() string {
	what := ErrCapReached
	if e.scope != nil {
		what = e.scope
	}
	return fmt.Sprintf("%v (%d per %s); retry at %s", what, e.Max, formatWindow(e.Window), e.RetryAt.UTC().Format(time.RFC3339))
}

// Unwrap returns [ErrCapReached], and the per-recipient or per-workspace
// sentinel when there is one, for [errors.Is].
func (e *CapError) Unwrap() []error {
	if e.scope == nil {
		return []error{ErrCapReached}
	}
	return []error{ErrCapReached, e.scope}
}

// CapRetryAt returns the latest RetryAt of the [*CapError] values in err's
// tree, and whether there is one: the time at which every cap that refused
// has room again, so a host can defer the message until then. For an error
// from [Caps.Check] that reports both caps, that is the later of the two.
func CapRetryAt(err error) (time.Time, bool) {
	var latest time.Time
	found := false
	var walk func(error)
	walk = func(err error) {
		switch e := err.(type) {
		case nil:
			return
		case *CapError:
			if !found || e.RetryAt.After(latest) {
				latest, found = e.RetryAt, true
			}
		case interface{ Unwrap() error }:
			walk(e.Unwrap())
		case interface{ Unwrap() []error }:
			for _, inner := range e.Unwrap() {
				walk(inner)
			}
		}
	}
	walk(err)
	return latest, found
}

// capJSON is the JSON form of a Cap.
type capJSON struct {
	Max    int    `json:"max"`
	Window string `json:"window,omitempty"`
}

// MarshalJSON implements [json.Marshaler]: {"max":5,"window":"24h"}, the
// window left out when it is zero. It refuses a cap that [Cap.Validate]
// refuses.
func (c Cap) MarshalJSON() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	v := capJSON{Max: c.Max}
	if c.Window != 0 {
		v.Window = formatWindow(c.Window)
	}
	return json.Marshal(v)
}

// UnmarshalJSON implements [json.Unmarshaler]. The window is a string in the
// form of [time.ParseDuration] ("24h", "90m", "1h30m"); a missing window is
// zero. It returns [ErrBadCap] for anything else, and for a cap that
// [Cap.Validate] refuses. A JSON null leaves c unchanged.
func (c *Cap) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	var v capJSON
	if err := json.Unmarshal(data, &v); err != nil {
		return ErrBadCap
	}
	var w Cap
	w.Max = v.Max
	if v.Window != "" {
		if len(v.Window) > 32 {
			return ErrBadCap
		}
		d, err := time.ParseDuration(v.Window)
		if err != nil {
			return ErrBadCap
		}
		w.Window = d
	}
	if err := w.Validate(); err != nil {
		return err
	}
	*c = w
	return nil
}

// formatWindow writes d as time.Duration.String does, without zero minutes
// and seconds after a larger unit: "24h", "1h30m", "90s".
func formatWindow(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Caps are the two sending caps on text messages (AlimTalk and SMS), the
// second defence against SMS pumping after the [Geofence]: a cap on the
// texts to one phone number, and a cap on the texts the whole workspace
// sends.
//
// A field whose Max is 0, as in the zero Caps, takes its value from
// [DefaultCaps]; set it to [NoCap] (any negative Max) for no cap at all. So
// the zero Caps is the defaults, and settings stored before caps existed get
// them too.
//
// [Caps.Check] is a pure function over the history the caller passes; the
// package keeps no count of its own. A cap holds only if the caller:
//
//   - passes the complete history: every text sent to the number, and by the
//     workspace, within the window, from every process that sends for the
//     workspace. A nil or partial history reads as "nothing sent", and the
//     text is allowed.
//   - records or reserves each send before dispatching it, and makes
//     check-and-record one step, serialized per workspace and per recipient
//     (a transaction or row lock in the caller's store, a conditional insert,
//     an atomic counter). Check then send is not atomic: checks that run at
//     the same time, in goroutines or on other instances, see the same
//     history and all pass, so N of them can send N texts past a full cap.
//
// A send that was reserved and then failed may be released or kept; keeping
// it errs on the side of the cap.
//
// followup.Engine.Deliver checks the caps and sends in one call, without a
// reservation: its caps are exact only when the deliveries that share a
// history run one at a time (the followup README says how).
type Caps struct {
	// PerRecipient caps the texts to one phone number, across all of the
	// workspace's conversations.
	PerRecipient Cap `json:"perRecipient,omitzero"`
	// PerWorkspace caps the texts the whole workspace sends.
	PerWorkspace Cap `json:"perWorkspace,omitzero"`
}

// DefaultCaps returns the caps that apply where [Caps] leaves a field unset:
//
//   - 5 texts per phone number per 24 hours. A follow-up goes out once per
//     batch of agent replies while the customer is away; even a long support
//     exchange rarely needs more than a handful a day. More than that to
//     one number is spam to a real customer, or a number an attacker is
//     milking. A capped text is refused with the time it would fit again
//     ([CapError.RetryAt], [CapRetryAt]), so the caller can defer it rather
//     than drop it; the package defers nothing itself. Caps apply to text
//     only, not email, and the reply itself stays in the chat.
//   - 200 texts per workspace per hour. A busy desk of 20 agents answering
//     about ten chats an hour each, with a third of the customers away,
//     sends well under a hundred; an SMS-pumping script enters thousands of
//     numbers an hour. The hourly window bounds a spike's cost at 200 texts
//     an hour, while a workspace that really sends more raises the cap in
//     its settings. It bounds the rate, not the total: a caller that defers
//     the texts refused ([CapError.RetryAt]) sends them as room frees, so
//     such a caller also bounds how late a text may go (followup's
//     Options.CapWait), or a spike's backlog drains into paid texts for
//     hours after it.
//
// It is a function, not a variable, so that no one can change the defaults
// of every workspace in the process.
func DefaultCaps() Caps {
	return Caps{
		PerRecipient: Cap{Max: 5, Window: 24 * time.Hour},
		PerWorkspace: Cap{Max: 200, Window: time.Hour},
	}
}

// Effective returns the caps [Caps.Check] applies: c, with each field whose
// Max is 0 replaced by the one of [DefaultCaps].
func (c Caps) Effective() Caps {
	d := DefaultCaps()
	if c.PerRecipient.Max == 0 {
		c.PerRecipient = d.PerRecipient
	}
	if c.PerWorkspace.Max == 0 {
		c.PerWorkspace = d.PerWorkspace
	}
	return c
}

// Validate reports [ErrBadCap], naming the field, for each malformed cap,
// joined with errors.Join.
func (c Caps) Validate() error {
	var errs []error
	if err := c.PerRecipient.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%w: perRecipient", err))
	}
	if err := c.PerWorkspace.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("%w: perWorkspace", err))
	}
	return errors.Join(errs...)
}

// Check reports whether one more text may be sent at now, given the times of
// the texts already sent to the recipient's phone number and by the whole
// workspace (each in any order; see [Cap.Check] for how they count). It
// applies [Caps.Effective].
//
// Check only counts what it is given and reserves nothing: pass the
// complete history, and record or reserve the send before dispatching it,
// serialized per workspace and recipient, as [Caps] says. Otherwise nil
// history passes every cap, and concurrent checks all pass together.
//
// It returns nil, or a [*CapError] wrapping [ErrCapReached] and
// [ErrRecipientCapReached] or [ErrWorkspaceCapReached]; when both caps are
// reached, both errors, joined with [errors.Join], so that the host sees both
// (use [CapRetryAt] for the time both have room). A malformed cap gives an
// error wrapping [ErrBadCap].
//
// Check does not allocate unless it refuses.
func (c Caps) Check(now time.Time, toRecipient, byWorkspace []time.Time) error {
	c = c.Effective()
	r := c.PerRecipient.check(now, toRecipient, ErrRecipientCapReached)
	w := c.PerWorkspace.check(now, byWorkspace, ErrWorkspaceCapReached)
	if r != nil && w != nil {
		return errors.Join(r, w)
	}
	if r != nil {
		return r
	}
	return w
}
