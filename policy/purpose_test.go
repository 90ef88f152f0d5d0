package policy_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

func TestPermit(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	marketing := policy.Consent{
		Purpose: policy.PurposeMarketing,
		Agreed:  "marketing-sms-v3",
		At:      now.Add(-48 * time.Hour),
		Form:    "workflow:newsletter-signup",
	}
	with := func(f func(*policy.Consent)) policy.Consent {
		c := marketing
		f(&c)
		return c
	}
	tests := []struct {
		name              string
		use, collectedFor policy.Purpose
		consents          []policy.Consent
		want              string // "" for permitted, else the error text
		incomplete        bool
	}{
		{"inquiry always allowed", policy.PurposeInquiry, policy.PurposeInquiry, nil, "", false},
		{"empty collectedFor is inquiry", policy.PurposeInquiry, "", nil, "", false},
		{"inquiry needs no consent even with unrelated ones", policy.PurposeInquiry, "", []policy.Consent{marketing}, "", false},
		{"marketing without consent", policy.PurposeMarketing, "", nil, "policy: consent required: marketing", false},
		{"marketing with consent", policy.PurposeMarketing, "", []policy.Consent{marketing}, "", false},
		{"consent for another purpose", policy.PurposeAnalytics, policy.PurposeInquiry, []policy.Consent{marketing},
			"policy: consent required: analytics", false},
		{"third party without consent", policy.PurposeThirdParty, "", nil, "policy: consent required: thirdParty", false},
		{"purpose compared exactly", policy.Purpose("Marketing"), "", []policy.Consent{marketing},
			"policy: consent required: Marketing", false},
		{"withdrawn consent", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Withdrawn = now.Add(-time.Hour) })},
			"policy: consent required: marketing", false},
		{"withdrawn exactly now", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Withdrawn = now })},
			"policy: consent required: marketing", false},
		{"withdrawal still to come", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Withdrawn = now.Add(time.Hour) })},
			"", false},
		{"consent in the future", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.At = now.Add(time.Second) })},
			"policy: consent required: marketing", false},
		{"consent given exactly now", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.At = now })},
			"", false},
		{"withdrawn, then given again", policy.PurposeMarketing, "", []policy.Consent{
			with(func(c *policy.Consent) { c.Withdrawn = now.Add(-24 * time.Hour) }),
			with(func(c *policy.Consent) { c.At = now.Add(-time.Hour); c.Agreed = "marketing-sms-v4" }),
		}, "", false},
		{"no form: not proof", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Form = "" })},
			"policy: consent required: marketing: policy: consent record does not say what was agreed, where or when", true},
		{"no agreed text: not proof", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Agreed = "" })},
			"policy: consent required: marketing: policy: consent record does not say what was agreed, where or when", true},
		{"no time: not proof", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.At = time.Time{} })},
			"policy: consent required: marketing: policy: consent record does not say what was agreed, where or when", true},
		{"an incomplete record beside a good one", policy.PurposeMarketing, "", []policy.Consent{with(func(c *policy.Consent) { c.Form = "" }), marketing},
			"", false},
		// Only the inquiry is exempt from consent. A Contact.Purpose that says
		// "marketing" (mislabelled, or set by another form) is no consent.
		{"data collected for marketing, used for it", policy.PurposeMarketing, policy.PurposeMarketing, nil,
			"policy: consent required: marketing", false},
		{"data collected for marketing, used for it, with consent", policy.PurposeMarketing, policy.PurposeMarketing, []policy.Consent{marketing},
			"", false},
		{"a host's own purpose, collected for it", policy.Purpose("crm.export"), policy.Purpose("crm.export"), nil,
			"policy: consent required: crm.export", false},
		{"analytics collected for analytics, consent for marketing only", policy.PurposeAnalytics, policy.PurposeAnalytics, []policy.Consent{marketing},
			"policy: consent required: analytics", false},
		{"data collected for marketing, used for the inquiry", policy.PurposeInquiry, policy.PurposeMarketing, nil,
			"policy: consent required: inquiry", false},
		{"a host's own purpose", policy.Purpose("crm.export"), "", []policy.Consent{with(func(c *policy.Consent) { c.Purpose = "crm.export" })},
			"", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := policy.Permit(now, tt.use, tt.collectedFor, tt.consents)
			got := ""
			if err != nil {
				got = err.Error()
				if !errors.Is(err, policy.ErrConsentRequired) {
					t.Errorf("Permit = %v, not ErrConsentRequired", err)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Permit (-want +got)\n%s", diff)
			}
			if errors.Is(err, policy.ErrIncompleteConsent) != tt.incomplete {
				t.Errorf("Permit = %v; ErrIncompleteConsent: %v, want %v", err, !tt.incomplete, tt.incomplete)
			}
		})
	}
}

func TestPermitBadPurpose(t *testing.T) {
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	for _, p := range []struct{ use, collectedFor policy.Purpose }{
		{"", ""},
		{"market ing", ""},
		{"010-1234-5678 marketing", ""},
		{"마케팅", ""},
		{policy.PurposeMarketing, "x y"},
		{policy.Purpose(make([]byte, 65)), ""},
	} {
		err := policy.Permit(now, p.use, p.collectedFor, nil)
		if !errors.Is(err, policy.ErrBadPurpose) || err.Error() != "policy: malformed purpose" {
			t.Errorf("Permit(%q, %q) = %v, want ErrBadPurpose alone", p.use, p.collectedFor, err)
		}
	}
}

func TestPurposeValid(t *testing.T) {
	for _, p := range []policy.Purpose{policy.PurposeInquiry, policy.PurposeMarketing, policy.PurposeAnalytics, policy.PurposeThirdParty,
		"crm.export", "news_letter-2", policy.Purpose(make64('a')), "AZaz09"} {
		if !p.Valid() {
			t.Errorf("%q.Valid() = false", p)
		}
	}
	for _, p := range []policy.Purpose{"", " ", "a b", "a/b", "é", policy.Purpose(make64('a') + "a"),
		"@", "[", "`", "{", "/", ":"} { // the characters either side of A-Z, a-z and 0-9
		if p.Valid() {
			t.Errorf("%q.Valid() = true", p)
		}
	}
}

func make64(c byte) string {
	b := make([]byte, 64)
	for i := range b {
		b[i] = c
	}
	return string(b)
}

func TestConsentValidate(t *testing.T) {
	ok := policy.Consent{Purpose: policy.PurposeMarketing, Agreed: "v1", At: time.Unix(1, 0), Form: "f"}
	if err := ok.Validate(); err != nil {
		t.Errorf("Validate() = %v", err)
	}
	tests := []struct {
		c    policy.Consent
		want error
	}{
		{policy.Consent{Purpose: "", Agreed: "v1", At: time.Unix(1, 0), Form: "f"}, policy.ErrBadPurpose},
		{policy.Consent{Purpose: policy.PurposeMarketing, At: time.Unix(1, 0), Form: "f"}, policy.ErrIncompleteConsent},
		{policy.Consent{Purpose: policy.PurposeMarketing, Agreed: "v1", Form: "f"}, policy.ErrIncompleteConsent},
		{policy.Consent{Purpose: policy.PurposeMarketing, Agreed: "v1", At: time.Unix(1, 0)}, policy.ErrIncompleteConsent},
	}
	for _, tt := range tests {
		if err := tt.c.Validate(); !errors.Is(err, tt.want) {
			t.Errorf("%+v.Validate() = %v, want %v", tt.c, err, tt.want)
		}
	}
}

func TestConsentJSON(t *testing.T) {
	c := policy.Consent{
		Purpose: policy.PurposeMarketing,
		Agreed:  "marketing-sms-v3",
		At:      time.Date(2026, 11, 22, 9, 30, 0, 0, time.UTC),
		Form:    "workflow:newsletter-signup",
	}
	want := `{"purpose":"marketing","agreed":"marketing-sms-v3","at":"2026-11-22T09:30:00Z","form":"workflow:newsletter-signup"}`
	b, err := json.Marshal(c)
	if err != nil || string(b) != want {
		t.Errorf("Marshal = %s, %v; want %s", b, err, want)
	}
	c.Withdrawn = time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	b, _ = json.Marshal(c)
	var back policy.Consent
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip (-want +got)\n%s", diff)
	}
}
