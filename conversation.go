package followup

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/followup-go/followup/internal/enumname"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// Conversation is the host's snapshot of one chat, as it is at the moment the
// host asks the [Engine] a question. The engine keeps no state: everything it
// decides from is here, so the same snapshot always gives the same answer, on
// any instance.
//
// The engine never modifies a Conversation or anything its slices hold.
//
// A Conversation prints and logs without the texts of its messages, with
// its contact masked and its push target as a length ([Conversation.String],
// [Conversation.LogValue]) where it is itself the value printed or the slog
// value. Nested in a host's struct, slice or map, slog's
// JSON handler writes its JSON: the contact's real values and the texts.
// Log the Conversation itself.
//
// Its JSON form, in camelCase like the package's other stored types, holds
// the same real values and texts, for a host that caches or queues
// snapshots; it reads back as the same Conversation, its times the same
// instants in a fixed zone (see [Plan]). The engine never needs it: the
// host builds a snapshot from its own records.
type Conversation struct {
	// ID identifies the conversation; it is part of every follow-up's key,
	// and so of the job ids and the idempotency keys providers see. It must
	// be unique across every workspace that shares the host's queue and
	// providers: prefix ids numbered per workspace with the workspace's.
	// [Engine.Plan] answers [Malformed] for a conversation without one,
	// and [Engine.Deliver] refuses it ([ErrNoID]).
	ID string `json:"id"`
	// StartedBy says who opened the conversation.
	StartedBy Party `json:"startedBy,omitzero"`
	// CustomerWrote reports whether the customer ever wrote in it. A chat an
	// agent started that the customer never answered is not followed up.
	CustomerWrote bool `json:"customerWrote,omitzero"`
	// Unseen lists the agent replies the customer has not seen, oldest
	// first. Replies the customer has seen must not be listed.
	Unseen []Reply `json:"unseen,omitempty"`
	// Earlier lists a few messages before the unseen replies, oldest first,
	// shown in the follow-up for context (as Chatwoot does). Optional.
	Earlier []Message `json:"earlier,omitempty"`
	// Presence is what the chat widget last reported of the customer.
	Presence Presence `json:"presence,omitzero"`
	// Contact is the customer's contact information.
	Contact Contact `json:"contact,omitzero"`
	// Locale is the customer's language as a BCP 47 tag, if known.
	Locale string `json:"locale,omitempty"`
	// Zone is the customer's time zone, if known, for quiet hours. The zero
	// Zone means not known: the workspace's applies ([TextOptions.TimeZone]).
	// An explicit UTC ([policy.ZoneOf](time.UTC)) is known.
	Zone policy.Zone `json:"zone,omitzero"`
	// OptOuts lists the channels the customer asked not to be contacted on.
	OptOuts []notify.Channel `json:"optOuts,omitempty"`
	// Consents lists the consents the customer gave for purposes other than
	// the inquiry. The engine only uses contact data for the inquiry; see
	// [policy.Permit].
	Consents []policy.Consent `json:"consents,omitempty"`
	// PushTarget is the host's id for the customer's device or app install,
	// if push is possible. Empty means no push.
	PushTarget string `json:"pushTarget,omitempty"`
	// PushOpened is when the host last saw the customer open a push
	// notification of this conversation, by the host's clock; zero if
	// never. A push opened at or after the follow-up's push went (its
	// record's At) confirms it: the follow-up's text and email do not go.
	// One opened before cannot be that push, and stops nothing. (The push
	// also carries its follow-up's key in Data["followup"], for a host
	// that wants to tell which one was opened.)
	PushOpened time.Time `json:"pushOpened,omitzero"`
	// FollowUps lists what the engine told the host to record for this
	// conversation ([Result.Records]), oldest first. Append records; never
	// replace one: a message sent again after a rate limit has a record
	// for each try, and the first starts [Options.RateLimitWindow].
	FollowUps []Record `json:"followUps,omitempty"`
	// Texts is the host's history of text messages (AlimTalk and SMS) sent to
	// the customer's phone number, across all conversations, and by the whole
	// workspace, for the send caps, which are on by default
	// ([policy.DefaultCaps]). The caps count only what is listed here: left
	// empty, they never hold a text back. The host appends a send whenever
	// [Result.Texted] is true, and, since a cap is checked before the send,
	// serializes the deliveries that share a history (per workspace) or
	// accepts that concurrent deliveries may each see the last free place.
	Texts TextHistory `json:"texts,omitzero"`
}

// LogValue implements slog.LogValuer, so a host may log a conversation
// whole with any handler: its id, how many replies are unseen and follow-ups
// recorded, the customer's presence, language and opt-outs, the contact
// masked ([Contact.LogValue]), and the push target's length. The texts of
// replies and messages are left out: customers write their numbers and
// addresses into them.
func (c Conversation) LogValue() slog.Value {
	attrs := []slog.Attr{
		slog.String("id", c.ID),
		slog.Int("unseen", len(c.Unseen)),
		slog.Int("followUps", len(c.FollowUps)),
		slog.Bool("open", c.Presence.Open),
		slog.Any("contact", c.Contact),
	}
	if c.Locale != "" {
		attrs = append(attrs, slog.String("locale", c.Locale))
	}
	if len(c.OptOuts) > 0 {
		attrs = append(attrs, slog.Any("optOuts", c.OptOuts))
	}
	if c.PushTarget != "" {
		attrs = append(attrs, slog.String("pushTarget", textLength(c.PushTarget)))
	}
	return slog.GroupValue(attrs...)
}

// Party is who opened a conversation.
type Party uint8

// The parties.
const (
	// Customer: the customer opened the chat (the usual case).
	Customer Party = iota
	// Agent: an agent or a campaign opened the chat.
	Agent
)

// partyText is Party's text form: its names, indexed by value.
var partyText = enumname.Text[Party]{
	Type:  "Party",
	Err:   &ErrUnknownName,
	Names: []string{Customer: "customer", Agent: "agent"},
}

// String returns "customer" or "agent", or "Party(N)" for another value.
func (p Party) String() string { return partyText.String(p) }

// MarshalText implements [encoding.TextMarshaler]: "customer" or "agent".
// Another value is an error wrapping [ErrUnknownName].
func (p Party) MarshalText() ([]byte, error) { return partyText.Marshal(p) }

// UnmarshalText implements [encoding.TextUnmarshaler]: "customer" or "agent"
// in any case; "" is the zero value, [Customer]. Another text is an error
// wrapping [ErrUnknownName].
func (p *Party) UnmarshalText(b []byte) error { return partyText.Unmarshal(b, p) }

// Reply is an agent's message to the customer.
type Reply struct {
	// ID identifies the reply within its conversation; the first unseen
	// reply of a batch names the batch's key. [Engine.Plan] answers
	// [Malformed] for an unseen reply without one, and [Engine.Deliver]
	// refuses it ([ErrNoID]), unless it is Marketing: every batch would
	// have the same key.
	ID string `json:"id"`
	// Author is the agent's display name, shown in the follow-up.
	Author string `json:"author,omitempty"`
	// Text is the reply as the agent wrote it, plain text.
	Text string `json:"text"`
	// At is when the agent sent it. Store it to the precision it has: a
	// follow-up is recorded with the time of its newest reply
	// ([Record.Through]), and a reply with that time or an earlier one
	// counts as followed up, so a reply stored at the same second as one a
	// follow-up carried, but listed only after it went, is never followed
	// up. Replies at the same time are ordered by ID. An unseen reply that
	// is not Marketing must have one: Plan answers [Malformed] without it,
	// and Deliver returns [ErrNoTime].
	At time.Time `json:"at"`
	// Marketing marks a campaign or promotional message. Such messages are
	// never followed up: that would be advertising sent to contact data
	// collected for an inquiry.
	Marketing bool `json:"marketing,omitzero"`
}

// Message is an earlier message of the conversation, shown for context.
type Message struct {
	// FromCustomer reports whether the customer wrote it; otherwise an agent
	// did.
	FromCustomer bool `json:"fromCustomer,omitzero"`
	// Author is the display name of whoever wrote it.
	Author string `json:"author,omitempty"`
	// Text is the message, plain text.
	Text string `json:"text"`
	// At is when it was written.
	At time.Time `json:"at"`
}

// Presence is what the chat widget reports of the customer. The zero value
// means the page is closed and the customer was never active.
type Presence struct {
	// Open reports whether the chat page or screen is open.
	Open bool `json:"open,omitzero"`
	// Focused reports whether it is the focused tab or screen.
	Focused bool `json:"focused,omitzero"`
	// LastActive is the customer's last activity in the chat (typing,
	// scrolling, a message).
	LastActive time.Time `json:"lastActive,omitzero"`
	// Since is when Open or Focused last changed: when the customer left or
	// switched away, or came back. Zero means unknown, taken as LastActive.
	// A customer in the focused chat is idle from the later of LastActive
	// and Since: coming back counts as activity.
	Since time.Time `json:"since,omitzero"`
}

// TextHistory lists when text messages were sent, for the sending caps.
type TextHistory struct {
	// ToRecipient holds the send times of text messages to this customer's
	// phone number, in any conversation.
	ToRecipient []time.Time `json:"toRecipient,omitempty"`
	// ByWorkspace holds the send times of every text message the workspace
	// sent. A host may pass only those inside the cap's window.
	ByWorkspace []time.Time `json:"byWorkspace,omitempty"`
}

// ErrNoID is returned by [Conversation.Validate] and [Engine.Deliver] for a
// conversation, or an unseen reply that is not marketing, whose ID is empty.
// The IDs make the follow-up's [Key], and so the job id and the providers'
// idempotency keys: without them, follow-ups of different conversations, or
// batches of one, would share a key, and a provider would drop all but the
// first.
var ErrNoID = errors.New("followup: conversation or reply without an ID")

// ErrNoTime is returned by [Conversation.Validate] and [Engine.Deliver] for
// an unseen reply that is not marketing whose At is the zero time. Batching
// and the record of what was followed up go by the replies' times: a reply
// without one would read as followed up long ago, and never go.
var ErrNoTime = errors.New("followup: reply without a time")

// ErrThroughBeforeReply is returned by [Conversation.Validate] and
// [Engine.Deliver] when the newest follow-up record's Through is before the
// time of the reply its Key names, the reply that opened that follow-up:
// the host stored [Record.Through] at a coarser precision than [Reply.At]
// (whole seconds, or microseconds, against nanoseconds). Read so, the reply
// would count as not followed up, and its follow-up would go again at every
// run.
var ErrThroughBeforeReply = errors.New("followup: a follow-up record's Through is before the reply it followed up")

// Validate reports whether the engine can key and batch the conversation's
// follow-ups: it returns an error wrapping [ErrNoID] if the conversation,
// or an unseen reply that is not marketing, has no ID, [ErrNoTime] if such
// a reply has no time, or [ErrThroughBeforeReply] if the newest record
// (the greatest Through; of several, the last) is before the unseen reply
// its Key names; nil otherwise. The error names the first problem, by the
// reply's or record's index, never by its content.
//
// [Engine.Plan] makes the same checks and answers [Malformed];
// [Engine.Deliver] returns Validate's error. Marketing messages are never
// followed up, so they need neither ID nor time.
func (c Conversation) Validate() error {
	if c.ID == "" {
		return fmt.Errorf("%w: the conversation has none", ErrNoID)
	}
	for i := range c.Unseen {
		switch r := &c.Unseen[i]; {
		case r.Marketing:
		case r.ID == "":
			return fmt.Errorf("%w: unseen reply %d has none", ErrNoID, i)
		case r.At.IsZero():
			return fmt.Errorf("%w: unseen reply %d has none", ErrNoTime, i)
		}
	}
	newest := -1
	for i := range c.FollowUps {
		if newest < 0 || !c.FollowUps[i].Through.Before(c.FollowUps[newest].Through) {
			newest = i
		}
	}
	if newest >= 0 {
		f := &c.FollowUps[newest]
		if i := slices.IndexFunc(c.Unseen, func(r Reply) bool { return r.ID == f.Key.Reply }); i >= 0 && c.Unseen[i].At.After(f.Through) {
			return fmt.Errorf("%w: record %d, unseen reply %d: store Through to the precision of the replies' times", ErrThroughBeforeReply, newest, i)
		}
	}
	return nil
}
