package followup

import (
	"errors"
	"fmt"
	"strings"
)

// ErrUnknownName is wrapped by the errors of the UnmarshalText methods of
// [Field], [PhoneType], [Reason], [Status] and [Strategy] for a text that
// names none of their values. The error gives the text's length, never the
// text. (notify.Channel is of another package and has its own error.)
var ErrUnknownName = errors.New("unknown name")

// lookupName returns the index in names of the name b is, in any case, for
// the UnmarshalText methods of the enumerations. An empty name in names
// matches nothing. The error gives b's length, not b: the text may come
// from a customer's request and hold anything, a phone number included.
func lookupName(names []string, b []byte, what string) (int, error) {
	for i, n := range names {
		if n != "" && strings.EqualFold(n, string(b)) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("followup: %s: %w (%d bytes)", what, ErrUnknownName, len(b))
}
