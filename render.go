package followup

import (
	"errors"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"slices"
	"strings"
	"sync"
	texttemplate "text/template"
	"unicode"
	"unicode/utf8"

	"github.com/followup-go/followup/notify"
)

// RenderData is what every template sees: the follow-up of one conversation.
// [Renderer.Render] hands each template a copy fitted to its channel (fewer
// earlier messages, replies cut short), never the caller's slices.
type RenderData struct {
	// Workspace is the workspace's (company's) name. Empty means the
	// messages name no workspace; the AlimTalk templates need it.
	Workspace string
	// CustomerName is the customer's name as given at intake. It may be
	// empty; the templates then address the customer politely without it.
	CustomerName string
	// Replies are the agent replies of this follow-up that the customer has
	// not seen, oldest first. There is at least one.
	Replies []Reply
	// Earlier are messages before the replies, oldest first, shown for
	// context. May be empty.
	Earlier []Message
	// Link is the URL that brings the customer back to the chat. Empty means
	// no link. It is never cut to fit a limit.
	Link string
}

// Content is one follow-up rendered for every channel, in one language. The
// sender of each channel takes its part.
type Content struct {
	// Locale is the language the content is in: "ko", "en" or "ja".
	Locale string

	// SMSText is the text message: sent as SMS when it fits 90 EUC-KR bytes,
	// as LMS (at most 2,000 bytes) otherwise. It goes when the workspace
	// sends no AlimTalk, or the AlimTalk cannot be built (AlimTalkText is
	// empty).
	SMSText string
	// SMSSubject is the LMS subject line, at most 40 EUC-KR bytes. An SMS
	// has no subject.
	SMSSubject string

	// AlimTalkText is the AlimTalk body: the approved template with its
	// variables filled in, at most 1,000 characters. It is empty, and so are
	// the variables, when the template names a variable that has no value,
	// such as the link when RenderData.Link is empty: the message would not
	// read right, so the text goes out as SMSText instead.
	AlimTalkText string
	// AlimTalkLocale is the language of AlimTalkText: the workspace's, not
	// the customer's, since Kakao approves a template in one language and
	// refuses a message that does not match it.
	AlimTalkLocale string
	// AlimTalkVariables are the values of the variables the AlimTalk
	// template names, keyed by name without "#{" and "}", for providers
	// that take the template code and its parameters rather than the text.
	AlimTalkVariables map[string]string
	// SubstituteText is the SMS or LMS that goes instead of the AlimTalk
	// when the AlimTalk does not go through (substitute sending, 대체발송):
	// the same content, AlimTalkText, with the link on a line of its own at
	// the end when the template shows it only on a button, since a text
	// message has none. In the rare case that this does not fit an LMS, it
	// is SMSText, in the customer's language. It is empty when AlimTalkText
	// is, and when it would be SMSText and SMSText does not fit either: the
	// AlimTalk then has no substitute.
	SubstituteText string
	// SubstituteSubject is the LMS subject of SubstituteText, in its
	// language. It is empty when SubstituteText fits an SMS.
	SubstituteSubject string

	// EmailSubject, EmailText and EmailHTML are the email's subject, its
	// plain-text body and its HTML body. Each body is at most 90,000 bytes
	// unless its template alone is longer ([Renderer.Render] says how).
	EmailSubject, EmailText, EmailHTML string

	// PushTitle and PushBody are the mobile push notification's title and
	// body.
	PushTitle, PushBody string
}

// Templates are the templates of one language. A [Renderer] uses the
// built-in template for every field left nil or empty, so a host replaces
// only what it wants to.
//
// Text templates (and the HTML one) are executed with a [RenderData] and may
// call the helpers of [TemplateFuncs]; parse them with those helpers:
//
//	t := template.Must(template.New("sms").Funcs(followup.TemplateFuncs()).Parse(text))
//
// White space around the text a text template produces is trimmed, and
// subjects and titles are made one line. The email HTML template must be an
// [htmltemplate.Template], so that what customers and agents wrote is escaped.
type Templates struct {
	// SMS is the text message body, and SMSSubject the LMS subject line.
	SMS, SMSSubject *texttemplate.Template

	// AlimTalk is the AlimTalk template body exactly as Kakao approved it,
	// with Kakao's #{name} placeholders (not Go template syntax). The names
	// it may use are "workspace", "customer" (the customer's name, or
	// DefaultCustomer), "reply" (the replies' texts, one per line) and
	// "link". A host registers the built-in body of [DefaultTemplates] with
	// Kakao as it is, with the button [Options.ButtonName] describes, or
	// registers its own body using these names, or names of its own mapped
	// by AlimTalkNames, and sets it here.
	AlimTalk string
	// AlimTalkNames maps the variable names of a host's AlimTalk body to
	// the ones Render fills, for a template approved with names of its own:
	// {"고객명": "customer", "답변": "reply", "링크": "link"}. A name it does
	// not map is read as it is; a name it maps to another than the four is
	// an error of [NewRenderer]. [Content.AlimTalkVariables] keeps the
	// body's own names, which the provider knows. Used only with AlimTalk.
	AlimTalkNames map[string]string
	// DefaultCustomer is the value of #{customer} when the customer's name
	// is unknown: "고객", "there" or "お客" in the built-in templates, which
	// read "고객님", "Hi there," and "お客さま".
	DefaultCustomer string

	// EmailSubject is the email's subject line and EmailText its plain-text
	// body.
	EmailSubject, EmailText *texttemplate.Template
	// EmailHTML is the email's HTML body.
	EmailHTML *htmltemplate.Template

	// PushTitle and PushBody are the push notification's title and body.
	PushTitle, PushBody *texttemplate.Template
}

// A Renderer renders follow-ups from templates in Korean, English and
// Japanese. The zero value uses the built-in templates; [NewRenderer] replaces
// some of them. A Renderer is safe for concurrent use.
type Renderer struct {
	custom [numLangs]Templates // the host's templates; empty fields are built-in
}

// Errors of rendering. Render's errors wrap one of these, or a template's own
// execution error; they never hold message text or names. The message of a
// template's error names the template and withholds the rest: text/template
// quotes the value it failed on, which may be the customer's name or a
// reply. errors.As with a template.ExecError gives the template's own
// error, for a host that wants it and keeps it out of its logs.
var (
	// ErrNoReplies: the RenderData holds no reply, so there is nothing to
	// follow up.
	ErrNoReplies = errors.New("no replies to render")
	// ErrTooLong: a message does not fit its channel's limit even with every
	// earlier message left out and the replies cut to nothing, because the
	// rest of it (the template, the workspace name, the link) is too long.
	// It is a kind of [notify.ErrTooLong]: errors.Is reports both, so one
	// test finds a message too long wherever it was refused.
	ErrTooLong error = tooLong{}
	// ErrUnknownLanguage: templates were given for a language other than
	// "ko", "en" or "ja".
	ErrUnknownLanguage = errors.New("unknown template language")
	// ErrAlimTalkVariable: an AlimTalk template names a variable other than
	// workspace, customer, reply and link, or has an unclosed "#{".
	ErrAlimTalkVariable = errors.New("unknown alimtalk template variable")
)

// tooLong is ErrTooLong, a kind of notify.ErrTooLong. (A type, not a
// value wrapping it, so that it costs nothing at init.)
type tooLong struct{}

func (tooLong) Error() string { return "message does not fit the channel's limit" }
func (tooLong) Unwrap() error { return notify.ErrTooLong }

// Limits of the channels, and how much context each one shows.
const (
	// emailEarlier is the most earlier messages an email (and a push
	// template) shows.
	emailEarlier = 5
	// smsEarlier is the most earlier messages a text message shows.
	smsEarlier = 2

	// emailMaxBytes bounds each body of an email, plain text and HTML, in
	// bytes of UTF-8. Gmail clips an email whose HTML passes about 102 KB:
	// the customer sees "[Message clipped]" and, below it, neither the end
	// of the answer nor the link back to the chat. The margin leaves room
	// for what a host's mail provider adds, such as tracking.
	emailMaxBytes = 90_000
	// pushMaxBytes is the largest payload APNs and FCM accept. Push
	// templates see no more text than could fit in it.
	pushMaxBytes = 4096
)

// ellipsis marks text that was cut. It is in EUC-KR (KS X 1001), so it
// costs 2 bytes in a text message.
const ellipsis = "…"

// NewRenderer returns a renderer that uses the host's templates, keyed by
// language ("ko", "en", "ja"), and the built-in ones for every language and
// field the host leaves out. It refuses another language
// ([ErrUnknownLanguage]) and an AlimTalk body with a variable Render cannot
// fill ([ErrAlimTalkVariable]).
//
// The Renderer keeps the host's templates, not copies: executing a template
// from many goroutines is safe, changing it is not, so do not change them
// (Parse, Funcs, AddParseTree, ...) once they are given to NewRenderer.
func NewRenderer(custom map[string]Templates) (*Renderer, error) {
	r := &Renderer{}
	for lang, t := range custom {
		i := langIndex(lang)
		if i < 0 {
			return nil, fmt.Errorf("followup: templates for %q: %w", lang, ErrUnknownLanguage)
		}
		if t.AlimTalk != "" {
			for name, to := range t.AlimTalkNames {
				if _, ok := (alimTalkVars{}).lookup(to); !ok {
					return nil, fmt.Errorf("followup: %s alimtalk template: %q maps to %q: %w",
						langNames[i], truncate(20, name), truncate(20, to), ErrAlimTalkVariable)
				}
			}
			t.AlimTalkNames = maps.Clone(t.AlimTalkNames)
			if _, err := fillAlimTalk(t.AlimTalk, alimTalkVars{names: t.AlimTalkNames}); err != nil {
				return nil, fmt.Errorf("followup: %s alimtalk template: %w", langNames[i], err)
			}
		}
		r.custom[i] = t
	}
	return r, nil
}

// DefaultTemplates returns the built-in templates of a language ("ko", "en"
// or "ja"), freshly parsed, so the host may change them. Its AlimTalk field is
// the body to register with Kakao.
func DefaultTemplates(lang string) (Templates, error) {
	i := langIndex(lang)
	if i < 0 {
		return Templates{}, fmt.Errorf("followup: templates for %q: %w", lang, ErrUnknownLanguage)
	}
	return parseBuiltin(i), nil
}

// TemplateFuncs returns the helpers the built-in templates use, for a host's
// own templates. Pass the result to [texttemplate.Template.Funcs], or convert
// it with htmltemplate.FuncMap(TemplateFuncs()) for the HTML template:
//
//   - lines TEXT: TEXT split into its lines ("\n", "\r\n" or "\r"), to write
//     them with <br> between them in HTML, each escaped.
//   - truncate N TEXT: TEXT cut to at most N characters, ending with "…" when
//     cut.
//   - joinText REPLIES SEP: the texts of REPLIES joined with SEP.
//   - oneLine TEXT: TEXT with each run of white space, line breaks included,
//     made one space.
func TemplateFuncs() texttemplate.FuncMap {
	return texttemplate.FuncMap{
		"lines":    splitLines,
		"truncate": truncate,
		"joinText": joinText,
		"oneLine":  oneLine,
	}
}

// Render renders the follow-up d for every channel, in one language, and
// fits each message to its channel's limit.
//
// # Language
//
// The language is the customer's (customerLocale, a BCP 47 tag such as
// "ko-KR"), if it is Korean, English or Japanese; else the workspace's
// (workspaceLocale); else English. A tag in any region or script of those
// languages counts ("ja-JP", "en-GB"); one that does not parse counts as
// unknown. Content.Locale says which language was used.
//
// The AlimTalk is the exception: it is in the workspace's language, or
// English (Content.AlimTalkLocale), whatever the customer's, because Kakao
// approves a template in one language and refuses a message that does not
// match it. Register the template of the workspace's language. Its
// substitute SMS (SubstituteText) is the same content in the same language,
// so the customer reads the same message whichever of the two arrives
// (unless that does not fit an LMS: see Content.SubstituteText).
//
// # Context and limits
//
// Email and push templates see the 5 newest earlier messages at most. Each
// email body, plain text and HTML, is kept within 90,000 bytes, below the
// about 102 KB past which Gmail clips an email and hides its end, the link
// with it. Push templates see the replies cut to 4,096 bytes, more than a
// push payload holds; the built-in push body is the replies on one line,
// cut at 100 characters.
//
// The text message (SMSText) shows the 2 newest earlier messages at most and
// must fit an LMS: 2,000 EUC-KR bytes, with a subject of 40 bytes. The
// AlimTalk shows no earlier message (its approved body has no place for them)
// and must fit 1,000 characters. A message that is too long is fitted, in
// this order:
//
//  1. the earlier messages are left out, oldest first;
//  2. the replies are cut at the end: they are kept in the order the agents
//     wrote them, as much of them as fits, and the last one kept ends with
//     "…", so the customer reads the beginning of the answer and follows the
//     link for the rest.
//
// The link is never cut. A text message or AlimTalk that does not fit even
// with the replies cut to nothing is an error ([ErrTooLong]); an email body
// that does not, because its template alone is that long, goes with the
// earlier messages left out and the replies cut only at 90,000 bytes,
// clipped by Gmail but still readable. An LMS subject that is too long
// has the workspace name cut short ("[Very Long Comp…] …"), then its end.
//
// A character that EUC-KR cannot encode, such as an emoji, is left in
// SMSText as it is.
//
// # Errors
//
// Render's errors wrap [ErrNoReplies], [ErrTooLong], [ErrAlimTalkVariable]
// or a template's execution error, and name the language and the template;
// they never hold the text of a message or a name.
func (r *Renderer) Render(customerLocale, workspaceLocale string, d RenderData) (Content, error) {
	c, long, err := r.render(customerLocale, workspaceLocale, d, allChannels)
	if err == nil {
		err = errors.Join(long.sms, long.alimTalk)
	}
	if err != nil {
		return Content{}, err
	}
	return c, nil
}

// allChannels are the channels Render renders for.
const allChannels = notify.ChannelSet(1<<notify.ChannelAlimTalk | 1<<notify.ChannelSMS | 1<<notify.ChannelEmail | 1<<notify.ChannelPush)

// unfit holds the errors of the messages that do not fit their channel's
// limit ([ErrTooLong]), by channel; nil for a message that fits or was not
// rendered.
type unfit struct{ sms, alimTalk error }

// render renders d for the channels in chs only, so that a message of
// another channel can neither fail nor slow down the ones asked for. A text
// message or an AlimTalk that does not fit its limit does not stop the
// rest: its text is left empty and its error returned in long. err is any
// other failure, such as a template's.
func (r *Renderer) render(customerLocale, workspaceLocale string, d RenderData, chs notify.ChannelSet) (c Content, long unfit, err error) {
	if len(d.Replies) == 0 {
		return Content{}, unfit{}, fmt.Errorf("followup: render: %w", ErrNoReplies)
	}
	li := matchLanguage(customerLocale, workspaceLocale)
	t := r.templates(li)
	c.Locale = langNames[li]
	fail := func(locale, part string, err error) error {
		return fmt.Errorf("followup: render %s %s: %w", locale, part, err)
	}

	// Email and push: the newest few earlier messages. Each email body is
	// fitted to emailMaxBytes; push templates see no more text than a push
	// payload holds.
	ed := d
	ed.Earlier = newest(d.Earlier, emailEarlier)
	if chs.Has(notify.ChannelEmail) {
		ed := bounded(ed, emailMaxBytes, bytesOver)
		if c.EmailSubject, err = execLine(t.EmailSubject, ed); err != nil {
			return Content{}, unfit{}, fail(c.Locale, "email subject", err)
		}
		c.EmailText, err = renderEmailBody(ed, func(d RenderData) (string, error) {
			return execText(t.EmailText, d)
		})
		if err != nil {
			return Content{}, unfit{}, fail(c.Locale, "email text", err)
		}
		c.EmailHTML, err = renderEmailBody(ed, func(d RenderData) (string, error) {
			var b strings.Builder
			if err := t.EmailHTML.Execute(&b, d); err != nil {
				return "", withhold(err)
			}
			return b.String(), nil
		})
		if err != nil {
			return Content{}, unfit{}, fail(c.Locale, "email html", err)
		}
	}
	if chs.Has(notify.ChannelPush) {
		ed := bounded(ed, pushMaxBytes, bytesOver)
		if c.PushTitle, err = execLine(t.PushTitle, ed); err != nil {
			return Content{}, unfit{}, fail(c.Locale, "push title", err)
		}
		if c.PushBody, err = execText(t.PushBody, ed); err != nil {
			return Content{}, unfit{}, fail(c.Locale, "push body", err)
		}
	}

	// Text message and AlimTalk: fitted to their limits. The text message
	// goes when the AlimTalk cannot be built, and is its substitute's
	// fallback.
	if chs.Has(notify.ChannelSMS) || chs.Has(notify.ChannelAlimTalk) {
		switch c.SMSText, err = renderSMS(t.SMS, bounded(d, notify.LMSMaxBytes, runesOver)); {
		case errors.Is(err, ErrTooLong):
			long.sms = fail(c.Locale, "sms", err)
		case err != nil:
			return Content{}, unfit{}, fail(c.Locale, "sms", err)
		}
		if long.sms == nil {
			if c.SMSSubject, err = renderSubject(t.SMSSubject, d); err != nil {
				return Content{}, unfit{}, fail(c.Locale, "sms subject", err)
			}
		}
	}
	if chs.Has(notify.ChannelAlimTalk) {
		la := alimTalkLanguage(workspaceLocale)
		ta := t
		if la != li {
			ta = r.templates(la)
		}
		c.AlimTalkLocale = langNames[la]
		switch c.AlimTalkText, c.AlimTalkVariables, err = renderAlimTalk(&ta, bounded(d, notify.AlimTalkMaxRunes, runesOver)); {
		case errors.Is(err, ErrTooLong):
			long.alimTalk = fail(c.AlimTalkLocale, "alimtalk", err)
		case err != nil:
			return Content{}, unfit{}, fail(c.AlimTalkLocale, "alimtalk", err)
		}
		if c.AlimTalkText != "" {
			if c.SubstituteText, c.SubstituteSubject, err = substitute(c, &ta, la == li, d); err != nil {
				return Content{}, unfit{}, fail(c.AlimTalkLocale, "sms subject", err)
			}
		}
	}
	return c, long, nil
}

// substitute returns the text and LMS subject of the AlimTalk's substitute:
// the AlimTalk's own text, and the link when the template leaves it to the
// button, with the subject of the AlimTalk's language; or, when that does
// not fit an LMS, the text message. The AlimTalk's 1,000 characters always
// fit an LMS (a character is at most 2 EUC-KR bytes); only the link can
// make it too long. The subject is rendered only for an LMS, and taken from
// c.SMSSubject when sameLang says the text message's templates are the
// AlimTalk's.
func substitute(c Content, t *Templates, sameLang bool, d RenderData) (text, subj string, err error) {
	text = c.AlimTalkText
	shown := false
	for name := range c.AlimTalkVariables {
		shown = shown || alimTalkName(t.AlimTalkNames, name) == "link"
	}
	if !shown && d.Link != "" {
		text += "\n" + d.Link
	}
	fallback := smsBytes(text) > notify.LMSMaxBytes
	if fallback {
		text = c.SMSText
	}
	switch k, _ := notify.KindOf(text); {
	case k != notify.KindLMS:
		return text, "", nil
	case fallback || (sameLang && c.SMSSubject != ""):
		return text, c.SMSSubject, nil
	}
	subj, err = renderSubject(t.SMSSubject, d)
	return text, subj, err
}

// templates returns the templates of language li: the host's, with the
// built-in ones in every empty field.
func (r *Renderer) templates(li int) Templates {
	var t Templates
	if r != nil {
		t = r.custom[li]
	}
	if t.SMS != nil && t.SMSSubject != nil && t.AlimTalk != "" && t.DefaultCustomer != "" &&
		t.EmailSubject != nil && t.EmailText != nil && t.EmailHTML != nil &&
		t.PushTitle != nil && t.PushBody != nil {
		return t
	}
	b := builtin(li)
	if t.SMS == nil {
		t.SMS = b.SMS
	}
	if t.SMSSubject == nil {
		t.SMSSubject = b.SMSSubject
	}
	if t.AlimTalk == "" {
		t.AlimTalk, t.AlimTalkNames = b.AlimTalk, nil
	}
	if t.DefaultCustomer == "" {
		t.DefaultCustomer = b.DefaultCustomer
	}
	if t.EmailSubject == nil {
		t.EmailSubject = b.EmailSubject
	}
	if t.EmailText == nil {
		t.EmailText = b.EmailText
	}
	if t.EmailHTML == nil {
		t.EmailHTML = b.EmailHTML
	}
	if t.PushTitle == nil {
		t.PushTitle = b.PushTitle
	}
	if t.PushBody == nil {
		t.PushBody = b.PushBody
	}
	return t
}

// builtinTemplates holds the built-in templates of each language, parsed the
// first time they are needed and shared from then on. Its zero value is
// ready: nothing is done at package init.
var builtinTemplates [numLangs]struct {
	once sync.Once
	t    Templates
}

// builtin returns the built-in templates of language li.
func builtin(li lang) *Templates {
	b := &builtinTemplates[li]
	b.once.Do(func() { b.t = parseBuiltin(li) })
	return &b.t
}

// builtinText are the texts of the built-in templates, from templates.go.
type builtinText struct {
	sms, smsSubject, alimTalk, defaultCustomer string
	emailSubject, emailText, emailHTML         string
	pushTitle, pushBody                        string
}

var builtinTexts = [numLangs]builtinText{
	langKO: {koSMS, koSMSSubject, koAlimTalk, koDefaultCustomer, koEmailSubject, koEmailText, koEmailHTML, koPushTitle, koPushBody},
	langEN: {enSMS, enSMSSubject, enAlimTalk, enDefaultCustomer, enEmailSubject, enEmailText, enEmailHTML, enPushTitle, enPushBody},
	langJA: {jaSMS, jaSMSSubject, jaAlimTalk, jaDefaultCustomer, jaEmailSubject, jaEmailText, jaEmailHTML, jaPushTitle, jaPushBody},
}

// parseBuiltin parses the built-in templates of language li. They are
// constants checked by the tests, so a parse error is a bug: it panics.
func parseBuiltin(li int) Templates {
	s := builtinTexts[li]
	lang := langNames[li]
	text := func(name, src string) *texttemplate.Template {
		return texttemplate.Must(texttemplate.New(lang + "/" + name).Funcs(TemplateFuncs()).Parse(src))
	}
	return Templates{
		SMS:             text("sms", s.sms),
		SMSSubject:      text("sms-subject", s.smsSubject),
		AlimTalk:        s.alimTalk,
		DefaultCustomer: s.defaultCustomer,
		EmailSubject:    text("email-subject", s.emailSubject),
		EmailText:       text("email-text", s.emailText),
		EmailHTML: htmltemplate.Must(htmltemplate.New(lang + "/email-html").
			Funcs(htmltemplate.FuncMap(TemplateFuncs())).Parse(s.emailHTML)),
		PushTitle: text("push-title", s.pushTitle),
		PushBody:  text("push-body", s.pushBody),
	}
}

// matchLanguage returns the language of the built-in templates for the
// first of the locales that is Korean, English or Japanese, or English.
func matchLanguage(locales ...string) lang {
	for _, l := range locales {
		if li, ok := knownLang(l); ok {
			return li
		}
	}
	return langEN
}

// alimTalkLanguage is the language of a workspace's AlimTalk: its own, or
// English. Kakao approves a template in one language, so the AlimTalk does
// not follow the customer's.
func alimTalkLanguage(workspaceLocale string) lang { return matchLanguage(workspaceLocale) }

// langIndex returns the index of a template language name, or -1.
func langIndex(lang string) int {
	for i, n := range langNames {
		if n == lang {
			return i
		}
	}
	return -1
}

// smsBytes is the length of s as carriers count it, in EUC-KR bytes.
func smsBytes(s string) int {
	n, _ := notify.EUCKRLen(s)
	return n
}

// renderSMS renders the text message, fitted to an LMS.
func renderSMS(t *texttemplate.Template, d RenderData) (string, error) {
	d.Earlier = newest(d.Earlier, smsEarlier)
	return fitted(d, notify.LMSMaxBytes, smsBytes, func(d RenderData) (string, error) {
		return execText(t, d)
	})
}

// renderEmailBody renders an email body with exec, fitted to
// emailMaxBytes. A body whose template alone is longer than that, so that
// it does not fit even with the replies cut to nothing, is rendered with
// the earlier messages left out and the replies as d holds them: Gmail
// clips it, but the customer can still read the answer.
func renderEmailBody(d RenderData, exec func(RenderData) (string, error)) (string, error) {
	s, err := fitted(d, emailMaxBytes, byteLen, exec)
	if err == ErrTooLong { // fitted's own, not a template's that wraps it
		d.Earlier = nil
		return exec(d)
	}
	return s, err
}

// byteLen is the length of s in bytes, as mail clients count it.
func byteLen(s string) int { return len(s) }

// fitted renders d with exec, fitted to limit as measure counts it: the
// earlier messages are left out, oldest first, then the replies are cut
// (see [fitReplies]). It returns ErrTooLong itself, unwrapped, when even
// the replies cut to nothing do not fit.
func fitted(d RenderData, limit int, measure func(string) int, exec func(RenderData) (string, error)) (string, error) {
	for {
		s, err := exec(d)
		if err != nil {
			return "", err
		}
		if measure(s) <= limit {
			return s, nil
		}
		if len(d.Earlier) == 0 {
			break
		}
		d.Earlier = d.Earlier[1:]
	}
	rs, err := fitReplies(d.Replies, limit, measure, func(rs []Reply) (string, error) {
		d.Replies = rs
		return exec(d)
	})
	if err != nil {
		return "", err
	}
	d.Replies = rs
	return exec(d)
}

// renderSubject renders the LMS subject, fitted to its limit: the workspace
// name is cut short first, then the end of the subject.
func renderSubject(t *texttemplate.Template, d RenderData) (string, error) {
	s, err := execLine(t, d)
	if err != nil || smsBytes(s) <= notify.LMSSubjectMaxBytes {
		return s, err
	}
	ws := []rune(d.Workspace)
	render := func(k int) (string, error) {
		d.Workspace = ""
		if k > 0 {
			d.Workspace = strings.TrimRightFunc(string(ws[:k]), unicode.IsSpace) + ellipsis
		}
		return execLine(t, d)
	}
	// The size grows with k: find the largest k below len(ws) that fits.
	lo, hi, best := -1, len(ws), ""
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		s, err := render(mid)
		if err != nil {
			return "", err
		}
		if smsBytes(s) <= notify.LMSSubjectMaxBytes {
			lo, best = mid, s
		} else {
			hi = mid
		}
	}
	if lo >= 0 {
		return best, nil
	}
	if s, err = render(0); err != nil {
		return "", err
	}
	return cutToFit(s, notify.LMSSubjectMaxBytes, smsBytes), nil
}

// renderAlimTalk fills the AlimTalk body of t, fitted to its limit, and
// returns the text and the variables it names.
func renderAlimTalk(t *Templates, d RenderData) (string, map[string]string, error) {
	body := t.AlimTalk
	v := alimTalkVars{workspace: d.Workspace, customer: d.CustomerName, link: d.Link, names: t.AlimTalkNames}
	if v.customer == "" {
		v.customer = t.DefaultCustomer
	}
	names := alimTalkNames(body)
	for _, name := range names {
		if val, _ := v.lookup(name); val == "" && alimTalkName(v.names, name) != "reply" {
			return "", nil, nil
		}
	}
	render := func(rs []Reply) (string, error) {
		v.reply = joinText(rs, "\n")
		return fillAlimTalk(body, v)
	}
	s, err := render(d.Replies)
	if err != nil {
		return "", nil, err
	}
	if utf8.RuneCountInString(s) > notify.AlimTalkMaxRunes {
		rs, err := fitReplies(d.Replies, notify.AlimTalkMaxRunes, utf8.RuneCountInString, render)
		if err != nil {
			return "", nil, err
		}
		if s, err = render(rs); err != nil {
			return "", nil, err
		}
	}
	vars := make(map[string]string, 4)
	for _, name := range names {
		vars[name], _ = v.lookup(name)
	}
	return s, vars, nil
}

// alimTalkVars are the values of the AlimTalk variables, and the host's
// names for them ([Templates.AlimTalkNames]).
type alimTalkVars struct {
	workspace, customer, reply, link string
	names                            map[string]string
}

// alimTalkName returns the variable the body's name stands for: the one
// names maps it to, or name itself.
func alimTalkName(names map[string]string, name string) string {
	if to, ok := names[name]; ok {
		return to
	}
	return name
}

func (v alimTalkVars) lookup(name string) (string, bool) {
	switch alimTalkName(v.names, name) {
	case "workspace":
		return v.workspace, true
	case "customer":
		return v.customer, true
	case "reply":
		return v.reply, true
	case "link":
		return v.link, true
	}
	return "", false
}

// fillAlimTalk replaces each #{name} in body with its value, in one pass: a
// value holding "#{...}" is not filled again.
func fillAlimTalk(body string, v alimTalkVars) (string, error) {
	var b strings.Builder
	b.Grow(len(body) + len(v.workspace) + len(v.customer) + len(v.reply) + len(v.link))
	for {
		i := strings.Index(body, "#{")
		if i < 0 {
			b.WriteString(body)
			return b.String(), nil
		}
		j := strings.IndexByte(body[i+2:], '}')
		if j < 0 {
			return "", fmt.Errorf("unclosed \"#{\": %w", ErrAlimTalkVariable)
		}
		name := body[i+2 : i+2+j]
		val, ok := v.lookup(name)
		if !ok {
			return "", fmt.Errorf("%q: %w", truncate(20, name), ErrAlimTalkVariable)
		}
		b.WriteString(body[:i])
		b.WriteString(val)
		body = body[i+3+j:]
	}
}

// alimTalkNames returns the variable names body uses, each once, in order.
// The body has been checked by fillAlimTalk.
func alimTalkNames(body string) []string {
	var names []string
	for {
		i := strings.Index(body, "#{")
		if i < 0 {
			return names
		}
		j := strings.IndexByte(body[i+2:], '}')
		if j < 0 {
			return names
		}
		name := body[i+2 : i+2+j]
		dup := false
		for _, n := range names {
			dup = dup || n == name
		}
		if !dup {
			names = append(names, name)
		}
		body = body[i+3+j:]
	}
}

// fitReplies returns the replies cut as little as needed for render's
// result to fit limit, given that they do not fit whole. See cutReplies.
//
// It looks for the largest number k of the replies' characters to keep
// whose rendering fits, as a bisection would, since the size grows with k.
// But each step renders the whole message, so it guesses k from the sizes
// of the two nearest renderings, the size growing about linearly with k:
// that takes a few steps where bisection takes log₂ of the replies' length.
// A guess that does not halve the range is followed by a bisection step, so
// it never takes more than twice as many steps as bisection.
func fitReplies(replies []Reply, limit int, measure func(string) int, render func([]Reply) (string, error)) ([]Reply, error) {
	total, texts := 0, 0
	for _, r := range replies {
		total += utf8.RuneCountInString(r.Text)
		texts += measure(r.Text)
	}
	// k = 0 keeps a lone "…": if that does not fit, nothing does.
	best := cutReplies(replies, 0)
	s, err := render(best)
	if err != nil {
		return nil, err
	}
	lo, sLo := 0, measure(s)
	if sLo > limit {
		return nil, ErrTooLong
	}
	// The size at total is not known, only that it is over limit; the
	// texts' own size is a first guess of what they add.
	hi, sHi := total, max(sLo+texts, limit+1)
	bisect := false
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if !bisect {
			mid = lo + int(int64(limit-sLo)*int64(hi-lo)/int64(sHi-sLo))
			mid = min(max(mid, lo+1), hi-1)
		}
		rs := cutReplies(replies, mid)
		s, err := render(rs)
		if err != nil {
			return nil, err
		}
		width := hi - lo
		if n := measure(s); n <= limit {
			lo, sLo, best = mid, n, rs
		} else {
			hi, sHi = mid, n
		}
		bisect = !bisect && hi-lo > width/2
	}
	return best, nil
}

// cutReplies keeps the first k characters (k less than the total) of the
// replies' texts taken in order: the replies before the cut whole, the one it
// falls in (or ends) cut and ended with "…", and none after it.
func cutReplies(rs []Reply, k int) []Reply {
	out := make([]Reply, 0, len(rs))
	for _, r := range rs {
		n := utf8.RuneCountInString(r.Text)
		if k > n {
			out = append(out, r)
			k -= n
			continue
		}
		r.Text = cutRunes(r.Text, k)
		return append(out, r)
	}
	return out
}

// cutRunes returns the first k characters of s, without trailing white
// space, and "…". A character drawn with several code points that the
// k-th would split is left out whole ([wholeCut]).
func cutRunes(s string, k int) string {
	for i := range s {
		if k == 0 {
			s = s[:wholeCut(s, i)]
			break
		}
		k--
	}
	return strings.TrimRightFunc(s, unicode.IsSpace) + ellipsis
}

// wholeCut returns the end, at i or before it, of a cut of s at byte i that
// splits no character drawn with several code points: a combining mark, a
// variation selector, a skin tone, a tag or a Hangul vowel or final
// consonant in conjoining jamo after i, or a zero-width joiner before it,
// joins what follows to what precedes; and a flag is a pair of regional
// indicators. It is not all of Unicode's grapheme rules, which
// golang.org/x/text does not expose, but it keeps the characters of
// replies whole: emoji sequences, accents, Hangul typed in NFD.
func wholeCut(s string, i int) int {
	for i > 0 {
		next, _ := utf8.DecodeRuneInString(s[i:])
		prev, size := utf8.DecodeLastRuneInString(s[:i])
		if !extends(next) && prev != zwj {
			break
		}
		i -= size
	}
	// Regional indicators pair from the start of their run: an odd count
	// before the cut leaves half a flag.
	n := 0
	for j := i; j > 0; {
		r, size := utf8.DecodeLastRuneInString(s[:j])
		if !regionalIndicator(r) {
			break
		}
		n++
		j -= size
	}
	if n%2 == 1 {
		_, size := utf8.DecodeLastRuneInString(s[:i])
		i -= size
	}
	return i
}

// zwj is the zero-width joiner, which joins emoji into one.
const zwj = '\u200d'

// extends reports whether r belongs to the character before it.
func extends(r rune) bool {
	switch {
	case r == zwj,
		unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc),
		'\ufe00' <= r && r <= '\ufe0f', '\U000e0100' <= r && r <= '\U000e01ef', // variation selectors
		'\U0001f3fb' <= r && r <= '\U0001f3ff',                         // skin tones
		'\U000e0020' <= r && r <= '\U000e007f',                         // tags (subdivision flags)
		'\u1160' <= r && r <= '\u11ff', '\ud7b0' <= r && r <= '\ud7ff': // Hangul vowels and final consonants
		return true
	}
	return false
}

// regionalIndicator reports whether r is one of the letters that pair into
// a flag.
func regionalIndicator(r rune) bool { return '\U0001f1e6' <= r && r <= '\U0001f1ff' }

// cutToFit cuts the end of s so that it measures at most limit, ending it
// with "…".
func cutToFit(s string, limit int, measure func(string) int) string {
	if measure(s) <= limit {
		return s
	}
	lo, hi, best := -1, utf8.RuneCountInString(s), ""
	for hi-lo > 1 {
		mid := lo + (hi-lo)/2
		if c := cutRunes(s, mid); measure(c) <= limit {
			lo, best = mid, c
		} else {
			hi = mid
		}
	}
	return best
}

// bounded returns d with its texts cut to what could fit a message of at
// most limit units, characters or bytes as over counts them (a character
// is at least one unit, whatever the limit counts): the replies to their
// first limit units in all, and each earlier message to limit units. No
// text it cuts could have fit whole, so fitting bounded(d) gives the
// message fitting d gives (TestBoundedKeepsFit checks it); but a reply of
// megabytes is no longer copied and measured at every step of the fitting,
// and bounded itself reads no more of a text than the limit. Like
// [cutReplies], it does not change the caller's slices.
func bounded(d RenderData, limit int, over func(s string, n int) (used, keep int, cut bool)) RenderData {
	left := limit
	for i, r := range d.Replies {
		used, keep, cut := over(r.Text, left)
		if !cut && (used < left || i == len(d.Replies)-1) {
			left -= used
			continue
		}
		if !cut { // it ends at the limit, and more follow: cut where it ends
			keep = utf8.RuneCountInString(r.Text)
		}
		rs := slices.Clone(d.Replies[:i+1])
		rs[i].Text = cutRunes(r.Text, keep)
		d.Replies = rs
		break
	}
	copied := false
	for i, m := range d.Earlier {
		_, keep, cut := over(m.Text, limit)
		if !cut {
			continue
		}
		if !copied {
			d.Earlier, copied = slices.Clone(d.Earlier), true
		}
		d.Earlier[i].Text = cutRunes(m.Text, keep)
	}
	return d
}

// runesOver reports whether s has more than n characters, and if not, how
// many it has; it reads no more than n+1 of them. It is an over function
// of [bounded]: a cut keeps n characters.
func runesOver(s string, n int) (used, keep int, cut bool) {
	k := 0
	for range s {
		if k == n {
			return n, n, true
		}
		k++
	}
	return k, 0, false
}

// bytesOver reports whether s is longer than n bytes, and if not, how long
// it is. It is an over function of [bounded]: a cut keeps the characters
// of the first n bytes, and the one the n-th byte is in.
func bytesOver(s string, n int) (used, keep int, cut bool) {
	if len(s) <= n {
		return len(s), 0, false
	}
	i := n // the start of the character the cut is in, or n
	for i > 0 && !utf8.RuneStart(s[i]) {
		i--
	}
	keep = utf8.RuneCountInString(s[:i])
	if i < n {
		keep++
	}
	return n, keep, true
}

// newest returns the last n messages of ms.
func newest(ms []Message, n int) []Message {
	if len(ms) > n {
		return ms[len(ms)-n:]
	}
	return ms
}

// execText executes a text template and trims the white space around the
// result.
func execText(t *texttemplate.Template, d RenderData) (string, error) {
	var b strings.Builder
	if err := t.Execute(&b, d); err != nil {
		return "", withhold(err)
	}
	return strings.TrimSpace(b.String()), nil
}

// execLine executes a text template and makes the result one line, for
// subjects and titles.
func execLine(t *texttemplate.Template, d RenderData) (string, error) {
	s, err := execText(t, d)
	if err != nil {
		return "", err
	}
	return oneLine(s), nil
}

// oneLine is the "oneLine" template helper.
func oneLine(s string) string {
	space := true // at the start, or after a space
	for _, r := range s {
		isSpace := unicode.IsSpace(r)
		if isSpace && (r != ' ' || space) {
			return strings.Join(strings.Fields(s), " ")
		}
		space = isSpace
	}
	if space && s != "" {
		return strings.TrimRight(s, " ")
	}
	return s
}

// splitLines is the "lines" template helper.
func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Split(s, "\n")
}

// truncate is the "truncate" template helper.
func truncate(n int, s string) string {
	if n < 0 {
		n = 0
	}
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n == 0 {
		return ""
	}
	return cutRunes(s, n-1)
}

// joinText is the "joinText" template helper.
func joinText(rs []Reply, sep string) string {
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return rs[0].Text
	}
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(sep)
		}
		b.WriteString(r.Text)
	}
	return b.String()
}

// withhold wraps a template's execution error so that its message names the
// template and nothing more: text/template quotes the value it failed on
// ("range can't iterate over 김민지"), and a host's template function may
// return or panic with anything. Unwrap gives the template's own error.
func withhold(err error) error { return templateError{err} }

// A templateError is a template's execution error with the data withheld
// from its message.
type templateError struct{ err error }

func (e templateError) Unwrap() error { return e.err }

func (e templateError) Error() string {
	if he, ok := e.err.(*htmltemplate.Error); ok {
		// An escaping error, which Execute returns as it is, is about the
		// template's source, not the data. One further down the chain came
		// from the host's code, and may quote anything.
		return he.Error()
	}
	var ee texttemplate.ExecError
	if errors.As(e.err, &ee) {
		return fmt.Sprintf("template %q failed; its error is withheld, since it may quote the data (errors.As gives it)", truncate(32, ee.Name))
	}
	return "template failed; its error is withheld, since it may quote the data (errors.As gives it)"
}
