package notify

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Messages print and log without personal data: the recipient masked, and
// for every text only its length, because a follow-up's text holds the
// customer's name and the agent's answer. A sender reads the fields
// themselves; a log line of a message is safe as it is.

// Format implements fmt.Formatter: every verb prints the message with its
// recipient masked and its texts as lengths,
// "SMS{key: k, to: +82******5678, text: 42 chars}"; %q quotes it.
func (m SMS) Format(f fmt.State, verb rune) { formatMessage(f, verb, "SMS", m.fields()) }

// LogValue implements slog.LogValuer with the fields [SMS.Format] prints.
func (m SMS) LogValue() slog.Value { return logMessage(m.fields()) }

func (m SMS) fields() []field {
	return []field{
		str("key", m.Key), str("from", m.From), str("to", maskRecipient(m.To)),
		length("subject", m.Subject), length("text", m.Text),
	}
}

// Format implements fmt.Formatter: every verb prints the message with its
// recipient masked, its texts as lengths and its variables as a count; the
// substitute prints as [SMS.Format] does. %q quotes it.
func (m AlimTalk) Format(f fmt.State, verb rune) { formatMessage(f, verb, "AlimTalk", m.fields()) }

// LogValue implements slog.LogValuer with the fields [AlimTalk.Format]
// prints.
func (m AlimTalk) LogValue() slog.Value { return logMessage(m.fields()) }

func (m AlimTalk) fields() []field {
	fs := []field{
		str("key", m.Key), str("to", maskRecipient(m.To)), str("template", m.TemplateCode),
		count("variables", len(m.Variables)), length("text", m.Text), count("buttons", len(m.Buttons)),
	}
	if m.Substitute != nil {
		fs = append(fs, str("substitute", fmt.Sprint(*m.Substitute)))
	}
	return fs
}

// Format implements fmt.Formatter: every verb prints the message with its
// recipient masked and its subject and bodies as lengths. %q quotes it.
func (m Email) Format(f fmt.State, verb rune) { formatMessage(f, verb, "Email", m.fields()) }

// LogValue implements slog.LogValuer with the fields [Email.Format] prints.
func (m Email) LogValue() slog.Value { return logMessage(m.fields()) }

func (m Email) fields() []field {
	return []field{
		str("key", m.Key), str("from", m.From), str("to", maskRecipient(m.To)),
		str("replyTo", m.ReplyTo), length("subject", m.Subject),
		length("text", m.Text), length("html", m.HTML), count("headers", len(m.Headers)),
	}
}

// Format implements fmt.Formatter: every verb prints the message with its
// recipient masked, its title and body as lengths and its data as a count.
// %q quotes it.
func (m Push) Format(f fmt.State, verb rune) { formatMessage(f, verb, "Push", m.fields()) }

// LogValue implements slog.LogValuer with the fields [Push.Format] prints.
func (m Push) LogValue() slog.Value { return logMessage(m.fields()) }

func (m Push) fields() []field {
	return []field{
		str("key", m.Key), str("to", maskRecipient(m.To)),
		length("title", m.Title), length("body", m.Body), count("data", len(m.Data)),
	}
}

// A field is one printed field of a message: a string, or a number of
// units. Empty strings and zero numbers are left out.
type field struct {
	name, s string
	n       int
	unit    string // "" for a string
}

func str(name, s string) field { return field{name: name, s: s} }

// length is the length of a text in characters.
func length(name, s string) field {
	return field{name: name, n: utf8.RuneCountInString(s), unit: "char"}
}

// count is the number of items of a map or slice.
func count(name string, n int) field { return field{name: name, n: n, unit: "item"} }

func (fl field) empty() bool { return fl.s == "" && fl.n == 0 }

// formatMessage prints "Type{name: value, ...}" for every field that is
// not empty; %q quotes it.
func formatMessage(f fmt.State, verb rune, typ string, fs []field) {
	var b strings.Builder
	b.WriteString(typ)
	b.WriteByte('{')
	sep := ""
	for _, fl := range fs {
		if fl.empty() {
			continue
		}
		b.WriteString(sep)
		b.WriteString(fl.name)
		b.WriteString(": ")
		if fl.unit == "" {
			b.WriteString(fl.s)
		} else {
			b.WriteString(strconv.Itoa(fl.n))
			b.WriteByte(' ')
			b.WriteString(fl.unit)
			if fl.n != 1 {
				b.WriteByte('s')
			}
		}
		sep = ", "
	}
	b.WriteByte('}')
	if verb == 'q' {
		fmt.Fprintf(f, "%q", b.String())
		return
	}
	io.WriteString(f, b.String())
}

// logMessage is a group of the fields that are not empty: strings as
// strings, numbers as ints.
func logMessage(fs []field) slog.Value {
	attrs := make([]slog.Attr, 0, len(fs))
	for _, fl := range fs {
		switch {
		case fl.empty():
		case fl.unit == "":
			attrs = append(attrs, slog.String(fl.name, fl.s))
		default:
			attrs = append(attrs, slog.Int(fl.name, fl.n))
		}
	}
	return slog.GroupValue(attrs...)
}

// LogValue implements slog.LogValuer: a group of the batch's messages, each
// as its own LogValue logs it, so that a handler that would write the batch
// as JSON (slog's JSON handler) masks it as it masks each message.
func (b Batch) LogValue() slog.Value {
	attrs := make([]slog.Attr, 0, 4)
	if b.AlimTalk != nil {
		attrs = append(attrs, slog.Any("alimtalk", *b.AlimTalk))
	}
	if b.SMS != nil {
		attrs = append(attrs, slog.Any("sms", *b.SMS))
	}
	if b.Email != nil {
		attrs = append(attrs, slog.Any("email", *b.Email))
	}
	if b.Push != nil {
		attrs = append(attrs, slog.Any("push", *b.Push))
	}
	return slog.GroupValue(attrs...)
}
