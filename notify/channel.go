package notify

import (
	"fmt"

	"github.com/followup-go/followup/internal/enumname"
)

// Channel names a way of reaching a customer. The zero value is not a
// channel: it stands for "none", as in the Via of a failed [Entry]; Valid
// reports whether c is one of the constants below.
//
// A Channel marshals to and from text as its lower-case name ("alimtalk",
// "sms", "email", "push"), so it is stable in JSON and in logs; the zero
// value marshals as "".
type Channel uint8

// The channels a follow-up can go out on.
const (
	// ChannelAlimTalk is a KakaoTalk AlimTalk business message sent from a
	// template approved in advance.
	ChannelAlimTalk Channel = iota + 1
	// ChannelSMS is a text message: SMS up to 90 EUC-KR bytes, LMS beyond.
	ChannelSMS
	// ChannelEmail is an email message.
	ChannelEmail
	// ChannelPush is a mobile push notification through the host's own app.
	ChannelPush
)

var channelNames = [...]string{
	ChannelAlimTalk: "alimtalk",
	ChannelSMS:      "sms",
	ChannelEmail:    "email",
	ChannelPush:     "push",
}

// Valid reports whether c is one of the defined channels.
func (c Channel) Valid() bool {
	return c >= ChannelAlimTalk && c <= ChannelPush
}

// String returns the channel's lower-case name, or "Channel(N)" for a value
// that is not a channel.
func (c Channel) String() string {
	if c.Valid() {
		return channelNames[c]
	}
	return fmt.Sprintf("Channel(%d)", uint8(c))
}

// MarshalText implements [encoding.TextMarshaler]. The zero value, which
// fields such as [Entry.Via] hold when there is no channel to name,
// marshals as ""; any other value that is not a channel is refused with an
// error wrapping [ErrUnknownChannel], so it is never stored.
func (c Channel) MarshalText() ([]byte, error) {
	if c != 0 && !c.Valid() {
		return nil, fmt.Errorf("%w: Channel(%d)", ErrUnknownChannel, uint8(c))
	}
	return []byte(channelNames[c]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts the names
// String returns, in any case, and "" for the zero value. Another text is an
// error wrapping [ErrUnknownChannel] (and so [ErrUnknownName]).
func (c *Channel) UnmarshalText(text []byte) error {
	i, ok := lookupName(channelNames[:], text)
	if !ok {
		return fmt.Errorf("%w (%d bytes)", ErrUnknownChannel, len(text))
	}
	*c = Channel(i)
	return nil
}

// nameOf returns names[i], or "typ(i)" when i has no name, for the String
// methods of the enumerations.
func nameOf(names []string, i uint8, typ string) string {
	return enumname.String(names, int(i), typ)
}

// marshalName returns names[i] for the MarshalText methods of the
// enumerations: "" for the zero value, which means "not set", and an error
// wrapping [ErrUnknownName] for a value with no name.
func marshalName(names []string, i uint8, typ string) ([]byte, error) {
	if b, ok := enumname.Name(names, int(i)); ok {
		return b, nil
	}
	return nil, fmt.Errorf("%w: %s(%d)", ErrUnknownName, typ, i)
}

// lookupName returns the index in names of the name text is, in any case,
// for the UnmarshalText methods of the enumerations: 0 for "", and false
// for a text that names nothing.
func lookupName(names []string, text []byte) (int, bool) { return enumname.Index(names, text) }
