package notify

import (
	"errors"
	"time"

	"github.com/followup-go/followup/internal/enumname"
)

// Outcome is what happened to one message of a dispatch.
type Outcome uint8

// The outcomes.
const (
	// Delivered: the channel's sender accepted the message.
	Delivered Outcome = iota + 1
	// DeliveredBySubstitute: the AlimTalk did not go through and its
	// substitute SMS did. Only the SMS reached the customer.
	DeliveredBySubstitute
	// Failed: every attempt failed, or the message was invalid.
	Failed
	// Skipped: the host has no sender for the channel.
	Skipped
)

// outcomeText is Outcome's text form: its names, indexed by value.
var outcomeText = enumname.Text[Outcome]{
	Type: "Outcome",
	Err:  &ErrUnknownName,
	Names: []string{
		Delivered:             "delivered",
		DeliveredBySubstitute: "deliveredBySubstitute",
		Failed:                "failed",
		Skipped:               "skipped",
	},
}

// String returns the outcome's camelCase name, or "Outcome(N)" for a value
// that is none of the constants.
func (o Outcome) String() string { return outcomeText.String(o) }

// MarshalText implements [encoding.TextMarshaler]: the outcome's name, as
// [Outcome.String] gives it, and "" for the zero Outcome (not yet known).
// Another value is an error wrapping [ErrUnknownName].
func (o Outcome) MarshalText() ([]byte, error) { return outcomeText.Marshal(o) }

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads a name
// [Outcome.MarshalText] writes, in any case; "" is the zero Outcome.
// Another text is an error wrapping [ErrUnknownName].
func (o *Outcome) UnmarshalText(text []byte) error { return outcomeText.Unmarshal(text, o) }

// An Attempt is one call of a sender.
type Attempt struct {
	// Channel is the channel tried: [ChannelSMS] for an AlimTalk's
	// substitute.
	Channel Channel
	// Start is when the call began, and Duration how long it took (until
	// the dispatcher stopped waiting, for an abandoned call).
	Start    time.Time
	Duration time.Duration
	// Err is the sender's error; nil for the attempt that delivered.
	Err error
}

// An Entry is the outcome of one message of a dispatch.
type Entry struct {
	// Channel is the message's channel.
	Channel Channel
	// Outcome is what happened.
	Outcome Outcome
	// Via is the channel that carried the message when it was delivered:
	// Channel itself, or [ChannelSMS] for [DeliveredBySubstitute].
	Via Channel
	// Key is the message's idempotency key.
	Key string
	// Attempts are every call of a sender, in order, with their errors. An
	// invalid message has none.
	Attempts []Attempt
	// Err is why the message failed or was skipped; nil when it was
	// delivered. It names the channel and wraps the sender's error, so
	// errors.Is and errors.As see through it.
	Err error
	// SubstitutedFor is, for [DeliveredBySubstitute], why the AlimTalk
	// itself did not go: the recipient refused it, its provider refused it
	// permanently, it was invalid (errors.Is with [ErrTooLong],
	// [ErrNoTemplate] and the like: a template or settings problem that
	// turns every AlimTalk into a paid SMS), or there was no AlimTalk
	// sender. Nil for every other outcome.
	SubstitutedFor error
	// Started is when the dispatcher took the message up: its first
	// attempt, or, for a message it did not send, the start of the
	// dispatch (one refused before any sending) or when its turn came (one
	// queued behind others, under MaxConcurrency, whose context ended
	// first).
	Started time.Time
	// Duration is how long the message took, from Started to its outcome,
	// backoff included.
	Duration time.Duration
}

// Succeeded reports whether the message reached the customer, directly or by
// substitute.
func (e Entry) Succeeded() bool { return e.Outcome == Delivered || e.Outcome == DeliveredBySubstitute }

// MayHaveSent reports whether the message may have reached the customer,
// and a provider may bill for it: it succeeded, or one of its attempts
// failed in a way that does not rule out delivery (a transient error, a
// timeout, a panic, an abandoned call). It is false when no sender was
// called, and when every attempt certainly did not deliver it: refused
// permanently, rate-limited, or invalid, with an error that does not wrap
// the context's (a call cut off may have delivered it, however the sender
// marked its error).
func (e Entry) MayHaveSent() bool {
	return e.Succeeded() || len(e.Attempts) > 0 && !undelivered(e.Attempts)
}

// A Report is the outcome of a dispatch: one entry per message, in the order
// AlimTalk, SMS, Email, Push.
type Report struct {
	Entries []Entry
}

// Err joins the errors of every failed message with errors.Join, so no
// failure is lost; nil if none failed. Skipped messages are not failures:
// their entries say why they were skipped.
func (r Report) Err() error {
	var errs []error
	for _, e := range r.Entries {
		if e.Outcome == Failed {
			errs = append(errs, e.Err)
		}
	}
	return errors.Join(errs...)
}

// Entry returns the entry of channel c, and whether there is one.
func (r Report) Entry(c Channel) (Entry, bool) {
	for _, e := range r.Entries {
		if e.Channel == c {
			return e, true
		}
	}
	return Entry{}, false
}

// Delivered reports whether the message of channel c reached the customer,
// directly or by substitute.
func (r Report) Delivered(c Channel) bool {
	e, ok := r.Entry(c)
	return ok && e.Succeeded()
}

// DeliveredAny reports whether any message reached the customer.
func (r Report) DeliveredAny() bool {
	for _, e := range r.Entries {
		if e.Succeeded() {
			return true
		}
	}
	return false
}
