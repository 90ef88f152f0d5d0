package notify

import (
	"encoding/json"
	"fmt"
	"strings"
)

// ChannelSet is a set of channels. The zero value is the empty set. It is a
// small value: copy it freely.
type ChannelSet uint8

// SetOf returns the set holding the given channels; values that are not
// channels are ignored.
func SetOf(cs ...Channel) ChannelSet {
	var s ChannelSet
	for _, c := range cs {
		s = s.Add(c)
	}
	return s
}

// Has reports whether c is in the set.
func (s ChannelSet) Has(c Channel) bool { return c.Valid() && s&(1<<c) != 0 }

// Add returns the set with c added; a value that is not a channel is ignored.
func (s ChannelSet) Add(c Channel) ChannelSet {
	if !c.Valid() {
		return s
	}
	return s | 1<<c
}

// Remove returns the set without c.
func (s ChannelSet) Remove(c Channel) ChannelSet {
	if !c.Valid() {
		return s
	}
	return s &^ (1 << c)
}

// Intersect returns the channels in both sets.
func (s ChannelSet) Intersect(o ChannelSet) ChannelSet { return s & o }

// Without returns the channels of s that are not in o.
func (s ChannelSet) Without(o ChannelSet) ChannelSet { return s &^ o }

// Empty reports whether the set has no channel.
func (s ChannelSet) Empty() bool { return s == 0 }

// Channels returns the set's channels in the order of the constants:
// AlimTalk, SMS, Email, Push.
func (s ChannelSet) Channels() []Channel {
	var out []Channel
	for c := ChannelAlimTalk; c <= ChannelPush; c++ {
		if s.Has(c) {
			out = append(out, c)
		}
	}
	return out
}

// String returns the channels' names in brackets, like a slice: "[sms email]".
func (s ChannelSet) String() string {
	var b strings.Builder
	b.WriteByte('[')
	for _, c := range s.Channels() {
		if b.Len() > 1 {
			b.WriteByte(' ')
		}
		b.WriteString(c.String())
	}
	b.WriteByte(']')
	return b.String()
}

// channelBits are the bits of a ChannelSet that are channels.
const channelBits = ChannelSet(1<<ChannelAlimTalk | 1<<ChannelSMS | 1<<ChannelEmail | 1<<ChannelPush)

// MarshalJSON writes the set as an array of channel names, in the order of
// [ChannelSet.Channels]: ["alimtalk","email"], [] for the empty set. A set
// holding a bit that is no channel (only a conversion such as
// ChannelSet(1) makes one) is refused with an error wrapping
// [ErrUnknownChannel], since it would not read back as itself.
func (s ChannelSet) MarshalJSON() ([]byte, error) {
	if s&^channelBits != 0 {
		return nil, fmt.Errorf("%w: ChannelSet(%#x)", ErrUnknownChannel, uint8(s))
	}
	cs := s.Channels()
	if cs == nil {
		cs = []Channel{}
	}
	return json.Marshal(cs)
}

// UnmarshalJSON reads an array of channel names written by
// [ChannelSet.MarshalJSON], in any order and case. null is the empty set. A
// name that is no channel, "" included, is an error wrapping
// [ErrUnknownChannel].
func (s *ChannelSet) UnmarshalJSON(b []byte) error {
	var cs []Channel
	if err := json.Unmarshal(b, &cs); err != nil {
		return err
	}
	for _, c := range cs {
		if !c.Valid() { // "", which names the zero Channel, is in no set
			return fmt.Errorf("%w: \"\" in a set", ErrUnknownChannel)
		}
	}
	*s = SetOf(cs...)
	return nil
}
