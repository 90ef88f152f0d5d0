package notify

import (
	"errors"
	"fmt"
	"time"
)

// Errors of messages that a provider would refuse. [SMS.Validate] and the
// other Validate methods wrap them with the field at fault; test with
// errors.Is.
var (
	// ErrNoRecipient: the message has no recipient.
	ErrNoRecipient = errors.New("notify: no recipient")
	// ErrNoContent: the message has no text, body or title.
	ErrNoContent = errors.New("notify: no content")
	// ErrTooLong: a text is over its channel's limit.
	ErrTooLong = errors.New("notify: too long")
	// ErrTooManyButtons: an AlimTalk message has more than
	// [AlimTalkMaxButtons] buttons.
	ErrTooManyButtons = errors.New("notify: too many buttons")
	// ErrNoTemplate: an AlimTalk message has no template code.
	ErrNoTemplate = errors.New("notify: no template code")
	// ErrBadHeader: an email header name is not a token, or a header value
	// holds a line break (header injection).
	ErrBadHeader = errors.New("notify: bad email header")
	// ErrBadButton: an AlimTalk button has no name or no link.
	ErrBadButton = errors.New("notify: bad button")
)

// Errors of the text forms of [Channel], [Outcome] and [TextKind], and of
// [ChannelSet]'s JSON. An error for a refused text gives its length, never
// the text.
var (
	// ErrUnknownName: a text names none of an enumeration's values, or a
	// value is none of its constants and has no text to marshal as.
	ErrUnknownName = errors.New("notify: unknown name")
	// ErrUnknownChannel: a text names no channel, or a [Channel] or
	// [ChannelSet] holds a value that is no channel. It is a kind of
	// [ErrUnknownName]: errors.Is reports both.
	ErrUnknownChannel error = unknownChannel{}
)

// unknownChannel is ErrUnknownChannel, a kind of ErrUnknownName. (A type,
// not a value wrapping ErrUnknownName, so that it costs nothing at init.)
type unknownChannel struct{}

func (unknownChannel) Error() string { return "notify: unknown channel" }
func (unknownChannel) Unwrap() error { return ErrUnknownName }

func tooLong(what string, n, limit int, unit string) error {
	return fmt.Errorf("notify: %s is %d %s, limit %d: %w", what, n, unit, limit, ErrTooLong)
}

// Errors of dispatching. A [Report] entry's error wraps one of these, or the
// sender's own error.
var (
	// ErrNoSender: the host configured no sender for the message's channel.
	ErrNoSender = errors.New("notify: no sender for the channel")
	// ErrSenderPanicked: the sender panicked. The error records the panic
	// value's type, never its content, which may hold the message.
	ErrSenderPanicked = errors.New("notify: sender panicked")
	// ErrSenderExited: the sender called runtime.Goexit, as t.FailNow
	// and t.Fatal do in a test's sender, so its call never returned. The
	// message fails at once, without a retry or, for an AlimTalk, a
	// substitute: the sender may have sent it.
	ErrSenderExited = errors.New("notify: sender exited its goroutine (runtime.Goexit)")
	// ErrAbandoned: the sender did not return within Options.Grace after
	// its attempt's context was done. The error wraps the context's error
	// too. The dispatcher stopped waiting; the call may still be
	// running inside the host's sender, and may even deliver. Such an
	// attempt is never retried, so the customer gets the message at most
	// once.
	ErrAbandoned = errors.New("notify: sender abandoned after its deadline")
	// ErrRecipientRefused: the recipient cannot or will not take the
	// message on this channel, such as a KakaoTalk user who blocked the
	// workspace's channel or has no KakaoTalk. It is permanent, and an
	// AlimTalk refused so goes out as its substitute SMS, unless an earlier
	// attempt of it may have delivered it (see [Dispatcher.Dispatch]).
	ErrRecipientRefused error = permanentError{errors.New("notify: recipient refused the channel")}
)

// permanentError marks a failure that retrying cannot fix.
type permanentError struct{ err error }

func (e permanentError) Error() string { return e.err.Error() }
func (e permanentError) Unwrap() error { return e.err }

// Permanent marks err as a failure that retrying cannot fix: an invalid
// recipient, a blocked sender, a template mismatch. It also says the
// message was not delivered. The dispatcher never retries it, and an
// AlimTalk failing so goes out as its substitute, unless an earlier attempt
// of it may have delivered it (see [Dispatcher.Dispatch]). errors.Is and
// errors.As still see err. Permanent(nil) is nil.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

// IsPermanent reports whether err, or any error it wraps, was marked by
// [Permanent] (or is [ErrRecipientRefused]).
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// A RateLimitError is a provider's "too many requests": the dispatcher waits
// at least RetryAfter before trying again, or, if RetryAfter is longer than
// Options.MaxRetryAfter, fails the message at once with this error.
type RateLimitError struct {
	// Err is the provider's error; it may be nil.
	Err error
	// RetryAfter is how long the provider asked to wait; zero means it did
	// not say, and the dispatcher's own backoff applies.
	RetryAfter time.Duration
}

// Error describes the rate limit.
func (e *RateLimitError) Error() string {
	if e == nil {
		return "notify: nil *RateLimitError"
	}
	msg := "notify: rate limited"
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(", retry after %v", e.RetryAfter)
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap returns the provider's error.
func (e *RateLimitError) Unwrap() error {
	if e == nil {
		return nil
	}
	return e.Err
}

// RateLimited returns a [*RateLimitError] for err with the provider's
// retry-after, zero if it gave none.
func RateLimited(err error, retryAfter time.Duration) error {
	return &RateLimitError{Err: err, RetryAfter: retryAfter}
}

// IsRateLimited reports whether err, or any error it wraps, is a
// [*RateLimitError].
func IsRateLimited(err error) bool {
	_, ok := RetryAfter(err)
	return ok
}

// RetryAfter reports whether err is a rate limit, and how long it asked to
// wait. A nil *RateLimitError is none: it carries nothing.
func RetryAfter(err error) (time.Duration, bool) {
	var rl *RateLimitError
	if errors.As(err, &rl) && rl != nil {
		return rl.RetryAfter, true
	}
	return 0, false
}

// A PanicError is a sender's panic, recovered by the dispatcher. It holds the
// panic value's type only: the value itself may hold the message.
type PanicError struct {
	// Type is the panic value's type, as %T prints it.
	Type string
}

// Error describes the panic.
func (e *PanicError) Error() string { return "notify: sender panicked with a " + e.Type }

// Unwrap returns [ErrSenderPanicked].
func (e *PanicError) Unwrap() error { return ErrSenderPanicked }
