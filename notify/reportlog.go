package notify

import "log/slog"

// LogValue implements slog.LogValuer: a group with one group per entry,
// named by its channel, so that a handler writes every channel's outcome
// and error text. (Without it, slog's JSON handler writes an error value as
// {}.)
func (r Report) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, len(r.Entries))
	for _, e := range r.Entries {
		attrs = append(attrs, slog.Any(e.Channel.String(), e))
	}
	return slog.GroupValue(attrs...)
}

// LogValue implements slog.LogValuer: the outcome, the channel that carried
// a delivered message, the number of attempts, the duration, the
// idempotency key, the error's text and, for a substitute, why the
// AlimTalk did not go. The message itself is not in the
// entry, and the dispatcher's errors name recipients masked only.
func (e Entry) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("outcome", e.Outcome.String())}
	if e.Succeeded() {
		attrs = append(attrs, slog.String("via", e.Via.String()))
	}
	attrs = append(attrs, slog.Int("attempts", len(e.Attempts)), slog.Duration("duration", e.Duration),
		slog.String("key", e.Key))
	if e.Err != nil {
		attrs = append(attrs, slog.String("err", e.Err.Error()))
	}
	if e.SubstitutedFor != nil {
		attrs = append(attrs, slog.String("substitutedFor", e.SubstitutedFor.Error()))
	}
	return slog.GroupValue(attrs...)
}
