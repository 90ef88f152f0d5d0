package followup

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"time"

	"github.com/followup-go/followup/internal/enumname"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// Status is what [Engine.Deliver] did with a plan.
type Status uint8

// The statuses.
const (
	// Sent: the step's messages were dispatched; the report says how each
	// fared. A channel a guard refused is listed in [Result.Refused].
	Sent Status = iota + 1
	// Cancelled: no follow-up is due any more, because the customer saw
	// the replies or the conversation changed so, or because the follow-up
	// was sent already (a job run twice: [AlreadyFollowedUp]); the
	// result's Plan.Reason says which. Nothing was sent.
	Cancelled
	// Rescheduled: the follow-up may be due, but later: more replies joined
	// it, or the customer is back in the chat and has not seen them yet
	// ([CustomerPresent], [NotAwayLongEnough]). Nothing was sent; deliver
	// again at [Result.Next], when the customer would count as away.
	Rescheduled
	// Replanned: the plan's follow-up is finished, and the conversation
	// now has another one, with another key: schedule the result's Plan.
	Replanned
	// Refused: a rule refused every channel of the step; nothing was sent.
	// [Result.Refused] says which rule for each channel.
	Refused
	// Deferred: the step holds only text, and quiet hours or a send cap
	// hold it back until [Result.Next].
	Deferred
)

// statusText is Status's text form: its names, indexed by value.
var statusText = enumname.Text[Status]{
	Type: "Status",
	Err:  &ErrUnknownName,
	Names: []string{
		Sent: "sent", Cancelled: "cancelled", Rescheduled: "rescheduled",
		Replanned: "replanned", Refused: "refused", Deferred: "deferred",
	},
}

// String returns the status's camelCase name.
func (s Status) String() string { return statusText.String(s) }

// MarshalText returns the status's name, and "" for the zero Status.
// Another value is an error wrapping [ErrUnknownName].
func (s Status) MarshalText() ([]byte, error) { return statusText.Marshal(s) }

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads a name
// [Status.MarshalText] writes, in any case. "" is the zero Status. Another
// text is an error wrapping [ErrUnknownName].
func (s *Status) UnmarshalText(b []byte) error { return statusText.Unmarshal(b, s) }

// The refusals of [Engine.Deliver] that are not a policy rule's.
var (
	// ErrOptedOut: the customer opted out of the channel after the
	// follow-up was planned.
	ErrOptedOut = errors.New("followup: the customer opted out of the channel")
	// ErrChannelDisabled: the settings the engine was built with no longer
	// enable the channel the follow-up was planned on.
	ErrChannelDisabled = errors.New("followup: the settings no longer enable the channel")
	// ErrUnreachable: the customer's contact no longer reaches the channel
	// (the host removed the phone number or the email address, or the push
	// target) and none other that the settings enable is left.
	ErrUnreachable = errors.New("followup: the contact no longer reaches the channel")
)

// ErrMayHaveGone refuses a message that failed transiently
// ([Record.Transient]) and may have gone, when sending it again is not
// safe: its first transient failure is [Options.RetryWindow] ago or more, so
// the provider may have forgotten its key, or it would now go as the other
// text message (an opt-out or the settings changed since), under another
// key.
var ErrMayHaveGone = errors.New("followup: the message may have gone, and sending it again is not safe")

// ErrQuietHours is [Result.DeferredBy] when quiet hours hold a text back.
var ErrQuietHours = errors.New("followup: quiet hours")

// A Refusal is a channel a rule kept a follow-up off, and the rule's error:
// [policy.ErrPaymentMethodRequired], [ErrOptedOut], [ErrChannelDisabled],
// [ErrUnreachable], [policy.ErrConsentRequired], [policy.ErrBadPurpose] (the
// contact's Purpose is not one the policy knows),
// [policy.ErrRegionNotAllowed], [ErrTooLong] for a text that fits no text
// message (or an AlimTalk too long, with no SMS sender for its text to go
// as an SMS), [ErrAlimTalkUnfilled] for an AlimTalk a variable of which has
// no value, with no SMS sender, or [ErrMayHaveGone] for a message that
// failed transiently and cannot safely go again. A send cap defers a text
// ([Result.Deferred]) until the cap has room, and refuses it, with the
// [*policy.CapError], only when that would make it more than
// [Options.CapWait] late.
type Refusal struct {
	// Channel is the channel refused. A text refusal names the step's text
	// channel, AlimTalk or SMS.
	Channel notify.Channel
	// Err is the rule's error, for errors.Is.
	Err error
}

// Result is what [Engine.Deliver] did, and what the host does next.
type Result struct {
	// Status is what happened.
	Status Status
	// Plan is the plan to deliver at Next: once a step went, or was
	// refused, the plan of what is due next, the follow-up's next step or
	// the conversation's next follow-up (with its own Key, so its own
	// job); otherwise the plan as checked again at delivery. The Report
	// says what went.
	Plan Plan
	// Report is the dispatcher's report, when Status is Sent. An entry
	// that failed with the context's error and no attempts was never
	// tried, because ctx ended first, and so was the substitute SMS of an
	// AlimTalk entry whose last attempt the customer refused: it has no
	// record, and Next covers it, though Report.Err lists it with the
	// failures.
	Report notify.Report
	// Refused lists the channels a rule kept the follow-up off, each with
	// the rule's error. Refused channels are recorded too, so they are not
	// tried again.
	Refused []Refusal
	// Deferred is the text channel held back, if any, DeferredUntil until
	// when, and DeferredBy why: [ErrQuietHours], or the error of
	// [policy.Caps.Check] for a send cap with no room now, which holds a
	// [*policy.CapError] for each full cap (both caps' errors joined when
	// both are full: use errors.As, not a type assertion). errors.Is
	// matches it to [policy.ErrRecipientCapReached] or
	// [policy.ErrWorkspaceCapReached], and [policy.CapRetryAt] reads when
	// the caps have room.
	// The text is not recorded; Next says when to deliver again.
	Deferred      notify.ChannelSet
	DeferredUntil time.Time
	DeferredBy    error
	// Records are what the host appends to [Conversation.FollowUps], in the
	// same transaction that marks the plan's job done.
	Records []Record
	// Texted reports whether a text message (AlimTalk or SMS) may have
	// gone ([notify.Entry.MayHaveSent]): delivered, or failed in a way
	// that does not rule out delivery, such as a timeout, which a provider
	// may have sent and billed. The host appends now to both lists of
	// [Conversation.Texts] for the caps, which so err on the side of the
	// cap. A text sent again after a transient failure ([Record.Transient])
	// was counted by the run that recorded the failure, and is not again:
	// the caps count it up to [Options.RetryWindow] before the try that
	// delivers it, so a sliding cap can let one more text through at the
	// edge of its window.
	Texted bool
	// Next is when to call Deliver again, with Plan: the follow-up's next
	// step (push first, escalation to email), deferred text, a message to
	// send again, a reschedule, or, once this follow-up is done, the
	// conversation's next follow-up if one is due already. A time in the
	// past means now. Zero means nothing more is due until the
	// conversation changes.
	Next time.Time
}

// Deliver sends the step of a follow-up that p planned, after checking the
// conversation as it is now: c is the host's current snapshot, now the
// current time. It is meant to run when the host's job for p fires, at
// p.SendAt; it is safe to run more than once for the same plan, as an
// at-least-once queue does, as long as the host records each Result's
// Records before the next run reads the conversation: a step already
// recorded is not sent again.
//
// p says which follow-up to deliver; what goes is the step the
// conversation calls for now, under the engine's settings and account,
// which may differ from p.Channels when they or the customer's opt-outs
// changed since p was planned. A channel of p that a rule now keeps off is
// refused (and recorded) with that rule's error; text that moves from
// AlimTalk to SMS is not refused.
//
// The checks, in order: is a follow-up still due (the customer may have seen
// the replies: [Cancelled]); is it still p's follow-up and due now (more
// replies may have joined it, or the customer may be back in the chat:
// [Rescheduled]; it may be finished and another be due: [Replanned]); then,
// per channel of the step, the rules of [Refusal]: the payment method for
// text, opt-outs, the purpose the contact was collected for, the country
// allowlist for text; then the send caps and quiet hours defer text
// ([Result.Deferred]; the step is [Deferred] if it held only text), or,
// past [Options.CapWait], the caps refuse it. The caps count only the sends
// the host lists in [Conversation.Texts].
//
// The engine only ever uses contact data for [policy.PurposeInquiry]:
// answering the customer's inquiry, never marketing. Which conversations a
// contact may answer is the host's to say, by the Contact it passes: the
// engine does not compare [Contact.Inquiry] with the conversation.
//
// Deliver then renders the messages in the customer's language (or the
// workspace's; the AlimTalk and its substitute always in the workspace's, see
// [Renderer.Render]), dispatches them through the host's senders and returns
// the report. The error is non-nil only when Deliver could not do its job,
// and then the Result is zero, nothing was sent and nothing is to be
// recorded: a context already done, an engine built with no senders
// ([NewEngine]), a conversation or reply without an ID or a time, or a
// record stored coarser than the replies ([Conversation.Validate]), or a
// template that failed to render. A failed send is a report entry, not an
// error. A message the dispatcher never tried, because ctx ended first, is
// not recorded: Next says when to send it. A message providers only
// rate-limited is recorded as RateLimited, within [Options.RateLimitWindow]
// of its first rate limit: it is sent again, and Next and its RetryAt are
// after its retry-after (an AlimTalk past the window goes as its substitute
// SMS, given an SMS sender). With [Options.RetryWindow] set, a message that
// failed transiently is recorded as Transient, and sent again within the
// window at Next, with the same idempotency key; past the window it is
// refused with [ErrMayHaveGone]. Every other failure, and a push that
// failed in any way, is recorded with Delivered false and not sent again.
func (e *Engine) Deliver(ctx context.Context, now time.Time, p Plan, c Conversation) (Result, error) {
	if err := ctx.Err(); err != nil {
		// Nothing can be sent: the queue runs the job again.
		return Result{}, err
	}
	if e.planOnly() {
		return Result{}, fmt.Errorf("followup: an engine built with no senders only plans: %w", notify.ErrNoSender)
	}
	if err := c.Validate(); err != nil {
		return Result{}, err
	}
	var b batch
	cur := e.plan(now, &c, &b)
	res := Result{Plan: cur}

	// What p planned and the engine can no longer send, and why. It is
	// used only while cur is still p's follow-up. A channel already on the
	// record under p's key (a duplicate job, or a later step's run) is
	// not lost: it went, or was refused, then.
	handled, pending := recordedChannels(&c, p.Key)
	lost := p.Channels.Without(cur.Channels).Without(handled)
	refuse := func(ch notify.Channel, err error) {
		res.Refused = append(res.Refused, Refusal{Channel: ch, Err: err})
	}
	// refuseLost refuses each lost channel that a rule keeps off (not one
	// already sent). Text that goes on the other text channel (SMS for an
	// AlimTalk the customer opted out of) is not lost.
	refuseLost := func() {
		textNow := !cur.Channels.Intersect(textChannels).Empty()
		for _, ch := range lost.Channels() {
			if textChannels.Has(ch) && textNow {
				continue
			}
			if err := e.lostBecause(ch, &c); err != nil {
				refuse(ch, err)
			}
		}
	}

	switch {
	case cur.Reason == OptedOut || cur.Reason == NoChannel || cur.Reason == NoContact:
		left := p.Channels.Without(handled)
		if left.Empty() {
			res.Status = Cancelled
			return res, nil
		}
		for _, ch := range left.Channels() {
			err := e.lostBecause(ch, &c)
			if err == nil {
				// Not opted out of, enabled and payable: the contact no
				// longer reaches it.
				err = ErrUnreachable
			}
			refuse(ch, err)
		}
		res.Status = Refused
		res.Records = e.records(p.Key, now, p.Through, res.Refused, nil, nil)
		return res, nil
	case cur.Reason == CustomerPresent || cur.Reason == NotAwayLongEnough:
		// The replies are still unseen; the customer may yet leave without
		// reading them, and no event tells the host when they go idle.
		res.Status, res.Next = Rescheduled, cur.Recheck
		return res, nil
	case cur.Reason == AlreadyFollowedUp && cur.Key == p.Key:
		// p's follow-up has nothing left to send. If that is because a rule
		// now keeps p's channels off (an escalation email after the email
		// question was turned off), say so, on the record.
		res.Status = Cancelled
		refuseLost()
		if len(res.Refused) > 0 {
			res.Status = Refused
			res.Records = e.records(p.Key, now, p.Through, res.Refused, nil, nil)
		}
		return res, nil
	case cur.Reason == AlreadyFollowedUp || (cur.Reason == Due && cur.Key != p.Key):
		// p's follow-up is finished, and a newer one is done or due. If p
		// left a message to go (one rate-limited, say) that a rule now
		// keeps off, which is why its follow-up is finished, say so, on
		// the record: else the replies it was to carry are left with no
		// record of why they never went. Only a message pending on the
		// record: a follow-up that never began has nothing to refuse (its
		// replies joined another one), and a record of it would make it
		// the newest follow-up again.
		res.Status = Cancelled
		if cur.Reason == Due {
			res.Status, res.Next = Replanned, cur.SendAt
		}
		for _, ch := range p.Channels.Without(handled).Intersect(pending).Channels() {
			if err := e.lostBecause(ch, &c); err != nil {
				refuse(ch, err)
			}
		}
		if len(res.Refused) > 0 {
			res.Records = e.records(p.Key, now, p.Through, res.Refused, nil, nil)
		}
		return res, nil
	case cur.Reason != Due:
		res.Status = Cancelled
		return res, nil
	case cur.SendAt.After(now):
		res.Status, res.Next = Rescheduled, cur.SendAt
		return res, nil
	}
	// A channel the plan had that the current plan lacks because of a rule
	// is refused, on the record.
	refuseLost()

	step := cur.Channels
	if err := policy.Permit(now, policy.PurposeInquiry, c.Contact.Purpose, c.Consents); err != nil {
		for _, ch := range step.Channels() {
			refuse(ch, err)
		}
		step = 0
	}
	text := step.Intersect(textChannels)
	var emailWait time.Time // an escalation email's retry-after, past now
	// A text that failed transiently before may have gone then.
	tried, textTried := transientText(&c, cur.Key)
	if !text.Empty() {
		if err := e.settings.textRegionError(c.Contact.Phone); err != nil {
			for _, ch := range text.Channels() {
				refuse(ch, err)
			}
			step = step.Without(text)
		} else if e.retryExpired(&c, cur.Key, textChannels, now) {
			for _, ch := range text.Channels() {
				refuse(ch, ErrMayHaveGone)
			}
			step = step.Without(text)
		} else if until, why := e.holdText(now, &c, textTried); why != nil && e.capTooLate(why, until, e.capDue(&c, cur.SendAt)) {
			for _, ch := range text.Channels() {
				refuse(ch, why)
			}
			step = step.Without(text)
		} else if why != nil {
			res.Deferred, res.DeferredUntil, res.DeferredBy = text, until, why
			step = step.Without(text)
		}
		// An escalating follow-up's email waits for the text. With the text
		// refused or held back, it goes now, as it does when the text was
		// not delivered, or once its own rate limit allows.
		if !step.Has(notify.ChannelEmail) && step.Intersect(text) != text && e.timing.Strategy == Escalating {
			if pending, wait := e.emailPending(now, &c, cur.Key); pending && wait.IsZero() {
				step = step.Add(notify.ChannelEmail)
			} else if pending {
				emailWait = wait
			}
		}
	}

	if step.Has(notify.ChannelEmail) && e.retryExpired(&c, cur.Key, notify.SetOf(notify.ChannelEmail), now) {
		refuse(notify.ChannelEmail, ErrMayHaveGone)
		step = step.Without(notify.SetOf(notify.ChannelEmail))
	}

	var msgs notify.Batch
	if !step.Empty() {
		var tooLong []Refusal
		var err error
		// An AlimTalk its provider rate-limited for the whole window
		// certainly never went: the text goes as its substitute SMS.
		// So does one whose substitute SMS failed transiently (the AlimTalk
		// itself certainly did not go): that SMS goes again, under its key.
		asSMS := step.Has(notify.ChannelAlimTalk) && e.smsAlone(&c) &&
			(e.alimTalkGaveUp(&c, cur.Key, now) || tried == notify.ChannelSMS)
		if msgs, tooLong, err = e.messages(&c, &b, step, asSMS, textTried); err != nil {
			return Result{}, err
		}
		res.Refused = append(res.Refused, tooLong...)
		// A text that may have gone goes again only as itself, under its
		// own key: not as the other text message (an opt-out or the
		// settings changed since), which has a key of its own.
		if textTried && (msgs.AlimTalk != nil && tried != notify.ChannelAlimTalk ||
			msgs.SMS != nil && tried != notify.ChannelSMS) {
			msgs.AlimTalk, msgs.SMS = nil, nil
			for _, ch := range step.Intersect(textChannels).Channels() {
				refuse(ch, ErrMayHaveGone)
			}
		}
	}
	if msgs == (notify.Batch{}) {
		// Nothing to send: every channel was refused or deferred, or only
		// text was due and it fits no text message.
		res.Status = Refused
		if !res.Deferred.Empty() {
			res.Status = Deferred
		}
	} else {
		dctx := ctx
		if end, ok := e.retryEnd(&c, cur.Key, batchChannels(msgs)); ok {
			// The dispatcher's own attempts at a message sent again must
			// end within its window too.
			var cancel context.CancelFunc
			dctx, cancel = context.WithTimeout(ctx, end.Sub(now))
			defer cancel()
		}
		res.Report = e.dispatcher().Dispatch(dctx, msgs)
		res.Status = Sent
		// A text sent again after a transient failure was counted then:
		// at most one of its tries reaches the customer.
		for _, en := range res.Report.Entries {
			res.Texted = res.Texted || textChannels.Has(en.Channel) && en.MayHaveSent() && !textTried
		}
	}
	// A message only rate-limited did not go: within the window from its
	// first rate limit it is recorded as such, to be sent again after its
	// retry-after. One that failed transiently may yet go: with a
	// RetryWindow, it is recorded to be sent again after a backoff. Push
	// is not sent again: text and email follow a push that did not go at
	// once.
	var retryAt time.Time
	retry := func(en notify.Entry, rec Record) Record {
		if en.Channel == notify.ChannelPush {
			return rec
		}
		// A message only rate-limited now that failed transiently before
		// may have gone then: it is sent again as Transient, under
		// RetryWindow.
		if onlyRateLimited(en) && !transientBefore(&c, cur.Key, en.Channel) {
			rec.RetryAt, rec.RateLimited = e.rateLimitRetry(&c, cur.Key, en, now)
		} else if mayPass(en) {
			// The message that may have gone, and goes again, is the one
			// of the last attempt: an AlimTalk's substitute SMS, when the
			// AlimTalk certainly did not go.
			if at, ok := e.transientRetry(&c, cur.Key, en, now); ok {
				rec.RetryAt, rec.Transient, rec.Channel = at, true, en.Attempts[len(en.Attempts)-1].Channel
			}
		}
		retryAt = later(retryAt, rec.RetryAt)
		return rec
	}
	res.Records = e.records(cur.Key, now, b.last, res.Refused, &res.Report, retry)
	switch {
	case !res.Deferred.Empty():
		// The deferred text is the next step: steps after it wait for it.
		// A message beside it that ctx kept the dispatcher from trying is
		// still due now.
		res.Next = res.DeferredUntil
		var untried time.Time
		if slices.ContainsFunc(res.Report.Entries, notTried) {
			untried = now
		}
		for _, at := range [...]time.Time{retryAt, emailWait, untried} {
			if !at.IsZero() && at.Before(res.Next) {
				res.Next = at
			}
		}
	case !retryAt.IsZero():
		res.Next = retryAt
		// An escalating follow-up's email goes while its text waits.
		if next := e.next(now, &c, res.Records); next.Due() && next.SendAt.Before(retryAt) {
			res.Plan, res.Next = next, next.SendAt
		}
	default:
		// What is due next, once the host has recorded this run: the
		// follow-up's next step, or the conversation's next follow-up.
		if next := e.next(now, &c, res.Records); next.Due() {
			res.Plan, res.Next = next, next.SendAt
		}
	}
	return res, nil
}

// rateLimitRetry says when en, which providers only rate-limited, is sent
// again: after its retry-after, or, when the provider gave none, after the
// backoff of [retryDelay], as for a transient failure (sent again at once,
// it would be sent again and again for the whole window); if that is
// before the end of RateLimitWindow from its first rate limit, or, for an
// AlimTalk, as Options.RateLimitWindow says. It returns false if it is not
// sent again.
func (e *Engine) rateLimitRetry(c *Conversation, k Key, en notify.Entry, now time.Time) (time.Time, bool) {
	first, n := firstPending(c, k, en.Channel, now, func(r *Record) bool { return r.RateLimited })
	end := first.Add(e.opts.rateLimitWindow())
	if !now.Before(end) {
		return time.Time{}, false
	}
	last := en.Attempts[len(en.Attempts)-1]
	at := now.Add(retryDelay(k, en.Channel, n+1))
	if d, _ := notify.RetryAfter(last.Err); d > 0 {
		at = now.Add(d)
	}
	switch {
	case at.Before(end):
	case en.Channel == notify.ChannelAlimTalk && last.Channel == notify.ChannelAlimTalk && e.smsAlone(c):
		// Past the window the text goes as SMS (alimTalkGaveUp): no
		// need to wait for the AlimTalk's provider.
		at = end
	case en.Channel == notify.ChannelAlimTalk:
		// The text has no SMS to go as past the window: the substitute
		// SMS is what was rate-limited, or the host has no SMS sender.
		// Given up, the text would be lost: its retry-after is waited
		// for, once.
	default:
		// A try at the window's end or past it would send the message
		// later than the window allows.
		return time.Time{}, false
	}
	return at, true
}

// transientRetry says when en, which failed in a way a later try may get
// past ([mayPass]), is sent again: after the backoff of [retryDelay], or
// the retry-after of a rate limit among its attempts if that is later. It
// returns false if that time is not within RetryWindow of the message's
// first transient failure: every try of a message that may have gone must
// reach the provider while it still remembers the key.
func (e *Engine) transientRetry(c *Conversation, k Key, en notify.Entry, now time.Time) (time.Time, bool) {
	first, n := firstPending(c, k, en.Channel, now, func(r *Record) bool { return r.Transient })
	at := now.Add(retryDelay(k, en.Channel, n+1))
	for _, a := range en.Attempts {
		if d, _ := notify.RetryAfter(a.Err); d > 0 {
			at = later(at, now.Add(d))
		}
	}
	if !at.Before(first.Add(e.opts.RetryWindow)) {
		return time.Time{}, false
	}
	return at, true
}

// retryExpired reports whether a message of follow-up k on a channel of set
// failed transiently RetryWindow ago or more: its provider may have
// forgotten its key, so it is not sent again, even if the host's job comes
// late for its retry, or quiet hours held it back past the window.
func (e *Engine) retryExpired(c *Conversation, k Key, set notify.ChannelSet, now time.Time) bool {
	end, ok := e.retryEnd(c, k, set)
	return ok && !now.Before(end)
}

// retryEnd returns the earliest end of RetryWindow among the messages of
// follow-up k on a channel of set that failed transiently, if any did.
func (e *Engine) retryEnd(c *Conversation, k Key, set notify.ChannelSet) (time.Time, bool) {
	var end time.Time
	found := false
	for i := range c.FollowUps {
		r := &c.FollowUps[i]
		if at := r.At.Add(e.opts.RetryWindow); r.Transient && r.Key == k && set.Has(r.Channel) && (!found || at.Before(end)) {
			end, found = at, true
		}
	}
	return end, found
}

// batchChannels returns the channels of b's messages: both text channels
// for its text message, since a text's records may name either.
func batchChannels(b notify.Batch) notify.ChannelSet {
	var set notify.ChannelSet
	if b.AlimTalk != nil || b.SMS != nil {
		set = textChannels
	}
	if b.Email != nil {
		set = set.Add(notify.ChannelEmail)
	}
	return set
}

// transientBefore reports whether channel ch of follow-up k failed
// transiently before (a Transient record).
func transientBefore(c *Conversation, k Key, ch notify.Channel) bool {
	_, n := firstPending(c, k, ch, time.Time{}, func(r *Record) bool { return r.Transient })
	return n > 0
}

// mayPass reports whether en failed in a way a later try may get past: a
// sender was called, and its last attempt failed neither permanently (an
// invalid recipient, a refusal, a template mismatch) nor by panicking or
// calling runtime.Goexit, bugs that trying again will not mend. That
// leaves transient errors, timeouts, abandoned calls, rate limits and calls
// the context cut off.
func mayPass(en notify.Entry) bool {
	n := len(en.Attempts)
	if en.Outcome != notify.Failed || n == 0 {
		return false
	}
	err := en.Attempts[n-1].Err
	return !notify.IsPermanent(err) && !errors.Is(err, notify.ErrSenderPanicked) && !errors.Is(err, notify.ErrSenderExited)
}

// Backoff across runs for a message that failed transiently, or was
// rate-limited without a retry-after: the first try again waits retryBase,
// each later one twice as long, up to retryMax.
const (
	retryBase = time.Minute
	retryMax  = 16 * time.Minute
)

// retryDelay is how long after its n-th transient failure, or rate limit
// without a retry-after (n ≥ 1), the message of channel ch of follow-up k is
// tried again: retryBase, doubling with each failure up to retryMax, plus up
// to half as much again. The extra is drawn from k, ch and n, not from a
// clock or a random source: a job the queue runs twice asks for the same
// time, and the follow-ups an outage failed together do not all come back in
// the same instant.
func retryDelay(k Key, ch notify.Channel, n int) time.Duration {
	d := min(retryBase<<min(n-1, 8), retryMax)
	h := fnv.New64a()
	h.Write([]byte(k.String()))
	h.Write([]byte{byte(ch), byte(n)})
	return d + time.Duration(h.Sum64()%uint64(d/2))
}

// transientText returns the text channel under which the text of
// follow-up k failed transiently before (a Transient record), if it did.
// That try may have gone, so the run that recorded it said
// [Result.Texted], and the host counted it for the caps. Its tries again go
// under the same key, so at most one reaches the customer: they count no
// more.
func transientText(c *Conversation, k Key) (notify.Channel, bool) {
	for i := range c.FollowUps {
		if r := &c.FollowUps[i]; r.Transient && r.Key == k && textChannels.Has(r.Channel) {
			return r.Channel, true
		}
	}
	return 0, false
}

// firstPending returns when channel ch of follow-up k was first recorded
// by a record kind matches, and how many such records it has; now and 0 if
// none.
func firstPending(c *Conversation, k Key, ch notify.Channel, now time.Time, kind func(*Record) bool) (time.Time, int) {
	first, n := now, 0
	for i := range c.FollowUps {
		r := &c.FollowUps[i]
		if r.Key != k || r.Channel != ch || !kind(r) {
			continue
		}
		n++
		if r.At.Before(first) {
			first = r.At
		}
	}
	return first, n
}

// alimTalkGaveUp reports whether the AlimTalk of follow-up k was
// rate-limited and its first rate limit is RateLimitWindow ago or more,
// and no attempt of it may have delivered it (a Transient record): only
// then may its substitute SMS go alone without the customer getting the
// text twice.
func (e *Engine) alimTalkGaveUp(c *Conversation, k Key, now time.Time) bool {
	first, _ := firstPending(c, k, notify.ChannelAlimTalk, now, func(r *Record) bool { return r.RateLimited })
	if transientBefore(c, k, notify.ChannelAlimTalk) {
		return false
	}
	return first.Before(now) && !now.Before(first.Add(e.opts.rateLimitWindow()))
}

// onlyRateLimited reports whether en failed with every attempt refused as a
// rate limit, so that the provider took none of them. An AlimTalk's own
// attempts before its substitute SMS do not count: the dispatcher sends the
// substitute only after attempts that certainly did not deliver the
// AlimTalk (a refusal, a rate limit), so an AlimTalk refused and whose
// substitute was only rate-limited did not go either.
func onlyRateLimited(en notify.Entry) bool {
	n := len(en.Attempts)
	if en.Outcome != notify.Failed || n == 0 {
		return false
	}
	substituted := en.Attempts[n-1].Channel != en.Channel
	for _, a := range en.Attempts {
		if substituted && a.Channel == en.Channel {
			continue
		}
		if !notify.IsRateLimited(a.Err) {
			return false
		}
	}
	return true
}

// next returns the plan due once the host has recorded records: the
// follow-up's next step, or the conversation's next follow-up if that one
// is finished and another is due already. A SendAt in the past means now.
// It is not Due when nothing is.
func (e *Engine) next(now time.Time, c *Conversation, records []Record) Plan {
	after := *c
	after.FollowUps = append(append([]Record(nil), c.FollowUps...), records...)
	return e.plan(now, &after, nil)
}

// lostBecause says which rule keeps ch off the conversation now, or nil if
// none does (the channel was sent already).
func (e *Engine) lostBecause(ch notify.Channel, c *Conversation) error {
	if optedOut(c, ch) {
		return ErrOptedOut
	}
	if ch != notify.ChannelPush && !e.settingsEnable(ch) {
		return ErrChannelDisabled
	}
	return policy.Payable(ch, e.account.HasPaymentMethod)
}

// recordedChannels returns the channels that follow-up k has a record of:
// handled, those that went, failed or were refused then, and are not
// refused again; and pending, those of messages still to be sent
// (rate-limited, or failed transiently). A text record counts for both
// text channels. (nextStep counts handled, its sent, in the pass over the
// records it makes anyway: Plan does not pay for a second one.)
func recordedChannels(c *Conversation, k Key) (handled, pending notify.ChannelSet) {
	for i := range c.FollowUps {
		r := &c.FollowUps[i]
		if r.Key != k {
			continue
		}
		set := notify.SetOf(r.Channel)
		if textChannels.Has(r.Channel) {
			set = textChannels
		}
		if r.pending() {
			pending |= set
		} else {
			handled |= set
		}
	}
	return handled, pending
}

// textChannels are the text channels: AlimTalk, and SMS, its substitute.
const textChannels = notify.ChannelSet(1<<notify.ChannelAlimTalk | 1<<notify.ChannelSMS)

// emailPending reports whether the follow-up k can still go out by email:
// the customer can be reached by email and k has no email on the record
// but ones still to be sent (rate-limited or failed transiently). If one
// of them asks to wait past now (Record.RetryAt), it also returns until
// when.
func (e *Engine) emailPending(now time.Time, c *Conversation, k Key) (bool, time.Time) {
	if avail, _ := e.available(c); !avail.Has(notify.ChannelEmail) {
		return false, time.Time{}
	}
	var wait time.Time
	for _, r := range c.FollowUps {
		if r.Key != k || r.Channel != notify.ChannelEmail {
			continue
		}
		if !r.pending() {
			return false, time.Time{}
		}
		if r.RetryAt.After(now) {
			wait = later(wait, r.RetryAt)
		}
	}
	return true, wait
}

// smsAlone reports whether a text may go as an SMS alone, in place of the
// AlimTalk: the customer did not opt out of SMS, and the host has an SMS
// sender (without one, an AlimTalk's substitute is left to its provider).
func (e *Engine) smsAlone(c *Conversation) bool {
	return e.has.Has(notify.ChannelSMS) && !optedOut(c, notify.ChannelSMS)
}

// optedOut reports whether the customer opted out of ch.
func optedOut(c *Conversation, ch notify.Channel) bool {
	for _, o := range c.OptOuts {
		if o == ch {
			return true
		}
	}
	return false
}

// settingsEnable reports whether the settings turn ch on, payment aside.
func (e *Engine) settingsEnable(ch notify.Channel) bool {
	return e.settings.Channels(Account{HasPaymentMethod: true}).Enabled.Has(ch)
}

// holdText says whether a text follow-up must wait, until when, and why: a
// cap that has no room now ([*policy.CapError]), or quiet hours
// ([ErrQuietHours]). A text counted already (a transient failure before,
// [transientText]) is in the caps' history: it does not wait for room
// beside itself.
func (e *Engine) holdText(now time.Time, c *Conversation, counted bool) (time.Time, error) {
	if err := e.settings.Text.Caps.Check(now, c.Texts.ToRecipient, c.Texts.ByWorkspace); err != nil && !counted {
		// Validated settings have well-formed caps: every error has a time.
		until, _ := policy.CapRetryAt(err)
		return until, err
	}
	if until, deferred := e.settings.Text.QuietHours.Defer(now, e.zone(c)); deferred {
		return until, ErrQuietHours
	}
	return time.Time{}, nil
}

// capTooLate reports whether why, the reason holdText holds a text back
// until until, is a send cap that would make the text due at due more
// than Options.CapWait late.
func (e *Engine) capTooLate(why error, until, due time.Time) bool {
	return e.opts.CapWait > 0 && errors.Is(why, policy.ErrCapReached) && until.Sub(due) > e.opts.CapWait
}

// capDue is when a text due at sendAt could go but for the send caps, the
// time [Options.CapWait] counts from: sendAt, or the end of the quiet hours
// it falls in. A night's wait is the quiet hours', not the caps'.
func (e *Engine) capDue(c *Conversation, sendAt time.Time) time.Time {
	if until, deferred := e.settings.Text.QuietHours.Defer(sendAt, e.zone(c)); deferred {
		return until
	}
	return sendAt
}

// zone is the customer's time zone for quiet hours.
func (e *Engine) zone(c *Conversation) *time.Location {
	if !c.Zone.IsZero() {
		return c.Zone.Location()
	}
	return e.settings.Text.TimeZone.Location()
}

// records returns what the host records for a step: one record per channel
// refused or dispatched, except a message the dispatcher never tried
// because ctx ended first, or an AlimTalk that certainly did not go whose
// substitute it so never tried: it is still to be sent. retry, if not nil,
// returns a message's record marked to be sent again if it is to be. (It
// takes and returns the record by value: a pointer passed through a func
// value would move every record to the heap.)
func (e *Engine) records(k Key, now, through time.Time, refused []Refusal, r *notify.Report, retry func(notify.Entry, Record) Record) []Record {
	var out []Record
	for _, f := range refused {
		out = append(out, Record{Key: k, Channel: f.Channel, At: now, Through: through})
	}
	if r == nil {
		return out
	}
	for _, en := range r.Entries {
		if notTried(en) {
			continue
		}
		rec := Record{Key: k, Channel: en.Channel, At: now, Through: through, Delivered: en.Succeeded()}
		if retry != nil {
			rec = retry(en, rec)
		}
		out = append(out, rec)
	}
	return out
}

// notTried reports whether en is still to be sent because ctx ended before
// the dispatcher called the sender it was to call next: the message's own
// (en has no attempts), or an AlimTalk's substitute SMS (its last attempt is
// the AlimTalk's, refused permanently, and no attempt may have delivered
// the AlimTalk, which is when the dispatcher goes on to the substitute).
// Recorded, such an AlimTalk would leave the text step done with no text
// sent; left unrecorded, the next run tries it again, and on its refusal the
// substitute.
func notTried(en notify.Entry) bool {
	if en.Outcome != notify.Failed || !(errors.Is(en.Err, context.Canceled) || errors.Is(en.Err, context.DeadlineExceeded)) {
		return false
	}
	n := len(en.Attempts)
	if n == 0 {
		return true
	}
	last := en.Attempts[n-1]
	return en.Channel == notify.ChannelAlimTalk && last.Channel == notify.ChannelAlimTalk && notify.IsPermanent(last.Err) &&
		!en.MayHaveSent()
}

// builtinRenderer is the zero Renderer: the built-in templates.
var builtinRenderer Renderer

func (e *Engine) dispatcher() *notify.Dispatcher {
	return &notify.Dispatcher{Senders: e.senders, Options: e.opts.Dispatch}
}

// messages renders the step's messages. A text message that does not fit
// its channel is refused rather than failing the step: it never would fit,
// and the rest of the step still goes. An AlimTalk that does not fit goes
// out as its SMS, and so does one with asSMS set, as its substitute alone.
// With textTried set (the text failed transiently before), an AlimTalk goes
// without its substitute.
func (e *Engine) messages(c *Conversation, b *batch, step notify.ChannelSet, asSMS, textTried bool) (notify.Batch, []Refusal, error) {
	var replies []Reply
	for i := range c.Unseen {
		if r := &c.Unseen[i]; b.holds(r) {
			replies = append(replies, *r)
		}
	}
	d := RenderData{
		Workspace:    e.opts.Workspace,
		CustomerName: c.Contact.Name,
		Replies:      replies,
		Earlier:      c.Earlier,
	}
	if e.opts.Link != nil {
		d.Link = e.opts.Link(*c)
	}
	r := e.opts.Renderer
	if r == nil {
		r = &builtinRenderer
	}
	content, long, err := r.render(c.Locale, e.settings.Locale, d, step)
	if err != nil {
		return notify.Batch{}, nil, err
	}
	var out notify.Batch
	var refused []Refusal
	phone := c.Contact.Phone.E164
	sms := func(text, subject string) *notify.SMS {
		m := &notify.SMS{Key: b.key.For(notify.ChannelSMS), From: digits(e.settings.Text.SenderNumber), To: phone, Text: text}
		if k, _ := notify.KindOf(text); k == notify.KindLMS {
			m.Subject = subject
		}
		return m
	}
	switch text := step.Intersect(textChannels); {
	case asSMS && content.SubstituteText != "":
		// The AlimTalk's provider gave up on it: its substitute goes alone.
		out.SMS = sms(content.SubstituteText, content.SubstituteSubject)
	case step.Has(notify.ChannelAlimTalk) && content.AlimTalkText != "" && !asSMS:
		a := &notify.AlimTalk{Key: b.key.For(notify.ChannelAlimTalk), To: phone, SenderKey: e.opts.KakaoSenderKey,
			TemplateCode: e.settings.Text.AlimTalkTemplate, Variables: content.AlimTalkVariables,
			Text: content.AlimTalkText}
		// A customer who opted out of SMS gets no substitute SMS. Nor does
		// an AlimTalk sent again after a transient failure: that try may
		// have delivered it, as the dispatcher rules for its own attempts,
		// and a provider may refuse the new try as a duplicate.
		if content.SubstituteText != "" && !optedOut(c, notify.ChannelSMS) && !textTried {
			a.Substitute = sms(content.SubstituteText, content.SubstituteSubject)
		}
		if d.Link != "" {
			a.Buttons = []notify.Button{{Name: e.opts.buttonName(langOf(content.AlimTalkLocale)), MobileURL: d.Link}}
		}
		out.AlimTalk = a
	case text.Empty():
	case optedOut(c, notify.ChannelSMS):
		// The AlimTalk cannot be built and its SMS would go instead, but
		// the customer opted out of SMS.
		for _, ch := range text.Channels() {
			refused = append(refused, Refusal{Channel: ch, Err: ErrOptedOut})
		}
	case step.Has(notify.ChannelAlimTalk) && !e.has.Has(notify.ChannelSMS):
		// The AlimTalk cannot be built, and there is no SMS sender for
		// its text to go as an SMS instead: say why.
		why := long.alimTalk
		if why == nil {
			why = ErrAlimTalkUnfilled // a variable with no value
		}
		for _, ch := range text.Channels() {
			refused = append(refused, Refusal{Channel: ch, Err: why})
		}
	case long.sms == nil:
		out.SMS = sms(content.SMSText, content.SMSSubject)
	default:
		for _, ch := range text.Channels() {
			refused = append(refused, Refusal{Channel: ch, Err: long.sms})
		}
	}
	if step.Has(notify.ChannelEmail) {
		out.Email = &notify.Email{Key: b.key.For(notify.ChannelEmail), To: c.Contact.Email, ReplyTo: e.opts.ReplyTo,
			Subject: content.EmailSubject, Text: content.EmailText, HTML: content.EmailHTML}
	}
	if step.Has(notify.ChannelPush) {
		out.Push = &notify.Push{Key: b.key.For(notify.ChannelPush), To: c.PushTarget,
			Title: content.PushTitle, Body: content.PushBody,
			Data: map[string]string{"conversation": c.ID, "followup": b.key.String()}}
	}
	return out, refused, nil
}
