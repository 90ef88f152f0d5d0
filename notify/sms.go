package notify

import "fmt"

// An SMS is a Korean text message: SMS up to [SMSMaxBytes] EUC-KR bytes, LMS
// with a subject up to [LMSMaxBytes]. [SMS.Kind] says which; providers
// usually want to be told.
type SMS struct {
	// Key is the idempotency key: the same for every attempt to send this
	// message, different for every other message. A sender hands it to its
	// provider so a repeated request is dropped.
	Key string
	// From is the workspace's registered sender number. Empty means the
	// sender uses its provider account's default number.
	From string
	// To is the recipient's number in E.164 form ("+821012345678").
	To string
	// Subject is the LMS subject line, at most [LMSSubjectMaxBytes]; an SMS
	// has none, and a sender drops it for one.
	Subject string
	// Text is the message text.
	Text string
}

// Kind returns how the message goes out, by the length of its text. See
// [KindOf].
func (m SMS) Kind() (TextKind, error) { return KindOf(m.Text) }

// Validate reports what a provider would refuse: no recipient
// ([ErrNoRecipient]), no text ([ErrNoContent]), or a text or subject over
// its limit ([ErrTooLong]).
func (m SMS) Validate() error {
	switch {
	case m.To == "":
		return fmt.Errorf("notify: sms: %w", ErrNoRecipient)
	case m.Text == "":
		return fmt.Errorf("notify: sms: %w", ErrNoContent)
	}
	if _, err := m.Kind(); err != nil {
		return err
	}
	if n, _ := EUCKRLen(m.Subject); n > LMSSubjectMaxBytes {
		return tooLong("lms subject", n, LMSSubjectMaxBytes, "bytes")
	}
	return nil
}
