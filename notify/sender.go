package notify

import "context"

// An SMSSender sends an SMS or LMS through the host's provider.
//
// SendSMS returns nil once the provider accepted the message. It must honour
// ctx: return promptly, with an error wrapping ctx.Err(), once ctx is done,
// and not send at all if ctx is done already. It must not modify m, nor use
// the maps and slices m refers to once it has returned (the host may modify
// them then), and must be safe for concurrent use. It classifies failures
// with [Permanent] (never retried) and [RateLimited]; any other error is
// transient and may be retried. It should hand m.Key to the provider as the
// idempotency key, and keep personal data out of its error strings, which
// the dispatcher logs. The dispatcher ends ctx once SendSMS returns. Package
// notifytest checks a sender against these rules.
type SMSSender interface {
	SendSMS(ctx context.Context, m SMS) error
}

// An AlimTalkSender sends an AlimTalk through the host's Kakao business
// message provider, under the same rules as [SMSSender]. It sends the
// AlimTalk only: the dispatcher sends the substitute through the
// [SMSSender], so a sender must not turn on its provider's own substitute
// sending, or the customer might get both. A recipient who blocked the
// channel or has no KakaoTalk is [ErrRecipientRefused].
//
// Without an SMSSender in [Senders] the dispatcher cannot send the
// substitute (the entry fails with [ErrNoSender] in its error), and only
// the provider's own substitute sending reaches a customer the AlimTalk
// does not: such a host's sender turns it on, with the text of
// m.Substitute.
type AlimTalkSender interface {
	SendAlimTalk(ctx context.Context, m AlimTalk) error
}

// An EmailSender sends an email, under the same rules as [SMSSender].
type EmailSender interface {
	SendEmail(ctx context.Context, m Email) error
}

// A PushSender sends a push notification, under the same rules as
// [SMSSender].
type PushSender interface {
	SendPush(ctx context.Context, m Push) error
}

// SMSFunc adapts an ordinary function to an [SMSSender], as
// http.HandlerFunc adapts one to a Handler.
type SMSFunc func(ctx context.Context, m SMS) error

// SendSMS calls f(ctx, m).
func (f SMSFunc) SendSMS(ctx context.Context, m SMS) error { return f(ctx, m) }

// AlimTalkFunc adapts an ordinary function to an [AlimTalkSender].
type AlimTalkFunc func(ctx context.Context, m AlimTalk) error

// SendAlimTalk calls f(ctx, m).
func (f AlimTalkFunc) SendAlimTalk(ctx context.Context, m AlimTalk) error { return f(ctx, m) }

// EmailFunc adapts an ordinary function to an [EmailSender].
type EmailFunc func(ctx context.Context, m Email) error

// SendEmail calls f(ctx, m).
func (f EmailFunc) SendEmail(ctx context.Context, m Email) error { return f(ctx, m) }

// PushFunc adapts an ordinary function to a [PushSender].
type PushFunc func(ctx context.Context, m Push) error

// SendPush calls f(ctx, m).
func (f PushFunc) SendPush(ctx context.Context, m Push) error { return f(ctx, m) }

// Senders are the host's senders, one per channel. A nil sender means the
// channel is not available: a message for it is skipped, and an AlimTalk
// goes out as its substitute SMS. So does a nil Func adapter
// (AlimTalkFunc(nil), the zero value of a variable of that type), which has
// no function to call.
//
// A dispatch calls the senders of different channels at the same time, so
// senders that share anything (a writer, a buffer, a counter, a client that
// does no locking of its own) must synchronize it, as a sender must when
// dispatches run at the same time.
type Senders struct {
	AlimTalk AlimTalkSender
	SMS      SMSSender
	Email    EmailSender
	Push     PushSender
}

// Available returns the channels that have a sender.
func (s Senders) Available() ChannelSet {
	s = s.usable()
	var set ChannelSet
	if s.AlimTalk != nil {
		set = set.Add(ChannelAlimTalk)
	}
	if s.SMS != nil {
		set = set.Add(ChannelSMS)
	}
	if s.Email != nil {
		set = set.Add(ChannelEmail)
	}
	if s.Push != nil {
		set = set.Add(ChannelPush)
	}
	return set
}

// usable returns s with each nil Func adapter made a nil sender.
func (s Senders) usable() Senders {
	if f, ok := s.AlimTalk.(AlimTalkFunc); ok && f == nil {
		s.AlimTalk = nil
	}
	if f, ok := s.SMS.(SMSFunc); ok && f == nil {
		s.SMS = nil
	}
	if f, ok := s.Email.(EmailFunc); ok && f == nil {
		s.Email = nil
	}
	if f, ok := s.Push.(PushFunc); ok && f == nil {
		s.Push = nil
	}
	return s
}
