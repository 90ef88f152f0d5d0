package followup

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/followup-go/followup/notify"
)

// Key identifies one follow-up: a batch of agent replies in a conversation.
// Planning gives the same Key for the same pending batch however often, and
// on however many instances, it runs, and a different Key for the next batch.
//
// A host uses [Key.String] as the job id in its queue and hands the per-channel
// keys the engine puts on each message to its providers, so that each
// follow-up is sent once behind an at-least-once queue. Key is comparable and
// marshals to JSON as its two fields, for the host's history. It holds no
// workspace: [Conversation.ID] must be unique across workspaces.
type Key struct {
	// Conversation is the conversation's id.
	Conversation string `json:"conversation"`
	// Reply is the id of the first reply of the batch.
	Reply string `json:"reply"`
}

// IsZero reports whether k is the zero Key, which names no follow-up.
func (k Key) IsZero() bool { return k == Key{} }

// String returns a fixed-length form of the key, "fu-" and 32 hexadecimal
// digits, fit for a job id or a provider's idempotency key. It is a hash of
// both ids, so it reveals neither. The zero Key's String is "".
func (k Key) String() string {
	if k.IsZero() {
		return ""
	}
	h := sha256.New()
	// Length prefixes keep ("ab","c") and ("a","bc") apart.
	var n [20]byte
	h.Write(strconv.AppendInt(n[:0], int64(len(k.Conversation)), 10))
	h.Write([]byte{':'})
	h.Write([]byte(k.Conversation))
	h.Write([]byte(k.Reply))
	var sum [sha256.Size]byte
	return "fu-" + hex.EncodeToString(h.Sum(sum[:0])[:16])
}

// For returns the idempotency key of the follow-up's message on one channel:
// String followed by the channel's name. For the zero Key it returns "", no
// key, rather than one that every keyless follow-up would share.
func (k Key) For(c notify.Channel) string {
	if k.IsZero() {
		return ""
	}
	return k.String() + "-" + c.String()
}
