package followup

import "log/slog"

// LogValue implements slog.LogValuer, so that a host can log what Deliver
// did in one attribute: the status, the plan's reason unless it is due (a
// cancelled run of a follow-up already sent, say, is alreadyFollowedUp),
// the follow-up's key, whether text went and how many records to store,
// when to run again,
// deferred text and why, each refused channel with its rule's error text,
// and the dispatcher's report ([notify.Report.LogValue]). It holds no
// contact data and no message text. (Without it, slog's JSON handler
// writes each error value as {}.)
func (r Result) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("status", r.Status.String())}
	if r.Plan.Reason != 0 && r.Plan.Reason != Due {
		attrs = append(attrs, slog.String("reason", r.Plan.Reason.String()))
	}
	if !r.Plan.Key.IsZero() {
		attrs = append(attrs, slog.String("key", r.Plan.Key.String()))
	}
	if r.Texted {
		attrs = append(attrs, slog.Bool("texted", true))
	}
	if len(r.Records) > 0 {
		attrs = append(attrs, slog.Int("records", len(r.Records)))
	}
	if !r.Next.IsZero() {
		attrs = append(attrs, slog.Time("next", r.Next))
	}
	if !r.Deferred.Empty() {
		attrs = append(attrs, slog.Group("deferred", "channels", r.Deferred.String(),
			"until", r.DeferredUntil, "by", errText(r.DeferredBy)))
	}
	if len(r.Refused) > 0 {
		refused := make([]any, 0, len(r.Refused))
		for _, f := range r.Refused {
			refused = append(refused, slog.String(f.Channel.String(), errText(f.Err)))
		}
		attrs = append(attrs, slog.Group("refused", refused...))
	}
	if len(r.Report.Entries) > 0 {
		attrs = append(attrs, slog.Any("report", r.Report))
	}
	return slog.GroupValue(attrs...)
}

// errText is err's text, or "" for nil.
func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
