package notify

import (
	"fmt"
	"maps"
)

// A Push is a mobile push notification through the host's own app.
type Push struct {
	// Key is the idempotency key, as for [SMS.Key].
	Key string
	// To is the host's identifier of the recipient: a user id or a device
	// token.
	To string
	// Title and Body are the notification's text.
	Title, Body string
	// Data is extra data for the app, such as the conversation id.
	Data map[string]string
}

// Validate reports what a push provider would refuse: no recipient
// ([ErrNoRecipient]) or neither title nor body ([ErrNoContent]).
func (m Push) Validate() error {
	switch {
	case m.To == "":
		return fmt.Errorf("notify: push: %w", ErrNoRecipient)
	case m.Title == "" && m.Body == "":
		return fmt.Errorf("notify: push: %w", ErrNoContent)
	}
	return nil
}

// Clone returns a deep copy of m.
func (m Push) Clone() Push {
	m.Data = maps.Clone(m.Data)
	return m
}
