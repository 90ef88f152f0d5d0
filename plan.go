package followup

import (
	"time"

	"github.com/followup-go/followup/internal/enumname"
	"github.com/followup-go/followup/notify"
)

// Reason says whether a follow-up is due and, if not, why not. A host
// switches on it.
type Reason uint8

// The reasons, in the order [Engine.Plan] checks them.
const (
	// Due: a follow-up is to be sent at [Plan.SendAt] on [Plan.Channels].
	Due Reason = iota + 1
	// AgentStartedUnanswered: an agent started the chat and the customer
	// never wrote in it; such chats are not followed up.
	AgentStartedUnanswered
	// NothingUnseen: the customer has seen every reply.
	NothingUnseen
	// Malformed: the conversation has no ID, or an unseen reply that is
	// not marketing has no ID or no time, so no follow-up can be keyed or
	// batched; or the newest record's Through is before the reply that
	// opened its follow-up ([ErrThroughBeforeReply]). The host's data needs
	// fixing: [Conversation.Validate] says what is wrong, and
	// [Engine.Deliver] returns that error.
	Malformed
	// OnlyMarketing: the only replies not yet followed up are marketing
	// messages, which are never followed up.
	OnlyMarketing
	// AlreadyFollowedUp: every unseen reply has been followed up on every
	// channel its follow-up uses.
	AlreadyFollowedUp
	// NoContact: the customer gave no phone number that can receive text
	// and no email address, and has no push target the engine can use (a
	// push target counts only for an engine with a push sender, or one that
	// only plans).
	NoContact
	// NoChannel: the customer's contact points match no channel the settings
	// enable and the account can pay for.
	NoChannel
	// OptedOut: the customer opted out of every channel that could reach them.
	OptedOut
	// CustomerPresent: the customer is in the chat and will see the replies
	// there. [Plan.Recheck] says when they would count as away if nothing
	// changes.
	CustomerPresent
	// NotAwayLongEnough: the customer left or switched away, but less long
	// ago than the settings require. Plan again at [Plan.Recheck].
	NotAwayLongEnough
)

// reasonText is Reason's text form: its names, indexed by value.
var reasonText = enumname.Text[Reason]{
	Type: "Reason",
	Err:  &ErrUnknownName,
	Names: []string{
		Due:                    "due",
		AgentStartedUnanswered: "agentStartedUnanswered",
		NothingUnseen:          "nothingUnseen",
		Malformed:              "malformed",
		OnlyMarketing:          "onlyMarketing",
		AlreadyFollowedUp:      "alreadyFollowedUp",
		NoContact:              "noContact",
		NoChannel:              "noChannel",
		OptedOut:               "optedOut",
		CustomerPresent:        "customerPresent",
		NotAwayLongEnough:      "notAwayLongEnough",
	},
}

// String returns the reason's camelCase name, "due" for [Due], or
// "Reason(N)" for a value that is none of the constants.
func (r Reason) String() string { return reasonText.String(r) }

// MarshalText implements [encoding.TextMarshaler]: the reason's name, and
// "" for the zero Reason (no plan). Another value is an error wrapping
// [ErrUnknownName].
func (r Reason) MarshalText() ([]byte, error) { return reasonText.Marshal(r) }

// UnmarshalText implements [encoding.TextUnmarshaler]: it reads a name
// [Reason.MarshalText] writes, in any case. "" is the zero Reason. Another
// text is an error wrapping [ErrUnknownName].
func (r *Reason) UnmarshalText(b []byte) error { return reasonText.Unmarshal(b, r) }

// Plan is the engine's answer to "is a follow-up due?". When Reason is [Due],
// Key, SendAt and Channels say what to schedule; otherwise Reason says why
// not, and Recheck may say when to ask again.
//
// A Plan is a small value with no pointers into the conversation. Its JSON
// form is a job's payload: it reads back as the same Plan, its times the
// same instants (time.Time.Equal), though in a fixed zone rather than the
// [time.Location] they had, as any time.Time does; compare plans with
// Equal on the times, or with go-cmp, not with ==.
type Plan struct {
	// Reason is Due, or why no follow-up is due.
	Reason Reason `json:"reason"`
	// Key identifies the follow-up (its batch of replies). It is set when
	// Reason is Due, for AlreadyFollowedUp, and for CustomerPresent and
	// NotAwayLongEnough (the follow-up that waits for the customer to be
	// away).
	Key Key `json:"key,omitzero"`
	// SendAt is when the follow-up's next step is due; it may be in the
	// past, meaning now. The host schedules [Engine.Deliver] for then.
	SendAt time.Time `json:"sendAt,omitzero"`
	// Channels are the channels of the step due at SendAt. For text it holds
	// AlimTalk or SMS; an AlimTalk message carries its SMS substitute.
	Channels notify.ChannelSet `json:"channels,omitzero"`
	// Recheck is when the answer may change if nothing else does, for
	// CustomerPresent and NotAwayLongEnough; zero otherwise.
	Recheck time.Time `json:"recheck,omitzero"`
	// Replies is how many replies the follow-up carries; Through is when
	// the newest of them was sent.
	Replies int       `json:"replies,omitzero"`
	Through time.Time `json:"through,omitzero"`
}

// Due reports whether a follow-up is due (possibly later, at SendAt).
func (p Plan) Due() bool { return p.Reason == Due }

// Record is what the host stores after [Engine.Deliver]: one per channel of
// a follow-up step, sent or refused. The host passes them back in
// [Conversation.FollowUps]; planning reads them to know what was done.
type Record struct {
	// Key is the follow-up's key.
	Key Key `json:"key"`
	// Channel is the step's channel. A text follow-up that went out as the
	// AlimTalk message's SMS substitute is recorded as ChannelAlimTalk; one
	// sent as SMS in its place (an AlimTalk that could not be built, or
	// rate-limited past [Options.RateLimitWindow]) as ChannelSMS. A
	// Transient record names the message that may have gone: ChannelSMS
	// when it was the substitute, which then goes again alone. Planning
	// counts either as the text step.
	Channel notify.Channel `json:"channel"`
	// At is when the step was handled.
	At time.Time `json:"at"`
	// Through is when the newest reply the follow-up carried was sent.
	// Store it to the precision of the replies' times ([Reply.At]): a
	// reply counts as followed up when its time is not after a record's
	// Through, so a Through cut to whole seconds leaves a reply sent at
	// 14:00:00.5 not followed up. When that reply is the one that opened
	// the newest follow-up, Plan answers [Malformed] and Deliver returns
	// [ErrThroughBeforeReply]; a later reply of the batch that the cut
	// leaves after Through goes again in a follow-up of its own, which the
	// engine cannot tell from a new reply.
	Through time.Time `json:"through"`
	// Delivered reports whether the message reached the provider. A step
	// that failed or was refused by a guard is recorded too, with false,
	// so it is not tried again.
	Delivered bool `json:"delivered"`
	// RateLimited marks a message providers only rate-limited (Delivered
	// is false): it certainly did not go and is to be sent again, so
	// planning does not count it as sent. The first such record of a
	// channel starts [Options.RateLimitWindow].
	RateLimited bool `json:"rateLimited,omitempty"`
	// Transient marks a message whose send failed in a way a later try may
	// get past (a transient error, a timeout, a call the context cut off),
	// recorded within [Options.RetryWindow] of its first such failure: it
	// is to be sent again, with the same idempotency key, so planning does
	// not count it as sent. Unlike a RateLimited one it may have gone
	// ([notify.Entry.MayHaveSent]); the provider's duplicate check on the
	// key is what keeps the customer from getting it twice. Delivered is
	// false. Only an engine with a RetryWindow records it.
	Transient bool `json:"transient,omitempty"`
	// RetryAt is when a RateLimited or Transient message may be sent
	// again: after the provider's retry-after, or the engine's backoff.
	// Planning does not make its step due before then, so a job the queue
	// runs again early does not call the provider again. Zero means at
	// once.
	RetryAt time.Time `json:"retryAt,omitzero"`
}

// pending reports whether r is a message still to be sent: rate-limited or
// failed transiently, and recorded to be sent again.
func (r *Record) pending() bool { return r.RateLimited || r.Transient }

// batch is a follow-up: the non-marketing unseen replies sent in [lo, hi).
type batch struct {
	key         Key
	lo, hi      time.Time
	last        time.Time // the batch's newest reply
	count       int
	sendAt      time.Time // when its first step is due, for a new batch
	fromHistory bool      // a follow-up in progress, found through the records
}

func (b *batch) add(at time.Time) {
	if b.count == 0 || at.After(b.last) {
		b.last = at
	}
	b.count++
}

// freeze fixes the bounds of the follow-up in progress b from its records.
// b keeps every reply they carried, up to their newest Through, even past
// MaxWait should the settings have shortened it since: a message still to
// go (rate-limited, say) carries them when it goes, and the records count
// them as followed up. And once one of its messages failed transiently (a
// Transient record), b is closed to later replies: that message goes again
// under the same idempotency key, and if it had gone the first time, the
// provider drops the new try as a duplicate, with any reply that joined
// since. Later replies start the next follow-up.
//
// through is the newest Through of b's records: b is the newest follow-up,
// the one whose record has the newest Through of all.
func (b *batch) freeze(c *Conversation, through time.Time) {
	closed := false
	for i := range c.FollowUps {
		if r := &c.FollowUps[i]; r.Transient && r.Key == b.key {
			closed = true
			break
		}
	}
	if closed || !through.Before(b.hi) {
		b.hi = through.Add(time.Nanosecond)
	}
}

func (b *batch) holds(r *Reply) bool {
	return !r.Marketing && !r.At.Before(b.lo) && r.At.Before(b.hi)
}

// Plan says whether a follow-up of the conversation is due, when, on which
// channels and under which key, or why none is due. It reads no clock (now
// is the current time), keeps nothing, and does not allocate: call it on
// every event of a conversation (a reply, a presence change, a history
// update), on any instance.
//
// The checks, in order: an agent-started chat the customer never answered;
// replies unseen; IDs and times ([Conversation.Validate]); marketing only;
// already followed up; contact; channels; opt-outs; presence.
//
// Batching: a follow-up carries the unseen replies from its first up to
// [Timing.MaxWait] after it. It is due [Timing.Delay] after its newest reply,
// and at most MaxWait after its first. A reply that arrives while a
// follow-up still has steps to send joins it, unless one of its messages
// failed transiently and is to be sent again ([Record.Transient]); a later
// one starts the next batch, with a new [Key].
//
// Steps: with a push target, push goes first and the rest
// [Timing.PushWait] later unless the push was opened (at once if it was not
// delivered); a push target that appears once text or email went adds no
// push to the follow-up. Text and email go together, or, with the
// [Escalating] strategy, email [Timing.EscalateAfter] after text (at once
// if the text was not delivered).
func (e *Engine) Plan(now time.Time, c Conversation) Plan {
	return e.plan(now, &c, nil)
}

// plan is Plan; when out is not nil, it also stores there the batch the
// plan is for, for Deliver to render.
func (e *Engine) plan(now time.Time, c *Conversation, out *batch) Plan {
	if c.StartedBy == Agent && !c.CustomerWrote {
		return Plan{Reason: AgentStartedUnanswered}
	}
	if len(c.Unseen) == 0 {
		return Plan{Reason: NothingUnseen}
	}
	if c.ID == "" {
		return Plan{Reason: Malformed}
	}
	avail, availReason := e.available(c)

	// The newest follow-up in the history, and whether it has steps left.
	var done time.Time
	var cur batch
	for i := range c.FollowUps {
		if r := &c.FollowUps[i]; !r.Through.Before(done) {
			done, cur.key = r.Through, r.Key
		}
	}
	curOpen := false
	var curAt time.Time
	var curStep notify.ChannelSet
	if !cur.key.IsZero() {
		for i := range c.Unseen {
			r := &c.Unseen[i]
			if r.ID != cur.key.Reply {
				continue
			}
			if r.At.After(done) {
				// The reply that opened the follow-up is after its
				// record's Through: the host stored Through coarser than
				// the replies' times ([ErrThroughBeforeReply]).
				return Plan{Reason: Malformed}
			}
			// A reply without a time opens nothing: it is Malformed,
			// below. Nor does one the host has since marked as
			// marketing, which is never followed up.
			if availReason == 0 && !r.At.IsZero() && !r.Marketing {
				cur.lo, cur.hi, cur.fromHistory = r.At, r.At.Add(e.timing.MaxWait), true
				cur.freeze(c, done)
				curAt, curStep, curOpen = e.nextStep(c, &cur, avail)
			}
			break
		}
	}

	// Sort the unseen replies: the follow-up in progress, a new batch,
	// replies already followed up, marketing.
	// Unseen is documented oldest first, so the new batch is built in the
	// same pass; replies out of order fall back to a second pass.
	next := batch{}
	first, marketing, old, unsorted, malformed := -1, false, false, false, false
	for i := range c.Unseen {
		r := &c.Unseen[i]
		switch {
		case r.ID == "" && !r.Marketing:
			malformed = true
		case curOpen && cur.holds(r):
			cur.add(r.At)
		case r.Marketing:
			marketing = marketing || r.At.After(done)
		case !r.At.After(done):
			// A reply without a time lands here: it is after nothing.
			old = true
			malformed = malformed || r.At.IsZero()
		case first < 0:
			first = i
			next = batch{key: Key{Conversation: c.ID, Reply: r.ID}, lo: r.At, hi: r.At.Add(e.timing.MaxWait)}
			next.add(r.At)
		case !r.At.After(next.lo) && earlier(r, &c.Unseen[first]):
			unsorted = true
		case r.At.Before(next.hi):
			next.add(r.At)
		}
	}
	if malformed {
		return Plan{Reason: Malformed}
	}
	if unsorted {
		for i := range c.Unseen {
			r := &c.Unseen[i]
			if !(curOpen && cur.holds(r)) && !r.Marketing && r.At.After(done) && earlier(r, &c.Unseen[first]) {
				first = i
			}
		}
		f := &c.Unseen[first]
		next = batch{key: Key{Conversation: c.ID, Reply: f.ID}, lo: f.At, hi: f.At.Add(e.timing.MaxWait)}
		for i := range c.Unseen {
			if r := &c.Unseen[i]; !(curOpen && cur.holds(r)) && next.holds(r) {
				next.add(r.At)
			}
		}
	}
	if first >= 0 {
		next.sendAt = next.last.Add(e.timing.Delay)
		if next.sendAt.After(next.hi) {
			next.sendAt = next.hi
		}
	}

	switch {
	case curOpen || first >= 0:
	case marketing:
		return Plan{Reason: OnlyMarketing}
	case old:
		return Plan{Reason: AlreadyFollowedUp, Key: cur.key}
	default:
		return Plan{Reason: NothingUnseen}
	}
	if availReason != 0 {
		return Plan{Reason: availReason}
	}

	b, at, step := &cur, curAt, curStep
	if !curOpen {
		b = &next
		at, step, _ = e.nextStep(c, &next, avail) // a new batch always has a step
	}
	switch until, state := e.timing.away(now, c.Presence); state {
	case present:
		return Plan{Reason: CustomerPresent, Key: b.key, Recheck: until}
	case leaving:
		return Plan{Reason: NotAwayLongEnough, Key: b.key, Recheck: until}
	}
	if out != nil {
		*out = *b
	}
	return Plan{Reason: Due, Key: b.key, SendAt: at, Channels: step, Replies: b.count, Through: b.last}
}

// earlier reports whether reply a comes before b: it was sent earlier, or
// at the same time with a smaller ID, so that replies stored at the same
// second name the same batch in whatever order the host lists them.
func earlier(a, b *Reply) bool {
	return a.At.Before(b.At) || a.At.Equal(b.At) && a.ID < b.ID
}

// available returns the channels that can reach this customer now: enabled
// by the settings, payable, matching the contact, not opted out.
func (e *Engine) available(c *Conversation) (notify.ChannelSet, Reason) {
	var reach notify.ChannelSet
	if c.Contact.Phone.CanText() {
		reach = reach.Add(notify.ChannelAlimTalk).Add(notify.ChannelSMS)
	}
	if c.Contact.Email != "" {
		reach = reach.Add(notify.ChannelEmail)
	}
	if c.PushTarget != "" && (e.has.Has(notify.ChannelPush) || e.planOnly()) {
		reach = reach.Add(notify.ChannelPush)
	}
	if reach.Empty() {
		return 0, NoContact
	}
	avail := reach.Intersect(e.enabled.Add(notify.ChannelPush))
	if avail.Empty() {
		return 0, NoChannel
	}
	for _, o := range c.OptOuts {
		avail = avail.Remove(o)
	}
	if avail.Empty() {
		return 0, OptedOut
	}
	// Text goes out on one channel: AlimTalk, with SMS as its substitute,
	// or SMS alone.
	if avail.Has(notify.ChannelAlimTalk) {
		avail = avail.Remove(notify.ChannelSMS)
	}
	return avail, 0
}

// nextStep returns the first step of the batch that has not been handled,
// with when it is due.
func (e *Engine) nextStep(c *Conversation, b *batch, avail notify.ChannelSet) (time.Time, notify.ChannelSet, bool) {
	text := avail.Intersect(textChannels)
	email := avail.Intersect(notify.SetOf(notify.ChannelEmail))
	push := avail.Intersect(notify.SetOf(notify.ChannelPush))

	var pushAt, textAt time.Time
	var textRetry, emailRetry time.Time // when a message still to be sent may go
	var textFailedAt time.Time          // the first try of a text still to be sent
	var sent notify.ChannelSet
	pushDelivered, textDelivered := false, false
	start := b.sendAt
	if b.fromHistory {
		start = time.Time{}
		for i := range c.FollowUps {
			r := &c.FollowUps[i]
			if r.Key != b.key {
				continue
			}
			if start.IsZero() || r.At.Before(start) {
				start = r.At
			}
			if r.pending() {
				// Still to be sent, once the provider allows.
				if textChannels.Has(r.Channel) {
					textRetry = later(textRetry, r.RetryAt)
					if textFailedAt.IsZero() || r.At.Before(textFailedAt) {
						textFailedAt = r.At
					}
				} else if r.Channel == notify.ChannelEmail {
					emailRetry = later(emailRetry, r.RetryAt)
				}
				continue
			}
			sent = sent.Add(r.Channel)
			switch r.Channel {
			case notify.ChannelPush:
				pushAt, pushDelivered = r.At, r.Delivered
			case notify.ChannelAlimTalk, notify.ChannelSMS:
				textAt, textDelivered = r.At, r.Delivered
				// A text step recorded under either text channel counts.
				sent = sent.Add(notify.ChannelAlimTalk).Add(notify.ChannelSMS)
			}
		}
		if sent.Has(notify.ChannelPush) && !c.PushOpened.IsZero() && !c.PushOpened.Before(pushAt) {
			return time.Time{}, 0, false
		}
	}

	// Step 1: push, before anything else went: a push target that appears
	// once text or email went would only add a notification after them.
	if !push.Without(sent).Empty() && !(b.fromHistory && began(c, b.key)) {
		return start, push, true
	}
	// The rest waits PushWait after a push that went, for the customer to
	// open it, even if push is no longer available (an opt-out since does
	// not open it); after a push that failed or was refused, or none, there
	// is nothing to wait for.
	main := start
	if !pushAt.IsZero() {
		main = pushAt
		if pushDelivered {
			main = main.Add(e.timing.PushWait)
		}
	}
	// Step 2: text, and email with it unless escalating.
	step := text.Without(sent)
	if e.timing.Strategy == Parallel {
		step |= email.Without(sent)
	}
	if !step.Empty() {
		at := main
		if !step.Intersect(textChannels).Empty() {
			at = later(at, textRetry)
		}
		// Escalating, a text still to be sent again was not delivered: the
		// email goes at once, as after a text that failed, unless the text
		// goes first.
		if pending := email.Without(sent); e.timing.Strategy == Escalating && !textFailedAt.IsZero() && !pending.Empty() {
			if mailAt := later(textFailedAt, emailRetry); mailAt.Before(at) {
				return mailAt, pending, true
			}
		}
		if step.Has(notify.ChannelEmail) {
			at = later(at, emailRetry)
		}
		return at, step, true
	}
	// Step 3: email after text, when escalating: at once when no text went
	// (none could, or it was not delivered), else EscalateAfter after it,
	// even if text has become unavailable since.
	if step = email.Without(sent); !step.Empty() {
		at := main
		if !textAt.IsZero() {
			at = textAt
			if textDelivered {
				at = at.Add(e.timing.EscalateAfter)
			}
		}
		return later(at, emailRetry), step, true
	}
	return time.Time{}, 0, false
}

// began reports whether a text or email of follow-up k is on the record.
func began(c *Conversation, k Key) bool {
	for i := range c.FollowUps {
		if r := &c.FollowUps[i]; r.Channel != notify.ChannelPush && r.Key == k {
			return true
		}
	}
	return false
}

// presence states of a customer.
const (
	away = iota
	present
	leaving // left or switched away, within the grace the settings give
)

// away says whether the customer counts as away at now; for present and
// leaving it also returns when they would count as away.
func (t Timing) away(now time.Time, p Presence) (time.Time, int) {
	since := p.Since
	if since.IsZero() {
		since = p.LastActive
	}
	var at time.Time
	switch {
	case !p.Open:
		at = since.Add(t.LeftAfter)
	case !p.Focused:
		at = since.Add(t.HiddenAfter)
	default:
		// Open and focused: idle since the later of the last activity and
		// the return to the chat, which is activity too.
		last := p.LastActive
		if p.Since.After(last) {
			last = p.Since
		}
		if at = last.Add(t.InactiveAfter); now.Before(at) {
			return at, present
		}
		return at, away
	}
	if now.Before(at) {
		return at, leaving
	}
	return at, away
}

// later returns the later of a and b.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
