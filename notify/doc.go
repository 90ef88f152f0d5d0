// Package notify is the transport seam of follow-up notifications: the
// channels, one message type per channel, one small sender interface per
// channel that the host implements with its own provider, and a dispatcher
// that sends a follow-up's messages and reports what happened to every one.
//
// notify imports nothing else of this module, so a host can implement and
// test its senders against it alone.
//
// # Messages
//
// [AlimTalk], [SMS], [Email] and [Push] each carry the recipient, the
// content and an idempotency key, stable per follow-up and channel, that a
// sender hands to its provider so a repeated request is dropped. Their
// Validate methods refuse what a provider would refuse, with errors such as
// [ErrTooLong] to test with errors.Is. Korean text messages are SMS up to
// [SMSMaxBytes] EUC-KR bytes and LMS up to [LMSMaxBytes]; [EUCKRLen] counts
// as carriers do, and [Unencodable] finds the characters (emoji) carriers
// may drop. Every limit is a constant in one place.
//
// # Senders
//
// [SMSSender], [AlimTalkSender], [EmailSender] and [PushSender] have one
// method each, and [SMSFunc] and its siblings adapt a function, as
// http.HandlerFunc does. [Senders] holds the host's senders; a nil sender
// means the channel is not available. Package notifytest has recording
// fakes and a conformance suite for them.
//
// # Errors
//
// A sender marks a failure retrying cannot fix with [Permanent], and a
// provider's "too many requests" with [RateLimited]; anything else is
// transient. [ErrRecipientRefused] is the permanent failure of a recipient
// who blocked the channel or does not have it.
//
// # Dispatching
//
// [Dispatcher.Dispatch] sends a [Batch] and returns a [Report] with one
// [Entry] per message: delivered, delivered by substitute, failed or
// skipped, with every attempt and its error. [Report.Err] joins every
// failure, so none is lost. Messages of different channels go out
// concurrently; each attempt has its own timeout inside the caller's
// context; transient failures are retried with capped exponential backoff
// and jitter; a panicking sender fails its message and the process goes
// on. [Options] configure it; their zero value is the default.
//
// # Substitute sending
//
// An AlimTalk carries the SMS or LMS to send instead when it cannot be
// delivered (대체발송). The dispatcher sends the substitute only when the
// AlimTalk certainly did not go through, so exactly one of the two reaches
// the customer, and the report says which.
//
// # Goroutines
//
// Every goroutine Dispatch starts has ended when it returns, except the call
// of a sender that ignores its context: it is abandoned at its deadline
// ([ErrAbandoned]) and goes on inside the host's sender until that returns.
package notify
