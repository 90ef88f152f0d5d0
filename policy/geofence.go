package policy

import (
	"errors"
	"fmt"
)

// ErrRegionNotAllowed is the error for a text message to a phone number whose
// region the [Geofence] does not allow. [Geofence.Check] wraps it with the
// region code ("policy: region not allowed: NG"), never with the number.
var ErrRegionNotAllowed = errors.New("policy: region not allowed")

// ErrBadRegion is returned by [Geofence.Validate] for an entry that is not a
// region code: two ASCII letters, other than "ZZ" (unknown region).
var ErrBadRegion = errors.New("policy: malformed region code")

// Geofence is the country allowlist for text messages (AlimTalk and SMS), the
// first defence against SMS pumping: attackers enter premium or small-carrier
// numbers in remote countries, and each text the workspace sends there earns
// them money.
//
// Allow lists ISO 3166-1 alpha-2 region codes ("KR", "jp"), in any case,
// that may receive texts besides the workspace's own region, which is always
// allowed. The zero Geofence allows the workspace's own region only.
//
// The codes are the region codes phone numbers parse to. The region "ZZ"
// (unknown) and non-geographic numbers (region "001", such as +800
// freephone numbers) are never allowed.
//
// A Geofence is a value; it is safe for concurrent use as long as no one
// modifies its Allow slice.
type Geofence struct {
	Allow []string `json:"allow,omitempty"`
}

// Validate reports [ErrBadRegion], with its position ("allow[1]"), for each
// entry of Allow that is not two ASCII letters, or is "ZZ", joined with
// errors.Join. It does not check that a code is assigned; the caller
// checks that against its phone number metadata.
func (g Geofence) Validate() error {
	var errs []error
	for i, r := range g.Allow {
		if !validRegion(r) {
			errs = append(errs, fmt.Errorf("%w: allow[%d]", ErrBadRegion, i))
		}
	}
	return errors.Join(errs...)
}

// Check reports whether a text may go to a phone number of the recipient
// region, for a workspace whose own region is home. It returns nil when
// recipient is home or listed in Allow (compared without regard to case),
// and otherwise an error wrapping [ErrRegionNotAllowed] that names the
// recipient region. A recipient region that is not a region code (empty,
// "ZZ", "001") is refused as unknown, without being echoed.
//
// Check does not allocate unless it refuses.
func (g Geofence) Check(home, recipient string) error {
	if !validRegion(recipient) {
		return fmt.Errorf("%w: unknown region", ErrRegionNotAllowed)
	}
	if validRegion(home) && sameRegion(home, recipient) {
		return nil
	}
	for _, a := range g.Allow {
		if validRegion(a) && sameRegion(a, recipient) {
			return nil
		}
	}
	return fmt.Errorf("%w: %s", ErrRegionNotAllowed, string([]byte{upperASCII(recipient[0]), upperASCII(recipient[1])}))
}

// validRegion reports whether s is two ASCII letters other than "ZZ".
func validRegion(s string) bool {
	if len(s) != 2 {
		return false
	}
	a, b := upperASCII(s[0]), upperASCII(s[1])
	if a < 'A' || a > 'Z' || b < 'A' || b > 'Z' {
		return false
	}
	return a != 'Z' || b != 'Z'
}

// sameRegion compares two valid region codes without regard to case.
func sameRegion(a, b string) bool {
	return upperASCII(a[0]) == upperASCII(b[0]) && upperASCII(a[1]) == upperASCII(b[1])
}

func upperASCII(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
