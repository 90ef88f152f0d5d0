package followup

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nyaruka/phonenumbers"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// Settings are a workspace's follow-up settings: which contact questions the
// chat bot asks, the contact-required gate, and how follow-ups are sent.
//
// The zero value is valid and means "ask nothing, no gate, no follow-ups".
// Settings round-trip through encoding/json with stable camelCase keys, so a
// host can store them as they are. Settings are plain values and safe for
// concurrent use as long as no one modifies them. A copy made by assignment
// shares the slices it holds (Text.AllowedRegions, Text.QuietHours.Hours,
// Gate.OfficeHours.Hours); [Settings.Clone] makes one that shares nothing.
type Settings struct {
	// AskName makes the bot ask for the customer's name.
	AskName bool `json:"askName"`
	// AskPhone makes the bot ask for the customer's phone number and turns on
	// text follow-ups (AlimTalk, with SMS/LMS as its substitute). It needs a
	// registered payment method: see [Settings.Validate].
	AskPhone bool `json:"askPhone"`
	// AskEmail makes the bot ask for the customer's email address and turns on
	// email follow-ups.
	AskEmail bool `json:"askEmail"`

	// Gate is the contact-required gate: accept inquiries only from customers
	// who gave a phone number or an email address (always, or outside office
	// hours only).
	Gate policy.Gate `json:"gate"`

	// Region is the ISO 3166-1 region, in any case, for phone numbers written
	// without "+country": "KR", "JP". Empty means [DefaultRegion].
	Region string `json:"region,omitempty"`
	// Locale is the workspace's default language as a BCP 47 tag ("ko",
	// "en-US", "ja"), used for prompts and messages when the customer's own
	// language is not known. Empty means the library's fallback, English.
	Locale string `json:"locale,omitempty"`

	// Text configures text follow-ups (AlimTalk and SMS/LMS).
	Text TextOptions `json:"text,omitzero"`
	// Timing says when follow-ups go out; the zero value follows the
	// reference product.
	Timing Timing `json:"timing,omitzero"`
}

// TextOptions configure text follow-ups. The zero value sends text as SMS/LMS
// from the host's default sender number, with no AlimTalk.
type TextOptions struct {
	// SenderNumber is the workspace's registered caller number for SMS/LMS:
	// a Korean number of 8 to 11 digits, hyphens allowed, starting with 0
	// and an area or service code or with 1 ("02-123-4567", "010-…",
	// "070-…", "1588-1234"). Korean carriers block a sender number that is
	// not pre-registered. Empty means the host's SMS sender uses its own
	// default. Messages carry it as digits only ("15881234"), as providers
	// take it.
	SenderNumber string `json:"senderNumber,omitempty"`
	// AlimTalkTemplate is the code of the AlimTalk template Kakao approved
	// for follow-ups, at most 20 characters. Empty means no AlimTalk: text
	// follow-ups go out as SMS/LMS only.
	AlimTalkTemplate string `json:"alimTalkTemplate,omitempty"`

	// AllowedRegions are the regions, besides the workspace's own
	// ([Settings.Region]), whose phone numbers may receive text follow-ups.
	// Empty means the workspace's own region only: text to other countries
	// is the currency of SMS pumping. See [policy.Geofence].
	AllowedRegions []string `json:"allowedRegions,omitempty"`
	// Caps limit the texts per phone number and per workspace over a time
	// window. The zero value is [policy.DefaultCaps].
	Caps policy.Caps `json:"caps,omitzero"`
	// QuietHours are hours, in the customer's time zone, when text
	// follow-ups wait; email and push are not held back. The zero value has
	// none. [policy.KoreanNight] is 21:00 to 08:00, as Korean rules for
	// advertising texts have it.
	QuietHours policy.QuietHours `json:"quietHours,omitzero"`
	// TimeZone is the zone quiet hours are read in when the customer's own
	// ([Conversation.Zone]) is not known: "Asia/Seoul" for a Korean
	// workspace. Quiet hours need it ([Settings.Validate]); an explicit
	// "UTC" is a zone like any other.
	TimeZone policy.Zone `json:"timeZone,omitzero"`
}

// Account is what the library needs to know of the workspace's billing.
type Account struct {
	// HasPaymentMethod reports whether a payment method is registered.
	// Text messages cost money, so the phone question and text follow-ups
	// need one.
	HasPaymentMethod bool `json:"hasPaymentMethod"`
}

// The errors of [Settings.Validate], each wrapped in a [*SettingError] that
// names the setting. Test for them with errors.Is; the payment rule's error
// is [policy.ErrPaymentMethodRequired].
var (
	// ErrGateNeverOpens: contact is required, but neither the phone nor the
	// email question is asked, so no customer could ever get through.
	ErrGateNeverOpens = errors.New("contact is required but neither phone nor email is asked")
	// ErrUnknownRegion: the region is not an ISO 3166-1 region the phone
	// number metadata knows.
	ErrUnknownRegion = errors.New("unknown region")
	// ErrUnknownLocale: the locale is not a well-formed, known BCP 47 tag
	// of at most 128 bytes.
	ErrUnknownLocale = errors.New("unknown locale")
	// ErrBadSenderNumber: the SMS sender number is not 8 to 11 digits
	// ([notify.SenderNumberMinDigits], [notify.SenderNumberMaxDigits]),
	// single hyphens between them allowed, as in "1588-1234", or does not
	// start as a Korean number does (0 and then not 0, or 1).
	ErrBadSenderNumber = errors.New("sender number must be 8 to 11 digits")
	// ErrBadTemplateCode: the AlimTalk template code is longer than 20
	// bytes ([notify.TemplateCodeMaxLen]) or holds anything but printable
	// ASCII: no white space, control characters or Hangul.
	ErrBadTemplateCode = errors.New("alimtalk template code must be 1 to 20 printable ASCII characters")
	// ErrAlimTalkLocale: an AlimTalk template is set and the locale is not.
	// The AlimTalk is sent in the workspace's language, the one Kakao
	// approved its template in, and Kakao refuses a message that does not
	// match the template: without a locale every AlimTalk would be English.
	ErrAlimTalkLocale = errors.New("an alimtalk template needs the workspace's locale, the template's language")
)

// SettingError is one problem with [Settings], naming the setting by its JSON
// path ("text.senderNumber"). It never holds the setting's value.
type SettingError struct {
	Setting string
	Err     error
}

// Error returns "followup: settings: <setting>: <problem>".
func (e *SettingError) Error() string {
	return "followup: settings: " + e.Setting + ": " + e.Err.Error()
}

// Unwrap returns the problem, for errors.Is.
func (e *SettingError) Unwrap() error { return e.Err }

// Clone returns a copy of s that shares no memory with it: changing one
// leaves the other as it was. [NewEngine] keeps a clone of the settings it
// is given, and [Engine.Settings] returns one.
func (s Settings) Clone() Settings {
	s.Text.AllowedRegions = slices.Clone(s.Text.AllowedRegions)
	s.Text.QuietHours.Hours = slices.Clone(s.Text.QuietHours.Hours)
	s.Gate.OfficeHours.Hours = slices.Clone(s.Gate.OfficeHours.Hours)
	return s
}

// Validate checks the settings against the account and reports every
// problem, not just the first: the result is nil, or an error joining one
// [*SettingError] per problem (errors.Is and errors.As see each of them; the
// joined error's Unwrap() []error lists them). The problems are:
//
//   - the phone question without a registered payment method
//     ([policy.ErrPaymentMethodRequired]);
//   - a gate that can never open ([ErrGateNeverOpens]);
//   - a malformed gate: an unknown mode, malformed office hours, office
//     hours without a zone, or an outside-office-hours gate without hours
//     ([policy.ErrBadGateMode], [policy.ErrBadHours], [policy.ErrNoZone],
//     [policy.ErrBadZone], [policy.ErrNoOfficeHours]);
//   - an unknown region or locale ([ErrUnknownRegion], [ErrUnknownLocale]),
//     and a country allowlist entry that is well formed but no region
//     ([ErrUnknownRegion]: "UK" where "GB" is meant);
//   - a malformed SMS sender number or AlimTalk template code
//     ([ErrBadSenderNumber], [ErrBadTemplateCode]), or an AlimTalk template
//     without the locale it is written in ([ErrAlimTalkLocale]);
//   - a malformed country allowlist, cap or quiet hours
//     ([policy.ErrBadRegion], [policy.ErrBadCap], [policy.ErrBadHours],
//     [policy.ErrQuietAllWeek]), or quiet hours without a time zone
//     ([policy.ErrNoZone]; "Local" is no zone either: [policy.ErrBadZone]);
//   - a negative duration or unknown strategy in the timing
//     ([ErrNegativeDuration], [ErrUnknownStrategy]).
//
// A host calls Validate when an admin saves the settings. Settings that were
// valid can become partly unusable later, when the payment method lapses;
// [Settings.Channels] handles that case at run time.
func (s Settings) Validate(a Account) error {
	var errs []error
	add := func(setting string, err error) {
		errs = append(errs, &SettingError{Setting: setting, Err: err})
	}
	// addEach adds each problem of err, which the Validate method of a
	// policy value returned, joining every problem of the value.
	addEach := func(setting string, err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				add(setting, e)
			}
		} else if err != nil {
			add(setting, err)
		}
	}
	if s.AskPhone {
		if err := policy.Payable(notify.ChannelSMS, a.HasPaymentMethod); err != nil {
			add("askPhone", err)
		}
	}
	addEach("gate", s.Gate.Validate())
	if m := s.Gate.Mode; (m == policy.GateAlways || m == policy.GateOutsideOfficeHours) && !s.AskPhone && !s.AskEmail {
		add("gate.mode", ErrGateNeverOpens)
	}
	if s.Region != "" && !knownRegion(s.Region) {
		add("region", ErrUnknownRegion)
	}
	if s.Locale != "" {
		if _, err := parseLocale(s.Locale); err != nil {
			add("locale", ErrUnknownLocale)
		}
	}
	if n := s.Text.SenderNumber; n != "" && !validSenderNumber(n) {
		add("text.senderNumber", ErrBadSenderNumber)
	}
	if c := s.Text.AlimTalkTemplate; c != "" && !validTemplateCode(c) {
		add("text.alimTalkTemplate", ErrBadTemplateCode)
	} else if c != "" && s.Locale == "" {
		add("locale", ErrAlimTalkLocale)
	}
	addEach("text.allowedRegions", policy.Geofence{Allow: s.Text.AllowedRegions}.Validate())
	for i, r := range s.Text.AllowedRegions {
		// Well-formed, but "UK" is not a region ("GB" is): no number would
		// ever match it.
		if (policy.Geofence{Allow: []string{r}}).Validate() == nil && !knownRegion(r) {
			add("text.allowedRegions", fmt.Errorf("%w: allow[%d]", ErrUnknownRegion, i))
		}
	}
	addEach("text.caps", s.Text.Caps.Validate())
	addEach("text.quietHours", s.Text.QuietHours.Validate())
	if err := s.Text.TimeZone.Validate(); err != nil {
		add("text.timeZone", err)
	} else if len(s.Text.QuietHours.Hours) > 0 && s.Text.TimeZone.IsZero() {
		// Quiet hours read in UTC would hold Korean texts back by day and
		// let them go at night.
		add("text.timeZone", policy.ErrNoZone)
	}
	s.Timing.validate(add)
	return errors.Join(errs...)
}

// region returns the region for numbers written without "+country".
func (s Settings) region() string {
	if s.Region == "" {
		return DefaultRegion
	}
	return strings.ToUpper(s.Region)
}

// textRegionError reports why text follow-ups may not go to p's country
// (an error wrapping [policy.ErrRegionNotAllowed]), or nil when they may.
func (s Settings) textRegionError(p Phone) error {
	return policy.Geofence{Allow: s.Text.AllowedRegions}.Check(s.region(), p.Region)
}

// digits returns n with everything but its ASCII digits left out.
// strings.Map returns n itself when it drops nothing.
func digits(n string) string {
	return strings.Map(func(r rune) rune {
		if r < '0' || r > '9' {
			return -1
		}
		return r
	}, n)
}

func knownRegion(r string) bool {
	return len(r) == 2 && phonenumbers.GetSupportedRegions()[strings.ToUpper(r)]
}

// validSenderNumber accepts 8 to 11 digits, with single hyphens between
// groups, that start as a Korean number does: 0 and then an area or
// service code (02, 031, 010, 070, …), or 1 (1588-, 1600-, …).
func validSenderNumber(n string) bool {
	var first [2]byte // the first two digits
	digits := 0
	for i := 0; i < len(n); i++ {
		switch c := n[i]; {
		case c >= '0' && c <= '9':
			if digits < len(first) {
				first[digits] = c
			}
			digits++
		case c == '-' && i > 0 && i < len(n)-1 && n[i-1] != '-':
		default:
			return false
		}
	}
	korean := first[0] == '1' || first[0] == '0' && first[1] != '0'
	return korean && digits >= notify.SenderNumberMinDigits && digits <= notify.SenderNumberMaxDigits
}

func validTemplateCode(c string) bool {
	if len(c) > notify.TemplateCodeMaxLen {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] <= ' ' || c[i] >= 0x7f {
			return false
		}
	}
	return true
}

// Questions returns the contact questions the chat bot asks a customer of
// the account, in the order it should ask them: name, phone, email. The
// phone question is left out while the account has no payment method, even
// if the settings ask it: no text could be sent to the number, so it would
// be collected for nothing.
func (s Settings) Questions(a Account) []Field {
	q := make([]Field, 0, 3)
	if s.AskName {
		q = append(q, FieldName)
	}
	if s.textPayable(a) {
		q = append(q, FieldPhone)
	}
	if s.AskEmail {
		q = append(q, FieldEmail)
	}
	return q
}

// textPayable reports whether the settings ask for a phone number and the
// account can pay for the texts it is for.
func (s Settings) textPayable(a Account) bool {
	return s.AskPhone && policy.Payable(notify.ChannelSMS, a.HasPaymentMethod) == nil
}

// Reachable reports whether a follow-up can reach the customer of contact c
// under these settings, for this account: c has an email address and the
// settings send email, or c has a phone number that can receive text, of a
// country the settings send text to, and the account can pay for text. It
// is what the contact-required gate needs ([Settings.Admit]).
// [Contact.Reachable] says only whether c holds contact information at all.
func (s Settings) Reachable(c Contact, a Account) bool {
	if s.AskEmail && c.Email != "" {
		return true
	}
	return s.textPayable(a) && c.Phone.CanText() && s.textRegionError(c.Phone) == nil
}

// Admit applies the contact-required gate to a chat opened at the given
// time whose customer has given contact c so far: it is
// s.Gate.Admit(opened, s.Reachable(c, a)), with one exception. When the
// settings ask for a phone number and not for email, and the account has
// no payment method, no customer could get through and every inquiry
// would be lost: the chat is admitted. [Settings.Validate] refuses such
// settings when they are saved ([policy.ErrPaymentMethodRequired]); Admit
// keeps chats coming in when the payment lapses after that.
//
// Call it when the chat opens and again each time the customer answers a
// contact question, until it returns [policy.Open]. A chat it admitted
// stays admitted: the host keeps that, and Admit's answer for it may
// change later with the settings or the account.
func (s Settings) Admit(opened time.Time, c Contact, a Account) policy.Admission {
	if s.AskPhone && !s.AskEmail && !s.textPayable(a) {
		return policy.Open
	}
	return s.Gate.Admit(opened, s.Reachable(c, a))
}

// Leave says what becomes of a chat opened at the given time when its
// customer leaves with contact c. A chat already admitted to the inbox
// (admitted: an earlier [Settings.Admit] returned [policy.Open]) is kept,
// whatever changed since: agents may have seen and answered it. Any other
// chat is discarded when Admit would still keep it out of the inbox, and
// kept otherwise.
func (s Settings) Leave(opened time.Time, admitted bool, c Contact, a Account) policy.Outcome {
	if admitted || s.Admit(opened, c, a) == policy.Open {
		return policy.Keep
	}
	return policy.Discard
}

// EffectiveChannels is the answer of [Settings.Channels]: the channels
// follow-ups go out on, and those the settings turn on but that cannot be
// used, each with the reason. It marshals to JSON for an admin page:
// {"enabled":["email"],"dropped":[{"channel":"sms","error":"policy: …"}]}.
type EffectiveChannels struct {
	// Enabled is the set of usable channels: AlimTalk (when a template is
	// set), SMS, Email; its Channels method lists them in that order, the
	// sending order. When both AlimTalk and SMS are in it, SMS is
	// AlimTalk's substitute: only one of the two reaches the customer.
	Enabled notify.ChannelSet `json:"enabled"`
	// Dropped lists the channels the settings turn on that the account cannot
	// use now, with why.
	Dropped []DroppedChannel `json:"dropped,omitempty"`
}

// DroppedChannel is a channel the settings turn on but the account cannot
// use, and the reason, such as [policy.ErrPaymentMethodRequired].
type DroppedChannel struct {
	// Channel is the channel dropped.
	Channel notify.Channel
	// Err is why: the rule's error, for errors.Is.
	Err error
}

// MarshalJSON writes {"channel":"sms","error":"…"}, the error as its text:
// an error value has no JSON form of its own. It is for display; it does
// not read back into an error errors.Is knows.
func (d DroppedChannel) MarshalJSON() ([]byte, error) {
	var msg string
	if d.Err != nil {
		msg = d.Err.Error()
	}
	return json.Marshal(struct {
		Channel notify.Channel `json:"channel"`
		Error   string         `json:"error,omitempty"`
	}{d.Channel, msg})
}

// Channels returns the channels follow-ups go out on for this account. The
// phone question turns on text (AlimTalk when a template is set, and SMS);
// the email question turns on email. A channel the account cannot pay for,
// because its payment method lapsed after the settings were saved, is never
// enabled: it is listed in Dropped with [policy.ErrPaymentMethodRequired].
func (s Settings) Channels(a Account) EffectiveChannels {
	var e EffectiveChannels
	consider := func(c notify.Channel) {
		if err := policy.Payable(c, a.HasPaymentMethod); err != nil {
			e.Dropped = append(e.Dropped, DroppedChannel{Channel: c, Err: err})
			return
		}
		e.Enabled = e.Enabled.Add(c)
	}
	if s.AskPhone {
		if s.Text.AlimTalkTemplate != "" {
			consider(notify.ChannelAlimTalk)
		}
		consider(notify.ChannelSMS)
	}
	if s.AskEmail {
		consider(notify.ChannelEmail)
	}
	return e
}
