package notify

import "fmt"

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
// marshals as ""; any other value that is not a channel is refused, so it is
// never stored.
func (c Channel) MarshalText() ([]byte, error) {
	if c == 0 {
		return []byte{}, nil
	}
	if !c.Valid() {
		return nil, fmt.Errorf("notify: invalid channel %d", uint8(c))
	}
	return []byte(channelNames[c]), nil
}

// UnmarshalText implements [encoding.TextUnmarshaler]. It accepts the names
// String returns, in any case, and "" for the zero value.
func (c *Channel) UnmarshalText(text []byte) error {
	if len(text) == 0 {
		*c = 0
		return nil
	}
	for ch := ChannelAlimTalk; ch <= ChannelPush; ch++ {
		if equalFoldASCII(string(text), channelNames[ch]) {
			*c = ch
			return nil
		}
	}
	return fmt.Errorf("notify: unknown channel name (%d bytes)", len(text))
}

func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
