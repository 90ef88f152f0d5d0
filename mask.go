package followup

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/followup-go/followup/policy"
)

// Masking: the values that hold what a customer typed print and log masked,
// and keep their real values in JSON, which is what a host stores. JSON for
// people or logs is asked for explicitly, with [Contact.Masked].
//
// The masking is done by String, Format and LogValue, so it applies only
// where fmt or slog calls them: on the value itself, or an exported field,
// slice element or map value that fmt prints, or a slog attribute's value.
// fmt cannot call methods on a value in an unexported struct field, and
// slog's JSON handler writes a value nested in a struct, slice or map with
// encoding/json, which gives the real values. Printers that read fields by
// reflection and skip the methods, such as go-cmp's Diff, show them too. The
// masked strings of MaskedContact, MaskName and MaskEmail are safe anywhere.

// A MaskedContact is a [Contact] with its name, phone number and email
// address masked, for JSON that people or log pipelines read: an audit
// trail, a support tool, an event sent to analytics. Build one with
// [Contact.Masked]; there is no way back to the real values.
//
// Its fields are already masked strings, so unlike a Contact it stays masked
// wherever it is put: in an unexported field printed by fmt, or in a struct,
// slice or map that slog's JSON handler or encoding/json writes.
type MaskedContact struct {
	// Name is the name masked by [MaskName]: "홍*동".
	Name string `json:"name,omitempty"`
	// Phone is the number masked by [Phone.Masked]: "+82 **-****-5678".
	Phone string `json:"phone,omitempty"`
	// Email is the address masked by [MaskEmail]: "s***@example.com".
	Email string `json:"email,omitempty"`
	// CollectedAt, Purpose and Inquiry are the contact's own.
	CollectedAt time.Time      `json:"collectedAt,omitzero"`
	Purpose     policy.Purpose `json:"purpose,omitempty"`
	Inquiry     string         `json:"inquiry,omitempty"`
}

// Masked returns the contact with its name, phone number and email address
// masked. Its JSON form is the one to use wherever the real values must not
// go; the Contact's own JSON form keeps them, for storage. Put c.Masked(),
// not c, into a struct, slice or map that is logged (see [Contact]).
func (c Contact) Masked() MaskedContact {
	return MaskedContact{
		Name:        MaskName(c.Name),
		Phone:       c.Phone.Masked(),
		Email:       MaskEmail(c.Email),
		CollectedAt: c.CollectedAt,
		Purpose:     c.Purpose,
		Inquiry:     c.Inquiry,
	}
}

// String returns the contact with masked values and its purpose, for logs
// and debugging: "Contact{name: 홍*동, phone: +82 **-****-5678, email:
// s***@example.com, purpose: inquiry}". Empty fields are left out.
func (c Contact) String() string {
	m := c.Masked()
	return maskedString("Contact", "name", m.Name, "phone", m.Phone, "email", m.Email, "purpose", string(m.Purpose))
}

// Format implements fmt.Formatter so that every verb, including %#v and
// %+v, prints the masked form of [Contact.String]; %q quotes it. Width,
// precision and flags apply as they do to a string.
func (c Contact) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.String()) }

// LogValue implements slog.LogValuer: a group of the masked name, phone and
// email, the purpose and the time of collection.
func (c Contact) LogValue() slog.Value {
	m := c.Masked()
	attrs := maskedAttrs("name", m.Name, "phone", m.Phone, "email", m.Email, "purpose", string(m.Purpose))
	if !c.CollectedAt.IsZero() {
		attrs = append(attrs, slog.Time("collectedAt", c.CollectedAt))
	}
	return slog.GroupValue(attrs...)
}

// String returns the answers masked, as [Contact.String] does, although
// they were never checked: the name by [MaskName], the email by [MaskEmail]
// (whole if it has no '@'), and the phone answer down to its last four
// digits, or whole if it has fewer than eight besides what may be an
// international prefix and a country code ("+354 611 1234" is "***").
func (in ContactInput) String() string {
	return maskedString("ContactInput", "name", MaskName(in.Name), "phone", maskAnswer(in.Phone), "email", MaskEmail(in.Email))
}

// Format implements fmt.Formatter so that every verb prints the masked form
// of [ContactInput.String]; %q quotes it. Width, precision and flags apply
// as they do to a string.
func (in ContactInput) Format(f fmt.State, verb rune) { formatMasked(f, verb, in.String()) }

// LogValue implements slog.LogValuer: a group of the masked answers given.
func (in ContactInput) LogValue() slog.Value {
	return slog.GroupValue(maskedAttrs("name", MaskName(in.Name), "phone", maskAnswer(in.Phone), "email", MaskEmail(in.Email))...)
}

// String returns the conversation for logs and debugging, with what
// [Conversation.LogValue] logs: "Conversation{id: chat-1, unseen: 2,
// followUps: 1, open: true, contact: Contact{name: 홍*동}, locale: ko}".
// The texts are left out, and the push target shows as its length: it
// identifies the customer's device.
func (c Conversation) String() string {
	var optOuts, contact string
	if len(c.OptOuts) > 0 {
		optOuts = fmt.Sprint(c.OptOuts)
	}
	if c.Contact != (Contact{}) {
		contact = c.Contact.String()
	}
	return maskedString("Conversation", "id", c.ID, "unseen", strconv.Itoa(len(c.Unseen)),
		"followUps", strconv.Itoa(len(c.FollowUps)), "open", strconv.FormatBool(c.Presence.Open),
		"contact", contact, "locale", c.Locale, "optOuts", optOuts,
		"pushTarget", textLength(c.PushTarget))
}

// Format implements fmt.Formatter so that every verb prints
// [Conversation.String]; %q quotes it, and width, precision and flags apply
// as they do to a string.
func (c Conversation) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.String()) }

// String returns the reply for logs and debugging with its text as a
// length, since agents write the customer's name, number or address into
// their answers: "Reply{id: r1, author: 상담원 이서연, text: 17 chars,
// at: 2026-11-24T14:00:00Z}".
func (r Reply) String() string {
	return maskedString("Reply", "id", r.ID, "author", r.Author, "text", textLength(r.Text),
		"at", timeString(r.At), "marketing", boolString(r.Marketing))
}

// Format implements fmt.Formatter so that every verb prints
// [Reply.String]; %q quotes it, and width, precision and flags apply as
// they do to a string.
func (r Reply) Format(f fmt.State, verb rune) { formatMasked(f, verb, r.String()) }

// LogValue implements slog.LogValuer with the fields [Reply.String] prints.
func (r Reply) LogValue() slog.Value {
	attrs := withTime(maskedAttrs("id", r.ID, "author", r.Author, "text", textLength(r.Text)), r.At)
	if r.Marketing {
		attrs = append(attrs, slog.Bool("marketing", true))
	}
	return slog.GroupValue(attrs...)
}

// String returns the message for logs and debugging with its text as a
// length, and its author masked by [MaskName] when the customer wrote it:
// "Message{from: customer, author: 김*지, text: 24 chars,
// at: 2026-11-24T14:00:00Z}".
func (m Message) String() string {
	from, author := m.from()
	return maskedString("Message", "from", from, "author", author, "text", textLength(m.Text), "at", timeString(m.At))
}

// Format implements fmt.Formatter so that every verb prints
// [Message.String]; %q quotes it, and width, precision and flags apply as
// they do to a string.
func (m Message) Format(f fmt.State, verb rune) { formatMasked(f, verb, m.String()) }

// LogValue implements slog.LogValuer with the fields [Message.String]
// prints.
func (m Message) LogValue() slog.Value {
	from, author := m.from()
	attrs := maskedAttrs("from", from, "author", author, "text", textLength(m.Text))
	return slog.GroupValue(withTime(attrs, m.At)...)
}

// String returns the render data for logs and debugging with the
// customer's name masked by [MaskName] and the replies, earlier messages
// and link counted, not shown: "RenderData{workspace: Acme, customer: 김*지,
// replies: 2, earlier: 1, link: 41 chars}". The templates read the fields
// themselves.
func (d RenderData) String() string { return maskedString("RenderData", d.fields()...) }

// Format implements fmt.Formatter so that every verb prints
// [RenderData.String]; %q quotes it, and width, precision and flags apply
// as they do to a string.
func (d RenderData) Format(f fmt.State, verb rune) { formatMasked(f, verb, d.String()) }

// LogValue implements slog.LogValuer with the fields [RenderData.String]
// prints.
func (d RenderData) LogValue() slog.Value { return slog.GroupValue(maskedAttrs(d.fields()...)...) }

// fields are the pairs RenderData prints.
func (d RenderData) fields() []string {
	return []string{"workspace", d.Workspace, "customer", MaskName(d.CustomerName),
		"replies", countString(len(d.Replies)), "earlier", countString(len(d.Earlier)), "link", textLength(d.Link)}
}

// String returns the content for logs and debugging with every text as its
// length, since the texts hold the customer's name and the agents' replies:
// "Content{locale: ko, sms: 84 chars, alimTalk: 120 chars, alimTalkLocale:
// ko, alimTalkVariables: 4, emailSubject: 21 chars, ...}".
func (c Content) String() string { return maskedString("Content", c.fields()...) }

// Format implements fmt.Formatter so that every verb prints
// [Content.String]; %q quotes it, and width, precision and flags apply as
// they do to a string.
func (c Content) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.String()) }

// LogValue implements slog.LogValuer with the fields [Content.String]
// prints.
func (c Content) LogValue() slog.Value { return slog.GroupValue(maskedAttrs(c.fields()...)...) }

// fields are the pairs Content prints.
func (c Content) fields() []string {
	return []string{
		"locale", c.Locale, "sms", textLength(c.SMSText), "smsSubject", textLength(c.SMSSubject),
		"alimTalk", textLength(c.AlimTalkText), "alimTalkLocale", c.AlimTalkLocale,
		"alimTalkVariables", countString(len(c.AlimTalkVariables)),
		"emailSubject", textLength(c.EmailSubject), "emailText", textLength(c.EmailText),
		"emailHTML", textLength(c.EmailHTML), "pushTitle", textLength(c.PushTitle), "pushBody", textLength(c.PushBody),
	}
}

// countString is how a count prints: the number, or nothing if it is zero.
func countString(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// from returns who wrote m, and the author's name as it may be shown.
func (m Message) from() (from, author string) {
	if m.FromCustomer {
		return "customer", MaskName(m.Author)
	}
	return "agent", m.Author
}

// textLength is how a text prints: its length in characters, or nothing if
// it is empty.
func textLength(s string) string {
	if s == "" {
		return ""
	}
	return strconv.Itoa(utf8.RuneCountInString(s)) + " chars"
}

// timeString is how a time prints: RFC 3339, or nothing if it is zero.
func timeString(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.RFC3339Nano)
}

// boolString is how a flag prints: "true", or nothing if it is false.
func boolString(b bool) string {
	if b {
		return "true"
	}
	return ""
}

// withTime appends t as the attribute "at", unless it is zero.
func withTime(attrs []slog.Attr, t time.Time) []slog.Attr {
	if t.IsZero() {
		return attrs
	}
	return append(attrs, slog.Time("at", t))
}

// maskAnswer masks a phone number that was never checked (an answer as
// typed, or a [Phone.E164] that is not a number): "***", and the last four
// of its digits if what may be its national number holds at least eight,
// so a support agent can match it with the customer and no more than half
// of a number shows. A number typed with '+' or "00" may start with an
// international prefix ("00700" in Korea) and a country code of up to
// three digits, which are not counted: "+354 611 1234", seven national
// digits, is "***".
func maskAnswer(s string) string {
	if s == "" {
		return ""
	}
	d := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			d = append(d, s[i])
		}
	}
	national := len(d)
	switch t := strings.TrimLeftFunc(s, unicode.IsSpace); {
	case strings.HasPrefix(t, "+"), strings.HasPrefix(t, "＋"):
		national -= maxCountryCode
	case strings.HasPrefix(t, "00"):
		national -= maxIDDPrefix + maxCountryCode
	}
	if national < 2*maxShownDigits {
		return "***"
	}
	return "***" + string(d[len(d)-maxShownDigits:])
}

// What maskAnswer assumes of a number it cannot read.
const (
	// maxCountryCode is the most digits of a country calling code.
	maxCountryCode = 3
	// maxIDDPrefix is the most digits of an international prefix:
	// Korea's carrier prefixes "001", "002" and "00700" are the longest.
	maxIDDPrefix = 5
)

// maskedString writes "Type{k: v, ...}" for the pairs whose value is not
// empty.
func maskedString(typ string, kv ...string) string {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	sep := ""
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			continue
		}
		b.WriteString(sep)
		b.WriteString(kv[i])
		b.WriteString(": ")
		b.WriteString(kv[i+1])
		sep = ", "
	}
	b.WriteByte('}')
	return b.String()
}

// maskedAttrs returns a string attribute for each pair whose value is not
// empty.
func maskedAttrs(kv ...string) []slog.Attr {
	attrs := make([]slog.Attr, 0, len(kv)/2+1)
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			attrs = append(attrs, slog.String(kv[i], kv[i+1]))
		}
	}
	return attrs
}

// formatMasked prints masked text for every verb as %s would, and quotes it
// for %q, with the width, precision and flags of the verb applied as they
// would be to a string: "%-20s" pads, "%.3v" truncates, "%#q" uses
// backquotes. The '#' of %#v and the '+' of %+v change nothing.
func formatMasked(f fmt.State, verb rune, masked string) {
	if verb != 'q' {
		verb = 's'
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), masked)
}

// maxNameStars bounds the stars of a masked name.
const maxNameStars = 8

// MaskName masks a name for logs: its first and last letters stay, the rest
// become '*', at most eight of them: "홍*동", "김**수", "A********n" for
// "Alexander Hamilton"; a name of two letters keeps its first ("민*"), a
// name of one is "*". White space and punctuation, such as the space or the
// middle dot of "이 솔" and "이·솔", count for nothing and never show, so a
// two-letter name typed with one is "이*" and not "이*솔". The stars' count
// is bounded so that a hostile answer of a megabyte logs as a few bytes, and
// a long name does not give away its length. The result is a plain string,
// safe in any struct, slice or map a host logs, where a [Contact]'s own
// masking may not apply (see [Contact]).
func MaskName(name string) string {
	var first, last rune
	n := 0
	for _, r := range name {
		if unicode.IsSpace(r) || unicode.IsPunct(r) {
			continue
		}
		if n == 0 {
			first = r
		}
		last = r
		n++
	}
	switch {
	case name == "":
		return ""
	case n <= 1:
		return "*"
	case n == 2:
		return string(first) + "*"
	}
	return string(first) + strings.Repeat("*", min(n-2, maxNameStars)) + string(last)
}

// MaskEmail masks an email address for logs: the first character of the
// local part and the domain stay: "s***@example.com"; a local part of one
// character, which would show the address whole, is hidden too
// ("***@example.com"). The domain stays only if it is a host name
// [ParseEmail] would accept (dot-separated labels of ASCII letters, digits
// and inner hyphens, at most 254 bytes); any other text after the last '@'
// becomes "***" ("k***@***"), because an answer that was never checked may
// hold more than an address ("kim@example.com 010-9876-5432"). Surrounding
// white space is ignored; text with no '@', or nothing before it, is
// masked whole. Like [MaskName], the result is safe in anything a host
// logs.
func MaskEmail(addr string) string {
	if addr == "" {
		return ""
	}
	addr = strings.TrimSpace(addr)
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "***"
	}
	domain := addr[at+1:]
	if _, c := checkDomain(domain); c != "" || len(domain) > maxEmail {
		domain = "***"
	}
	first, size := utf8.DecodeRuneInString(addr)
	if size >= at {
		return "***@" + domain
	}
	return string(first) + "***@" + domain
}
