package followup

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/followup-go/followup/internal/enumname"
)

// Timing says when a follow-up goes out. Every field's zero value means its
// default, so the zero Timing follows the reference product: a customer is
// away once they left, switched to another tab or screen, or were inactive
// for 4.5 minutes; a follow-up waits 3 minutes after the last reply (a
// customer who comes back in time gets nothing); replies that arrive while it
// waits join it, for at most 15 minutes after the first.
//
// In JSON, durations are strings in [time.ParseDuration] form ("4m30s"); a
// number is read as nanoseconds, as [time.Duration] would be.
type Timing struct {
	// InactiveAfter is how long without activity makes a customer whose chat
	// is open and focused count as away. Default 4m30s. The customer is
	// away from the instant it has passed: the reference product's "more
	// than 4.5 minutes" at the clock's resolution, so that a plan's Recheck
	// is a time at which they count as away. The same holds for
	// HiddenAfter and LeftAfter.
	InactiveAfter time.Duration
	// HiddenAfter is how long the chat must have been in a background tab or
	// screen before the customer counts as away. Default 0: at once.
	HiddenAfter time.Duration
	// LeftAfter is how long after closing the chat the customer counts as
	// away. Default 0: at once.
	LeftAfter time.Duration

	// Delay is how long after the newest reply of a batch the follow-up
	// waits before it is sent; each new reply restarts the wait. Default 3m,
	// as Intercom and Crisp do.
	Delay time.Duration
	// MaxWait caps the wait from the first reply of a batch, so a chatty
	// agent cannot postpone the follow-up forever; a reply that comes later
	// starts the next batch. Default 15m. It is raised to Delay if shorter.
	MaxWait time.Duration

	// Strategy says whether text and email go together or one after the
	// other. Default [Parallel].
	Strategy Strategy
	// EscalateAfter is how long the [Escalating] strategy waits after text
	// before sending email if the replies are still unseen. Default 15m.
	// Email goes at once if the text was not delivered.
	EscalateAfter time.Duration
	// PushWait is how long push, when the host has it, is given to be
	// opened before text and email follow. Default 30s. They follow at
	// once if the push was not delivered, even after a timeout that may
	// have delivered it: a customer who gets two notifications is better
	// off than one who waits for a push that never came.
	PushWait time.Duration
}

// The defaults of [Timing].
const (
	DefaultInactiveAfter = 4*time.Minute + 30*time.Second
	DefaultDelay         = 3 * time.Minute
	DefaultMaxWait       = 15 * time.Minute
	DefaultEscalateAfter = 15 * time.Minute
	DefaultPushWait      = 30 * time.Second
)

// withDefaults returns t with every zero field set to its default.
func (t Timing) withDefaults() Timing {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&t.InactiveAfter, DefaultInactiveAfter)
	def(&t.Delay, DefaultDelay)
	def(&t.MaxWait, DefaultMaxWait)
	def(&t.EscalateAfter, DefaultEscalateAfter)
	def(&t.PushWait, DefaultPushWait)
	if t.MaxWait < t.Delay {
		t.MaxWait = t.Delay
	}
	return t
}

// ErrNegativeDuration is the problem [Settings.Validate] reports for a
// Timing duration below zero.
var ErrNegativeDuration = errors.New("duration must not be negative")

// validate returns one problem per negative duration or unknown strategy.
func (t Timing) validate(add func(setting string, err error)) {
	for _, f := range t.fields() {
		if *f.d < 0 {
			add("timing."+f.name, ErrNegativeDuration)
		}
	}
	if t.Strategy > Escalating {
		add("timing.strategy", ErrUnknownStrategy)
	}
}

type durationField struct {
	name string
	d    *time.Duration
}

func (t *Timing) fields() []durationField {
	return []durationField{
		{"inactiveAfter", &t.InactiveAfter},
		{"hiddenAfter", &t.HiddenAfter},
		{"leftAfter", &t.LeftAfter},
		{"delay", &t.Delay},
		{"maxWait", &t.MaxWait},
		{"escalateAfter", &t.EscalateAfter},
		{"pushWait", &t.PushWait},
	}
}

// IsZero reports whether every field is zero, i.e. every default applies.
func (t Timing) IsZero() bool { return t == Timing{} }

// MarshalJSON writes the fields that are set, durations as strings.
func (t Timing) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 8)
	for _, f := range t.fields() {
		if *f.d != 0 {
			m[f.name] = f.d.String()
		}
	}
	if t.Strategy != Parallel {
		m["strategy"] = t.Strategy
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads what MarshalJSON writes; durations may also be numbers
// of nanoseconds. As encoding/json decodes into a struct, it matches keys
// without regard to case, reads every key that matches a field in order, so
// that the last of several ("delay" and "Delay") wins and a malformed one is
// an error even if a later one is not, ignores unknown keys, and leaves
// alone the fields whose keys are missing or null: decoding a patch
// ({"delay":"1m"}) over a Timing keeps the rest. A JSON null leaves t
// unchanged. A duration it cannot read is an error wrapping
// [ErrBadDuration], and an unknown strategy one wrapping
// [ErrUnknownStrategy]; neither repeats the text it could not read.
func (t *Timing) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		return nil
	}
	// Refuse what is not an object, with encoding/json's error.
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	out := *t
	fields := out.fields()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.Token() // '{': b is an object
	for dec.More() {
		tok, _ := dec.Token()
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err // not reached: b decoded above
		}
		if string(raw) == "null" {
			continue
		}
		if strings.EqualFold(key, "strategy") {
			if err := json.Unmarshal(raw, &out.Strategy); errors.Is(err, ErrUnknownStrategy) {
				// Not "followup: timing.strategy: followup: unknown strategy".
				return fmt.Errorf("followup: timing.strategy: %w", ErrUnknownStrategy)
			} else if err != nil {
				// A number, a bool, an object: not a strategy's name.
				return fmt.Errorf("followup: timing.strategy: %w: want a name, such as %q", ErrUnknownStrategy, Parallel.String())
			}
			continue
		}
		for _, f := range fields {
			if !strings.EqualFold(key, f.name) {
				continue
			}
			d, err := parseJSONDuration(raw)
			if err != nil {
				return fmt.Errorf("followup: timing.%s: %w", f.name, err)
			}
			*f.d = d
		}
	}
	*t = out
	return nil
}

// ErrBadDuration is wrapped by the error of [Timing.UnmarshalJSON] for a
// duration that is not a string [time.ParseDuration] reads ("3m", "4m30s")
// of at most 32 bytes, or an integer number of nanoseconds.
var ErrBadDuration = errors.New("malformed duration")

// parseJSONDuration reads a duration as a string ("3m") or a number of
// nanoseconds. Its errors wrap ErrBadDuration.
func parseJSONDuration(raw json.RawMessage) (time.Duration, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		if len(s) > 32 {
			return 0, fmt.Errorf("%w: longer than 32 bytes", ErrBadDuration)
		}
		d, err := time.ParseDuration(s)
		if err != nil {
			// Not time's error, which quotes the text: settings are
			// decoded from what a person typed.
			return 0, fmt.Errorf("%w: %d bytes that are not a duration like \"3m\"", ErrBadDuration, len(s))
		}
		return d, nil
	}
	var n int64
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, fmt.Errorf("%w: not a string like \"3m\" or a number of nanoseconds", ErrBadDuration)
	}
	return time.Duration(n), nil
}

// Strategy says how text and email follow-ups are combined.
type Strategy uint8

// The strategies.
const (
	// Parallel sends text and email at the same time.
	Parallel Strategy = iota
	// Escalating sends text first and email only if the replies are still
	// unseen [Timing.EscalateAfter] later, or at once if the text was not
	// delivered, or is held back: text that quiet hours or a send cap
	// defer, or that is to be sent again after a provider's rate limit or
	// a transient failure, does not hold the email back, so a reply at
	// night goes by email at once and by text in the morning.
	Escalating
)

// ErrUnknownStrategy is the problem reported for a [Strategy] that is not one
// of the constants.
var ErrUnknownStrategy = errors.New("unknown strategy")

// errUnknownStrategyName is wrapped by the errors of Strategy's text
// methods: it is both [ErrUnknownStrategy] and [ErrUnknownName]. (A type,
// not a value made with fmt.Errorf, so that it costs nothing at init.)
var errUnknownStrategyName error = unknownStrategyName{}

type unknownStrategyName struct{}

func (unknownStrategyName) Error() string   { return "followup: unknown strategy" }
func (unknownStrategyName) Unwrap() []error { return []error{ErrUnknownStrategy, ErrUnknownName} }

// strategyText is Strategy's text form: its names, indexed by value.
var strategyText = enumname.Text[Strategy]{
	Type:  "Strategy",
	Err:   &errUnknownStrategyName,
	Names: []string{Parallel: "parallel", Escalating: "escalating"},
}

// String returns "parallel" or "escalating", or "Strategy(N)" for a value
// that is neither.
func (s Strategy) String() string { return strategyText.String(s) }

// MarshalText implements [encoding.TextMarshaler]: "parallel" (the zero
// value) or "escalating". Another value is an error wrapping both
// [ErrUnknownStrategy] and [ErrUnknownName].
func (s Strategy) MarshalText() ([]byte, error) { return strategyText.Marshal(s) }

// UnmarshalText implements [encoding.TextUnmarshaler]: "parallel" or
// "escalating" in any case, as the keys of [Timing]'s JSON are; empty is
// Parallel. Another text is an error wrapping both [ErrUnknownStrategy] and
// [ErrUnknownName].
func (s *Strategy) UnmarshalText(b []byte) error { return strategyText.Unmarshal(b, s) }
