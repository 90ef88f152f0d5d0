// Package notify is the transport seam of follow-up notifications: the
// channels, one message type per channel, one small sender interface per
// channel that the host implements with its own provider, and a dispatcher
// that sends a follow-up's messages and reports what happened to every one.
//
// notify imports nothing else of this module but internal helpers, so a
// host can implement and test its senders against it alone. Package
// notifytest has recording fakes and a conformance suite for senders.
//
// # Messages
//
// [AlimTalk], [SMS], [Email] and [Push] each carry the recipient, the
// content and an idempotency key, stable per follow-up and channel, that a
// sender hands to its provider so a repeated request is dropped. Their
// Validate methods refuse what every provider would refuse (the carriers'
// and Kakao's limits, such as [SMSMaxBytes], not one vendor's), with errors
// such as [ErrTooLong] to test with errors.Is; an error names the field at
// fault, never the recipient or the content. A message prints with every
// fmt verb (but %p, which fmt handles without calling any method) and logs
// through slog, alone or in a [Batch], with its recipient masked and its
// texts as lengths only, since they hold the customer's name; a sender
// reads the fields.
//
// Korean text messages are SMS up to [SMSMaxBytes] EUC-KR bytes and LMS up
// to [LMSMaxBytes]. [EUCKRLen] counts as carriers do, with the EUC-KR
// encoder of golang.org/x/text, and [Unencodable] finds the characters, such
// as emoji, that carriers may drop; [KindOf] and [SMS.Kind] say SMS or LMS.
// Every limit is a constant in one place.
//
// # Senders
//
// [SMSSender], [AlimTalkSender], [EmailSender] and [PushSender] have one
// method each, and [SMSFunc] and its siblings adapt a function, as
// http.HandlerFunc does. [Senders] holds the host's senders; a nil sender
// means the channel is not available ([Senders.Available]).
//
// # Errors
//
// A sender marks a failure retrying cannot fix with [Permanent], and a
// provider's "too many requests" with [RateLimited]; anything else is
// transient. [ErrRecipientRefused] is the permanent failure of a recipient
// who blocked the channel or does not have it. Both wrappers keep the
// sender's error visible to errors.Is and errors.As.
//
// # Dispatching
//
// [Dispatcher.Dispatch] sends a [Batch] and returns a [Report] with one
// [Entry] per message, in the order AlimTalk, SMS, Email, Push: delivered,
// delivered by substitute, failed or skipped, with every attempt, its time
// and its error. [Report.Err] joins every failure, so none is lost, and each
// names its channel. An invalid message fails without a call; a message
// whose channel has no sender is skipped ([ErrNoSender]). A sender that
// panics fails its message with a [*PanicError], which records the panic
// value's type only, and the process goes on; one that calls runtime.Goexit,
// as t.FailNow in a test's sender does, fails it at once with
// [ErrSenderExited]. [Options] configure the dispatcher; their zero value is
// the default, as for slog.HandlerOptions. With Options.Logger set, every
// attempt is logged with the recipient masked ("+82******5678",
// "m***@example.com") and never the content.
//
// # Substitute sending
//
// An AlimTalk carries the SMS or LMS to send instead when it cannot be
// delivered (대체발송). The dispatcher sends the substitute itself, through
// the SMS sender, and only when the AlimTalk certainly did not go through:
// it is invalid, there is no AlimTalk sender, or it failed permanently
// (including [ErrRecipientRefused]) and no attempt of it may have
// delivered it. Only a permanent failure or a rate limit says an attempt
// did not deliver, and not one that also wraps the context's error (a call
// cut off); after a transient error, a timeout, a panic or an abandoned
// call the AlimTalk may have reached the customer, so it gets no
// substitute, even if a later attempt fails permanently: at most one of the
// two reaches the customer, never both. The entry says
// [DeliveredBySubstitute] with Via [ChannelSMS], keeps the AlimTalk's
// attempts before the substitute's, and says in [Entry.SubstitutedFor] why
// the AlimTalk did not go: an invalid AlimTalk, a template problem that
// turns every one into a paid SMS, shows there.
//
// # Retries
//
// Each attempt has its own deadline, Options.AttemptTimeout after it starts,
// inside the caller's context. A transient failure is retried up to
// Options.MaxAttempts, after a wait that starts at MinBackoff, doubles,
// never exceeds MaxBackoff, and is jittered; a rate limit waits at least its
// retry-after, unless that is longer than Options.MaxRetryAfter (one minute
// by default): then the message fails at once, as a rate limit, for the host
// to send again later. A permanent failure is never retried, and nothing is
// sent or retried once the caller's context is done or past its deadline:
// a wait that would end at the deadline or later is not waited, and the
// message fails at once with its last error and
// [context.DeadlineExceeded]. Options.Wait replaces
// the timer, so tests never sleep. Dispatch also runs inside a
// testing/synctest bubble, with every wait and deadline in the bubble's fake
// time, and a test outside the bubble in the same process is not disturbed.
//
// # Goroutines
//
// The senders run on goroutines Dispatch starts, never on the caller's, so
// that a sender that ignores its context cannot hold the caller: it is
// abandoned Options.Grace after its deadline ([ErrAbandoned]), and its
// message fails without a retry or a substitute. Messages of different
// channels go out concurrently, up to Options.MaxConcurrency at a time (a
// call abandoned no longer counts): one goroutine takes them in turn and,
// as soon as a sender holds it up, helpers take the others. Every goroutine
// Dispatch starts has done its work when Dispatch returns and exits right
// after, except one stuck in a sender that ignores its context, which ends
// when that sender returns.
//
// # Cost
//
// A dispatch to senders that return at once costs one goroutine, two
// allocations (the report and the goroutine), and no timer: the sender's
// context arms its timer only if the sender asks for Done. BENCHMARKS.md at
// the module root has the figures.
package notify
