package followup

import (
	"errors"
	"fmt"
	"time"

	"github.com/followup-go/followup/notify"
)

// Engine plans and delivers the follow-ups of one workspace. It holds the
// workspace's settings, its account and the host's senders; it keeps no
// state between calls, so build one from the workspace's current settings
// whenever they or the account change (building is cheap), and share it
// freely: an Engine is safe for concurrent use.
//
// The engine uses contact data only to answer the inquiry it was collected
// for ([policy.PurposeInquiry]); it never sends marketing.
//
// Make an Engine with [NewEngine]: the zero Engine has no settings, no
// senders and no timing defaults, and plans with zero delays.
type Engine struct {
	settings Settings
	account  Account
	senders  notify.Senders
	has      notify.ChannelSet // the channels senders can send ([notify.Senders.Available])
	opts     Options
	timing   Timing
	enabled  notify.ChannelSet // enabled by the settings and payable
}

// Options configure an [Engine]. The zero value is usable: messages name no
// workspace and carry no link back to the chat, use the built-in templates,
// and go out with the dispatcher's defaults. The exception is AlimTalk: when
// the settings name an AlimTalk template, whatever variable its body uses
// must have a value ([ErrAlimTalkUnfilled]); the built-in bodies use the
// workspace and the link.
type Options struct {
	// Workspace is the workspace's name, shown in every message.
	Workspace string
	// Link returns the URL that brings the customer back to the
	// conversation. Nil means no link. Deliver calls it from whatever
	// goroutine calls Deliver, so it must be safe for concurrent use.
	Link func(Conversation) string
	// Renderer renders the messages. Nil means the built-in templates.
	Renderer *Renderer
	// Dispatch configures sending: attempts, timeouts, backoff, logging.
	Dispatch notify.Options
	// ReplyTo is the Reply-To address of follow-up emails, such as the
	// workspace's support inbox. Empty means none.
	ReplyTo string
	// KakaoSenderKey is the workspace's Kakao sender profile key, passed
	// to the AlimTalk sender. Empty means the sender's own.
	KakaoSenderKey string
	// ButtonName labels the AlimTalk button that links back to the chat,
	// exactly as the approved template has it. Empty means the built-in
	// label of the message's language, which a host registers with the
	// built-in template: "상담 이어가기" (Korean), "Back to the chat"
	// (English) or "チャットに戻る" (Japanese). The button is a web link
	// whose mobile URL is [Options.Link]'s, and there is none without Link.
	ButtonName string
	// RateLimitWindow is how long after its first rate limit [Engine.Deliver]
	// keeps sending again a message that providers only rate-limited (every
	// attempt failed with a [notify.RateLimitError], so it certainly did not
	// go): it is recorded with [Record.RateLimited], which planning does not
	// count as sent, and Result.Next and [Record.RetryAt] are after its
	// retry-after, when Deliver tries it again; without one, after a backoff
	// of a minute, doubling with each rate limit up to 16 minutes, plus up to
	// half as much again drawn from the follow-up's key (as RetryWindow's
	// backoff). Once the window has passed, or when the next try would come
	// at its end or later, it is recorded as not delivered, except an
	// AlimTalk: the text then goes as its substitute SMS at the window's
	// end (unless the customer opted out of SMS, or the host has no SMS
	// sender); and an AlimTalk that has no SMS to go as, because its
	// substitute SMS is what was rate-limited or the host has no SMS
	// sender, waits for its retry-after once more, since giving it up
	// would lose the text. The window bounds when a try is scheduled: one
	// quiet hours hold back goes when they end. A push is never sent
	// again: text and email follow it at once. Zero means one hour; a
	// negative value never sends a rate-limited message again.
	RateLimitWindow time.Duration
	// RetryWindow is how long after its first transient failure
	// [Engine.Deliver] keeps sending again a message whose attempts failed
	// in ways a later try may get past: a transient error, a timeout, an
	// abandoned call, a call the context cut off (not a permanent refusal,
	// a panic or a runtime.Goexit). Such a message is recorded with
	// [Record.Transient], which planning does not count as sent, and
	// Result.Next and [Record.RetryAt] say when to try it again: a minute
	// after the first failure, twice as long after each next one up to 16
	// minutes, plus up to half as much again, drawn from the follow-up's
	// key so that an outage's failures do not all come back at once, and
	// never before a rate limit's retry-after. A try that would come at
	// the window's end or later is not made: the failure before it is
	// recorded as not delivered, the dispatcher's own attempts at a
	// message sent again stop at the end (its context's deadline), and a
	// message still to be sent when the window has passed (its job came
	// late, or quiet hours held it) is refused with [ErrMayHaveGone]. A
	// push is never sent again.
	//
	// Such a message may have gone, so it goes again only as itself, with
	// the same idempotency key ([notify.SMS.Key] and its siblings): set a
	// window only if every sender passes the key to a provider that drops
	// duplicates, and no longer than the provider remembers a key, or a
	// customer may get the same text twice. So a text goes again only on
	// the same channel (if an opt-out or the settings would now send the
	// other text message, it is refused with ErrMayHaveGone), and an
	// AlimTalk goes again without its substitute SMS, as the dispatcher
	// rules for an AlimTalk whose earlier attempt may have delivered it.
	// The message that may have gone is the last one tried: when an
	// AlimTalk was refused and its substitute SMS failed so, the SMS goes
	// again alone (and an SMS in place of an AlimTalk, after the settings
	// turned AlimTalk on, goes as its substitute, under the same key). A
	// message only rate-limited after such a failure stays under this
	// window, not RateLimitWindow. A text's first try counts toward the
	// send caps ([Result.Texted]); its tries again do not, since at most
	// one of them reaches the customer, nor do they wait for room in the
	// caps. Quiet hours still hold them. A follow-up with a message to
	// send again takes no more replies: if the first try went, the
	// provider would drop a try that carried them. A try goes to the
	// contact as c holds it now, so after the customer changed their
	// number or address it goes there under the same key, which a
	// provider that drops duplicates drops: the new number then gets no
	// text from this follow-up.
	//
	// Zero, the default, or a negative value never sends such a message
	// again: it is recorded as not delivered.
	RetryWindow time.Duration
	// CapWait bounds how late a send cap may make a text: a text the caps
	// ([TextOptions.Caps]) would hold back until more than CapWait past the
	// time it could otherwise go ([Plan.SendAt], or the end of the quiet
	// hours that time falls in, so a night's wait does not count) is
	// refused with the cap's error, on the record, so it does not come
	// back; the step's email still goes. The caps bound how many texts go
	// in a window, not how many go in the end: without CapWait, what they
	// hold back goes as room frees, so the backlog of an SMS-pumping spike
	// drains into paid texts at the cap's rate for as long as the spike
	// lasted. Zero, the default, or a negative value means no bound: a
	// capped text waits for room however long.
	CapWait time.Duration
}

// DefaultRateLimitWindow is the RateLimitWindow of zero [Options].
const DefaultRateLimitWindow = time.Hour

func (o *Options) rateLimitWindow() time.Duration {
	if o.RateLimitWindow == 0 {
		return DefaultRateLimitWindow
	}
	return o.RateLimitWindow
}

// checkAlimTalk reports whether the options fill every variable of the
// AlimTalk body of the workspace's language, the one its template is
// approved in.
func (o *Options) checkAlimTalk(workspaceLocale string) error {
	r := o.Renderer
	if r == nil {
		r = &builtinRenderer
	}
	li := alimTalkLanguage(workspaceLocale)
	t := r.templates(li)
	for _, name := range alimTalkNames(t.AlimTalk) {
		var field string
		switch to := alimTalkName(t.AlimTalkNames, name); {
		case to == "workspace" && o.Workspace == "":
			field = "Workspace"
		case to == "link" && o.Link == nil:
			field = "Link"
		default:
			continue
		}
		return fmt.Errorf("followup: options: the %s alimtalk template names #{%s} and Options.%s is empty: %w",
			langNames[li], name, field, ErrAlimTalkUnfilled)
	}
	return nil
}

// buttonName returns the AlimTalk button's label in language l.
func (o *Options) buttonName(l lang) string {
	if o.ButtonName != "" {
		return o.ButtonName
	}
	return [numLangs]string{langEN: "Back to the chat", langKO: "상담 이어가기", langJA: "チャットに戻る"}[l]
}

// ErrAlimTalkUnfilled is returned by [NewEngine] when the AlimTalk template
// body names #{workspace} and Options.Workspace is empty, or #{link} and
// Options.Link is nil: no AlimTalk could ever be filled in, and every text
// follow-up would go out as SMS without a word.
var ErrAlimTalkUnfilled = errors.New("alimtalk template variable has no value")

// NewEngine returns an engine for the workspace. It refuses settings that
// [Settings.Validate] refuses, except for a lapsed payment method: then text
// channels are dropped, as [Settings.Channels] says, and the rest goes on.
// The engine keeps its own copy of s ([Settings.Clone]): changing s later
// does not change the engine.
//
// Every channel the settings turn on for the account needs its sender:
// AlimTalk, SMS when there is no AlimTalk template, and email. NewEngine
// returns an error wrapping [notify.ErrNoSender] when one is missing, since
// every follow-up on that channel would be skipped and recorded as failed.
// An AlimTalk sender without an SMS sender is allowed, for a host whose
// AlimTalk provider sends the substitute SMS itself: its AlimTalk sender
// must turn that on (see [notify.AlimTalkSender]), or a customer the
// AlimTalk cannot reach gets no text.
//
// An engine built with no senders at all only plans: [Engine.Deliver]
// returns an error wrapping notify.ErrNoSender, and [Engine.Plan] plans as
// an engine with every sender would, so a web tier that plans and workers
// that deliver agree (a push target counts, as it does for an engine with a
// push sender).
func NewEngine(s Settings, a Account, senders notify.Senders, o Options) (*Engine, error) {
	if err := s.Validate(Account{HasPaymentMethod: true}); err != nil {
		return nil, err
	}
	if s.AskPhone && s.Text.AlimTalkTemplate != "" {
		if err := o.checkAlimTalk(s.Locale); err != nil {
			return nil, err
		}
	}
	e := &Engine{settings: s.Clone(), account: a, senders: senders, opts: o, timing: s.Timing.withDefaults()}
	// As the dispatcher has it: a nil Func adapter is no sender.
	e.has = senders.Available()
	e.enabled = s.Channels(a).Enabled
	if !e.planOnly() {
		if ch, missing := missingSender(e.enabled, e.has); missing {
			return nil, fmt.Errorf("followup: the settings turn on %v and Senders has no %v sender: %w", ch, ch, notify.ErrNoSender)
		}
	}
	return e, nil
}

// planOnly reports whether the engine was built with no senders at all.
func (e *Engine) planOnly() bool { return e.has.Empty() }

// missingSender returns a channel of enabled that has lacks a sender for.
// An AlimTalk needs its own: without it every text would go as its
// substitute, a paid SMS. The substitute itself may be left to the
// AlimTalk provider.
func missingSender(enabled, has notify.ChannelSet) (notify.Channel, bool) {
	switch {
	case enabled.Has(notify.ChannelAlimTalk) && !has.Has(notify.ChannelAlimTalk):
		return notify.ChannelAlimTalk, true
	case enabled.Has(notify.ChannelSMS) && !enabled.Has(notify.ChannelAlimTalk) && !has.Has(notify.ChannelSMS):
		return notify.ChannelSMS, true
	case enabled.Has(notify.ChannelEmail) && !has.Has(notify.ChannelEmail):
		return notify.ChannelEmail, true
	}
	return 0, false
}

// Settings returns the settings the engine was built with, as a copy the
// caller may change without changing the engine's ([Settings.Clone]).
func (e *Engine) Settings() Settings { return e.settings.Clone() }
