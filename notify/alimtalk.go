package notify

import (
	"fmt"
	"maps"
	"slices"
	"unicode/utf8"
)

// An AlimTalk is a KakaoTalk business message sent from a template Kakao
// approved in advance, with its variables filled in.
type AlimTalk struct {
	// Key is the idempotency key, as for [SMS.Key].
	Key string
	// To is the recipient's number in E.164 form.
	To string
	// SenderKey is the workspace's Kakao sender profile key. Empty means
	// the host's sender uses its own.
	SenderKey string
	// TemplateCode is the code of the approved template.
	TemplateCode string
	// Variables are the template's variables by name, without "#{" and "}",
	// for providers that fill the template themselves.
	Variables map[string]string
	// Text is the filled template, at most [AlimTalkMaxRunes] characters,
	// for providers that take the text and check it against the template.
	Text string
	// Buttons are at most [AlimTalkMaxButtons] buttons; a link back to the
	// chat is the usual one.
	Buttons []Button
	// Substitute is the SMS or LMS that goes out instead when the AlimTalk
	// cannot be delivered: the recipient refused it or has no KakaoTalk, the
	// provider refused it permanently, or the host has no AlimTalk sender.
	// Nil means no substitute. Only one of the two reaches the customer: an
	// AlimTalk that may have gone through gets no substitute (see
	// [Dispatcher.Dispatch]).
	Substitute *SMS
}

// A Button is an AlimTalk web-link button.
type Button struct {
	// Name is the button's label, as the template has it.
	Name string
	// MobileURL is the link opened on a phone; PCURL on a computer. Empty
	// PCURL means MobileURL.
	MobileURL, PCURL string
}

// Validate reports what Kakao would refuse: no recipient
// ([ErrNoRecipient]), no template code ([ErrNoTemplate]), no text
// ([ErrNoContent]), a text over [AlimTalkMaxRunes] ([ErrTooLong]), more than
// [AlimTalkMaxButtons] buttons ([ErrTooManyButtons]), a button without a
// name or link ([ErrBadButton]), or an invalid substitute.
func (m AlimTalk) Validate() error {
	if err := m.validateOwn(); err != nil {
		return err
	}
	return m.validateSubstitute()
}

// validateOwn validates the AlimTalk without its substitute.
func (m *AlimTalk) validateOwn() error {
	switch {
	case m.To == "":
		return fmt.Errorf("notify: alimtalk: %w", ErrNoRecipient)
	case m.TemplateCode == "":
		return fmt.Errorf("notify: alimtalk: %w", ErrNoTemplate)
	case m.Text == "":
		return fmt.Errorf("notify: alimtalk: %w", ErrNoContent)
	case len(m.Buttons) > AlimTalkMaxButtons:
		return fmt.Errorf("notify: alimtalk has %d buttons, limit %d: %w", len(m.Buttons), AlimTalkMaxButtons, ErrTooManyButtons)
	}
	if n := utf8.RuneCountInString(m.Text); n > AlimTalkMaxRunes {
		return tooLong("alimtalk text", n, AlimTalkMaxRunes, "characters")
	}
	for i, b := range m.Buttons {
		if b.Name == "" || b.MobileURL == "" {
			return fmt.Errorf("notify: alimtalk button %d: %w", i+1, ErrBadButton)
		}
	}
	return nil
}

// validateSubstitute validates the substitute, if there is one.
func (m *AlimTalk) validateSubstitute() error {
	if m.Substitute == nil {
		return nil
	}
	if err := m.Substitute.Validate(); err != nil {
		return fmt.Errorf("notify: alimtalk substitute: %w", err)
	}
	return nil
}

// Clone returns a deep copy of m: its variables, buttons and substitute are
// copies too.
func (m AlimTalk) Clone() AlimTalk {
	m.Variables = maps.Clone(m.Variables)
	m.Buttons = slices.Clone(m.Buttons)
	if m.Substitute != nil {
		s := *m.Substitute
		m.Substitute = &s
	}
	return m
}
