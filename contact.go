package followup

import (
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/followup-go/followup/policy"
)

// A Contact is the contact information a customer gave the chat bot, and what
// it may be used for.
//
// Its JSON form holds the real values, because that is what a host stores.
// [Contact.String], every fmt verb and [Contact.LogValue] show masked values
// only: "홍*동", "+82 10-****-5678", "s***@example.com". The zero value is a
// customer who gave nothing.
type Contact struct {
	// Name is the name the customer gave, normalized by [ParseName].
	Name string `json:"name,omitempty"`
	// Email is the address the customer gave, normalized by [ParseEmail].
	Email string `json:"email,omitempty"`
	// Phone is the number the customer gave; one [Settings.ParseContact]
	// accepted can receive text.
	Phone Phone `json:"phone,omitzero"`
	// CollectedAt is when the customer gave it.
	CollectedAt time.Time `json:"collectedAt,omitzero"`
	// Purpose is what the customer gave it for. Contact information the
	// follow-up feature collects is for [policy.PurposeInquiry] only: using
	// it for anything else needs the customer's consent (see [policy.Permit]).
	Purpose policy.Purpose `json:"purpose,omitempty"`
	// Inquiry identifies the conversation the contact information was
	// collected in, as the host names it.
	Inquiry string `json:"inquiry,omitempty"`
}

// Reachable reports whether a follow-up can reach the customer: they gave a
// phone number that can receive text or an email address. A name alone is
// not contact information.
func (c Contact) Reachable() bool {
	return c.Email != "" || (!c.Phone.IsZero() && c.Phone.CanText())
}

// String returns the contact with masked values, for logs and debugging:
// "Contact{name: 홍*동, phone: +82 10-****-5678, email: s***@example.com}".
// Fields the customer did not give are left out.
func (c Contact) String() string {
	var b strings.Builder
	b.WriteString("Contact{")
	sep := ""
	field := func(k, v string) {
		if v == "" {
			return
		}
		b.WriteString(sep)
		b.WriteString(k)
		b.WriteString(": ")
		b.WriteString(v)
		sep = ", "
	}
	field("name", MaskName(c.Name))
	field("phone", c.Phone.Masked())
	field("email", MaskEmail(c.Email))
	field("purpose", string(c.Purpose))
	b.WriteString("}")
	return b.String()
}

// Format implements fmt.Formatter so that every verb, including %#v and
// %+v, prints the masked form of [Contact.String]; %q quotes it.
func (c Contact) Format(f fmt.State, verb rune) { formatMasked(f, verb, c.String()) }

// LogValue implements slog.LogValuer: a group of the masked name, phone and
// email, the purpose and the time of collection.
func (c Contact) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 6)
	if c.Name != "" {
		attrs = append(attrs, slog.String("name", MaskName(c.Name)))
	}
	if !c.Phone.IsZero() {
		attrs = append(attrs, slog.String("phone", c.Phone.Masked()))
	}
	if c.Email != "" {
		attrs = append(attrs, slog.String("email", MaskEmail(c.Email)))
	}
	if c.Purpose != "" {
		attrs = append(attrs, slog.String("purpose", string(c.Purpose)))
	}
	if !c.CollectedAt.IsZero() {
		attrs = append(attrs, slog.Time("collectedAt", c.CollectedAt))
	}
	return slog.GroupValue(attrs...)
}

// MaskName masks a name for logs: the first and the last character stay, the
// rest become '*': "홍*동", "김**수"; a two-character name keeps its first
// ("민*"), a one-character name is "*".
func MaskName(name string) string {
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return ""
	case n == 1:
		return "*"
	}
	first, size := utf8.DecodeRuneInString(name)
	if n == 2 {
		return string(first) + "*"
	}
	last, lastSize := utf8.DecodeLastRuneInString(name)
	if size+lastSize > len(name) {
		return "*"
	}
	return string(first) + strings.Repeat("*", n-2) + string(last)
}

// MaskEmail masks an email address for logs: the first character of the
// local part and the domain stay: "s***@example.com". Text without an '@'
// is masked whole.
func MaskEmail(addr string) string {
	if addr == "" {
		return ""
	}
	at := strings.LastIndexByte(addr, '@')
	if at <= 0 {
		return "***"
	}
	first, size := utf8.DecodeRuneInString(addr)
	if size > at {
		return "***" + addr[at:]
	}
	return string(first) + "***" + addr[at:]
}

// ContactInput holds the chat bot's raw answers, as the customer typed them.
// An empty answer is a question not answered (yet).
type ContactInput struct {
	Name  string `json:"name,omitempty"`
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
	// At is when the answers were given; it becomes [Contact.CollectedAt].
	At time.Time `json:"at,omitzero"`
	// Inquiry identifies the conversation; it becomes [Contact.Inquiry].
	Inquiry string `json:"inquiry,omitempty"`
}

// ParseContact checks the bot's answers against the settings and returns the
// contact, collected for [policy.PurposeInquiry].
//
// Each answer goes through [ParseName], [ParsePhone] (in the settings'
// region) or [ParseEmail]; a phone number must also be able to receive text
// ([Phone.TextError]), because that is what the settings ask it for. An
// answer to a question the settings do not ask is refused with
// [CodeNotAsked]; an empty answer is a question not answered and is not an
// error. If any answer is refused, the error is a [*ValidationError] that
// lists every refused field, and the Contact holds the accepted ones.
func (s Settings) ParseContact(in ContactInput) (Contact, error) {
	c := Contact{CollectedAt: in.At, Purpose: policy.PurposeInquiry, Inquiry: in.Inquiry}
	var bad []*FieldError
	refuse := func(f Field, err error) error {
		fe, ok := asFieldError(err)
		if !ok {
			return err
		}
		bad = append(bad, &FieldError{Field: f, Code: fe.Code})
		return nil
	}
	if answered(in.Name) {
		if !s.AskName {
			bad = append(bad, fieldError(FieldName, CodeNotAsked))
		} else if name, err := ParseName(in.Name); err != nil {
			if err := refuse(FieldName, err); err != nil {
				return Contact{}, err
			}
		} else {
			c.Name = name
		}
	}
	if answered(in.Phone) {
		if !s.AskPhone {
			bad = append(bad, fieldError(FieldPhone, CodeNotAsked))
		} else {
			p, err := ParsePhone(in.Phone, s.region())
			if err == nil {
				err = p.TextError()
			}
			if err != nil {
				if err := refuse(FieldPhone, err); err != nil {
					return Contact{}, err
				}
			} else {
				c.Phone = p
			}
		}
	}
	if answered(in.Email) {
		if !s.AskEmail {
			bad = append(bad, fieldError(FieldEmail, CodeNotAsked))
		} else if e, err := ParseEmail(in.Email); err != nil {
			if err := refuse(FieldEmail, err); err != nil {
				return Contact{}, err
			}
		} else {
			c.Email = e
		}
	}
	if len(bad) > 0 {
		return c, &ValidationError{Errors: bad}
	}
	return c, nil
}

// answered reports whether an answer holds more than white space.
func answered(s string) bool { return strings.TrimSpace(s) != "" }
