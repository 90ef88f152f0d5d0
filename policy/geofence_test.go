package policy_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

func TestGeofenceCheck(t *testing.T) {
	tests := []struct {
		name            string
		g               policy.Geofence
		home, recipient string
		want            string // "" for allowed, else the error text
	}{
		{"home only by default", policy.Geofence{}, "KR", "KR", ""},
		{"zero value refuses abroad", policy.Geofence{}, "KR", "NG", "policy: region not allowed: NG"},
		{"home in any case", policy.Geofence{}, "kr", "Kr", ""},
		{"allowlisted", policy.Geofence{Allow: []string{"JP", "US"}}, "KR", "US", ""},
		{"allowlist in any case", policy.Geofence{Allow: []string{"jp"}}, "KR", "Jp", ""},
		{"home stays allowed with a list", policy.Geofence{Allow: []string{"JP"}}, "KR", "KR", ""},
		{"not on the list", policy.Geofence{Allow: []string{"JP"}}, "KR", "gb", "policy: region not allowed: GB"},
		{"unknown region ZZ", policy.Geofence{Allow: []string{"ZZ"}}, "ZZ", "ZZ", "policy: region not allowed: unknown region"},
		{"non-geographic 001", policy.Geofence{}, "KR", "001", "policy: region not allowed: unknown region"},
		{"empty recipient region", policy.Geofence{}, "", "", "policy: region not allowed: unknown region"},
		{"no home, empty list", policy.Geofence{}, "", "KR", "policy: region not allowed: KR"},
		{"malformed list entry never matches", policy.Geofence{Allow: []string{"J1", "USA"}}, "KR", "US", "policy: region not allowed: US"},
		{"a number passed by mistake is not echoed", policy.Geofence{}, "KR", "+821012345678", "policy: region not allowed: unknown region"},
		{"codes at the ends of the alphabet", policy.Geofence{Allow: []string{"AZ", "ZA"}}, "KR", "za", ""},
		{"lower case at the ends of the alphabet", policy.Geofence{Allow: []string{"az"}}, "za", "AZ", ""},
		{"refused in upper case", policy.Geofence{Allow: []string{"ZA"}}, "KR", "az", "policy: region not allowed: AZ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.g.Check(tt.home, tt.recipient)
			got := ""
			if err != nil {
				got = err.Error()
				if !errors.Is(err, policy.ErrRegionNotAllowed) {
					t.Errorf("Check(%q, %q) = %v, not ErrRegionNotAllowed", tt.home, tt.recipient, err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check(%q, %q) (-want +got)\n%s", tt.home, tt.recipient, diff)
			}
			if strings.ContainsAny(got, "0123456789+") {
				t.Errorf("error %q holds digits", got)
			}
		})
	}
}

func TestGeofenceValidate(t *testing.T) {
	for _, allow := range [][]string{nil, {}, {"KR"}, {"jp", "Us", "gb"}, {"AZ", "ZA", "az", "za"}} {
		if err := (policy.Geofence{Allow: allow}).Validate(); err != nil {
			t.Errorf("Validate(%q) = %v", allow, err)
		}
	}
	for _, allow := range [][]string{{""}, {"K"}, {"KOR"}, {"K1"}, {"KR", "zz"}, {"한국"}, {"k\x00"}, {"001"},
		{"@A"}, {"A["}, {"`a"}, {"a{"}} { // the characters either side of A-Z and a-z
		if err := (policy.Geofence{Allow: allow}).Validate(); !errors.Is(err, policy.ErrBadRegion) {
			t.Errorf("Validate(%q) = %v, want ErrBadRegion", allow, err)
		}
	}
}

func TestGeofenceJSON(t *testing.T) {
	var g policy.Geofence
	if err := json.Unmarshal([]byte(`{"allow":["jp","US"]}`), &g); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(policy.Geofence{Allow: []string{"jp", "US"}}, g); diff != "" {
		t.Errorf("decoded (-want +got)\n%s", diff)
	}
	b, err := json.Marshal(policy.Geofence{})
	if err != nil || string(b) != `{}` {
		t.Errorf("zero Geofence marshals to %s, %v", b, err)
	}
}

func TestGeofenceCheckAllocs(t *testing.T) {
	g := policy.Geofence{Allow: []string{"JP", "US"}}
	if n := testing.AllocsPerRun(100, func() { _ = g.Check("KR", "us") }); n != 0 {
		t.Errorf("Check allocates %v times when it allows", n)
	}
}

// A region that shares one letter with home or with an allowed region is
// another region: both letters must match.
func TestGeofenceOneSharedLetter(t *testing.T) {
	for _, tt := range []struct {
		g               policy.Geofence
		home, recipient string
	}{
		{policy.Geofence{}, "KR", "KP"},
		{policy.Geofence{}, "KR", "GR"},
		{policy.Geofence{Allow: []string{"JP"}}, "KR", "JM"},
		{policy.Geofence{Allow: []string{"US"}}, "KR", "RS"},
	} {
		if err := tt.g.Check(tt.home, tt.recipient); !errors.Is(err, policy.ErrRegionNotAllowed) {
			t.Errorf("%v.Check(%q, %q) = %v, want ErrRegionNotAllowed", tt.g, tt.home, tt.recipient, err)
		}
	}
}
