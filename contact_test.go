package followup_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

var collected = time.Date(2026, 11, 24, 13, 5, 0, 0, time.UTC)

func TestParseContact(t *testing.T) {
	all := followup.Settings{AskName: true, AskPhone: true, AskEmail: true, Region: "KR"}
	mobile := followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}
	base := followup.Contact{CollectedAt: collected, Purpose: policy.PurposeInquiry, Inquiry: "chat-1"}
	with := func(f func(*followup.Contact)) followup.Contact { c := base; f(&c); return c }
	fe := func(f followup.Field, c followup.Code) *followup.FieldError {
		return &followup.FieldError{Field: f, Code: c}
	}

	tests := []struct {
		name     string
		settings followup.Settings
		lapsed   bool // the account has no payment method
		in       followup.ContactInput
		want     followup.Contact
		wantErrs []*followup.FieldError
	}{
		{
			name:     "every answer good",
			settings: all,
			in:       followup.ContactInput{Name: " 홍길동 ", Phone: "010-1234-5678", Email: "Gil@Example.COM"},
			want: with(func(c *followup.Contact) {
				c.Name, c.Phone, c.Email = "홍길동", mobile, "Gil@example.com"
			}),
		},
		{
			name:     "nothing answered yet",
			settings: all,
			in:       followup.ContactInput{Phone: "  "},
			want:     base,
		},
		{
			name:     "every answer bad, every one reported",
			settings: all,
			in:       followup.ContactInput{Name: "visit evil.com", Phone: "02-123-4567", Email: "not an email"},
			want:     base,
			wantErrs: []*followup.FieldError{
				fe(followup.FieldName, followup.CodeContainsLink),
				fe(followup.FieldPhone, followup.CodeFixedLine),
				fe(followup.FieldEmail, followup.CodeInvalidEmail),
			},
		},
		{
			name:     "one bad answer keeps the good ones",
			settings: all,
			in:       followup.ContactInput{Name: "김민지", Phone: "070-1234-5678", Email: "minji@example.com"},
			want: with(func(c *followup.Contact) {
				c.Name, c.Email = "김민지", "minji@example.com"
			}),
			wantErrs: []*followup.FieldError{fe(followup.FieldPhone, followup.CodeVoIP)},
		},
		{
			name:     "answers to questions not asked",
			settings: followup.Settings{AskEmail: true},
			in:       followup.ContactInput{Name: "김민지", Phone: "010-1234-5678", Email: "minji@example.com"},
			want:     with(func(c *followup.Contact) { c.Email = "minji@example.com" }),
			wantErrs: []*followup.FieldError{
				fe(followup.FieldName, followup.CodeNotAsked),
				fe(followup.FieldPhone, followup.CodeNotAsked),
			},
		},
		{
			// Questions leaves the phone question out: no text could
			// reach the number.
			name:     "a phone number while the account cannot pay for text",
			settings: all,
			lapsed:   true,
			in:       followup.ContactInput{Phone: "010-1234-5678", Email: "minji@example.com"},
			want:     with(func(c *followup.Contact) { c.Email = "minji@example.com" }),
			wantErrs: []*followup.FieldError{fe(followup.FieldPhone, followup.CodeNotAsked)},
		},
		{
			name:     "the settings' region reads national numbers",
			settings: followup.Settings{AskPhone: true, Region: "jp"},
			in:       followup.ContactInput{Phone: "090-1234-5678"},
			want: with(func(c *followup.Contact) {
				c.Phone = followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}
			}),
		},
		{
			// Text never goes there, so the customer is asked for another
			// number while still in the chat.
			name:     "a mobile of a country the workspace does not text",
			settings: all,
			in:       followup.ContactInput{Phone: "+81 90-1234-5678", Email: "minji@example.com"},
			want:     with(func(c *followup.Contact) { c.Email = "minji@example.com" }),
			wantErrs: []*followup.FieldError{fe(followup.FieldPhone, followup.CodeRegionNotAllowed)},
		},
		{
			name: "a mobile of a country on the allowlist",
			settings: followup.Settings{AskPhone: true, Region: "KR",
				Text: followup.TextOptions{AllowedRegions: []string{"jp"}}},
			in: followup.ContactInput{Phone: "+81 90-1234-5678"},
			want: with(func(c *followup.Contact) {
				c.Phone = followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}
			}),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			in.At, in.Inquiry = collected, "chat-1"
			account := paying
			if tt.lapsed {
				account = lapsed
			}
			got, err := tt.settings.ParseContact(in, account)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("contact (-want +got):\n%s", diff)
			}
			var gotErrs []*followup.FieldError
			if err != nil {
				var ve *followup.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("error %v is not a *ValidationError", err)
				}
				gotErrs = ve.Errors
			}
			if diff := cmp.Diff(tt.wantErrs, gotErrs); diff != "" {
				t.Errorf("field errors (-want +got):\n%s", diff)
			}
			for _, w := range tt.wantErrs {
				if !errors.Is(err, &followup.FieldError{Field: w.Field, Code: w.Code}) {
					t.Errorf("errors.Is(err, %v) = false", w)
				}
			}
		})
	}
}

func TestParseContactUnknownRegion(t *testing.T) {
	s := followup.Settings{AskPhone: true, AskName: true, Region: "XX"}
	c, err := s.ParseContact(followup.ContactInput{Name: "Minji", Phone: "010-1234-5678"}, paying)
	if !errors.Is(err, followup.ErrUnknownRegion) {
		t.Fatalf("err = %v, want ErrUnknownRegion", err)
	}
	// The settings' fault, as documented: not the answers', no contact.
	var ve *followup.ValidationError
	if errors.As(err, &ve) || c != (followup.Contact{}) {
		t.Errorf("ParseContact = %v, %v: want a zero Contact and no ValidationError", c, err)
	}
}

func TestFieldErrorIs(t *testing.T) {
	err := fmt.Errorf("wrapped: %w", &followup.FieldError{Field: followup.FieldPhone, Code: followup.CodeFixedLine})
	tests := []struct {
		target *followup.FieldError
		want   bool
	}{
		{&followup.FieldError{}, true},
		{&followup.FieldError{Field: followup.FieldPhone}, true},
		{&followup.FieldError{Code: followup.CodeFixedLine}, true},
		{&followup.FieldError{Field: followup.FieldPhone, Code: followup.CodeFixedLine}, true},
		{&followup.FieldError{Field: followup.FieldEmail}, false},
		{&followup.FieldError{Code: followup.CodeVoIP}, false},
	}
	for _, tt := range tests {
		if got := errors.Is(err, tt.target); got != tt.want {
			t.Errorf("errors.Is(err, %+v) = %v, want %v", *tt.target, got, tt.want)
		}
	}
}

// A typed nil target, or a nil *FieldError in the chain, matches nothing
// and does not panic.
func TestFieldErrorIsNil(t *testing.T) {
	var nilTarget *followup.FieldError
	err := fmt.Errorf("wrapped: %w", &followup.FieldError{Field: followup.FieldPhone, Code: followup.CodeFixedLine})
	ve := &followup.ValidationError{Errors: []*followup.FieldError{{Field: followup.FieldName, Code: followup.CodeEmpty}}}
	for _, err := range []error{err, ve} {
		if errors.Is(err, nilTarget) {
			t.Errorf("errors.Is(%v, (*FieldError)(nil)) = true", err)
		}
	}
	// A *FieldError that is nil inside the chain.
	withNil := &followup.ValidationError{Errors: []*followup.FieldError{nil, {Field: followup.FieldEmail, Code: followup.CodeInvalidEmail}}}
	if !errors.Is(withNil, &followup.FieldError{Code: followup.CodeInvalidEmail}) {
		t.Errorf("errors.Is missed the non-nil field error after a nil one")
	}
	if errors.Is(withNil, &followup.FieldError{Code: followup.CodeEmpty}) {
		t.Errorf("errors.Is matched a nil field error")
	}
	// The other methods skip the nil entry too, rather than panic.
	if got, want := withNil.Error(), "followup: invalid contact: email: invalidEmail"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := withNil.Field(followup.FieldName); got != nil {
		t.Errorf("Field(name) = %v, want nil", got)
	}
	var fe *followup.FieldError
	if !errors.As(withNil, &fe) || fe != withNil.Errors[1] {
		t.Errorf("errors.As found %v, want the non-nil entry", fe)
	}
	if got, want := (&followup.ValidationError{Errors: []*followup.FieldError{nil}}).Error(), "followup: invalid contact"; got != want {
		t.Errorf("Error() of only nil entries = %q, want %q", got, want)
	}
}

func TestFieldErrorMessage(t *testing.T) {
	e := &followup.FieldError{Field: followup.FieldPhone, Code: followup.CodeFixedLine}
	tests := []struct{ locale, want string }{
		{"ko", "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요."},
		{"ko-KR", "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요."},
		{"ko-Kore-KR", "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요."},
		{"en", "That is a landline, which cannot receive text messages. Please enter a mobile number."},
		{"ja-JP", "固定電話の番号ではメッセージを受け取れません。携帯電話番号を入力してください。"},
		// The documented fallback: English.
		{"fr", "That is a landline, which cannot receive text messages. Please enter a mobile number."},
		{"", "That is a landline, which cannot receive text messages. Please enter a mobile number."},
		{"not a locale!", "That is a landline, which cannot receive text messages. Please enter a mobile number."},
	}
	for _, tt := range tests {
		if got := e.Message(tt.locale); got != tt.want {
			t.Errorf("Message(%q) = %q, want %q", tt.locale, got, tt.want)
		}
	}
	// The customer's locale first, then the workspace's, as Render does.
	ko := "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요."
	for _, locales := range [][]string{{"fr", "ko"}, {"", "ko-KR"}, {"ko", "en"}} {
		if got := e.Message(locales...); got != ko {
			t.Errorf("Message(%q) = %q, want Korean", locales, got)
		}
	}
	if got := e.Message("ja", "ko"); got == ko {
		t.Errorf("Message(ja, ko) is Korean: the customer's own language comes first")
	}
}

// Every code a parser can return has its own message in every language, so
// no customer sees the generic fallback for a known refusal.
func TestEveryCodeHasMessages(t *testing.T) {
	codes := map[followup.Field][]followup.Code{
		followup.FieldName: {followup.CodeEmpty, followup.CodeTooLong, followup.CodeNotAsked,
			followup.CodeInvalidEncoding, followup.CodeControlCharacter, followup.CodeInvisibleCharacter,
			followup.CodeContainsLink, followup.CodeContainsEmail},
		followup.FieldPhone: {followup.CodeEmpty, followup.CodeTooLong, followup.CodeNotAsked,
			followup.CodeNotANumber, followup.CodeInvalidNumber, followup.CodeAmbiguousNumber, followup.CodeFixedLine, followup.CodeVoIP,
			followup.CodeTollFree, followup.CodePremiumRate, followup.CodePersonalNumber, followup.CodeNotMobile,
			followup.CodeRegionNotAllowed},
		followup.FieldEmail: {followup.CodeEmpty, followup.CodeTooLong, followup.CodeNotAsked,
			followup.CodeInvalidEmail},
	}
	generic := (&followup.FieldError{Code: "no such code"})
	for f, cs := range codes {
		for _, c := range cs {
			e := &followup.FieldError{Field: f, Code: c}
			seen := map[string]bool{}
			for _, l := range []string{"en", "ko", "ja"} {
				m := e.Message(l)
				if m == "" || m == generic.Message(l) {
					t.Errorf("%v/%v has no %s message", f, c, l)
				}
				if seen[m] {
					t.Errorf("%v/%v: %s message %q repeats another language's", f, c, l, m)
				}
				seen[m] = true
			}
			if strings.Contains(e.Error(), "refused") {
				t.Errorf("%v/%v has no developer text: %q", f, c, e.Error())
			}
		}
	}
}

// The phone messages hold for a number of any country in a workspace of any
// region: none names a national prefix ("070", "090-1234-5678") that the
// workspace's region may not have, as a Japanese customer of a Korean
// workspace told to type "090-…" would be refused again. (An example in
// international form, "+81 90-…", holds everywhere.)
func TestPhoneMessagesNameNoNationalPrefix(t *testing.T) {
	national := regexp.MustCompile(`(^|[^+\d ])\s?0\d`)
	for _, c := range []followup.Code{followup.CodeEmpty, followup.CodeTooLong, followup.CodeNotAsked,
		followup.CodeNotANumber, followup.CodeInvalidNumber, followup.CodeAmbiguousNumber, followup.CodeFixedLine, followup.CodeVoIP,
		followup.CodeTollFree, followup.CodePremiumRate, followup.CodePersonalNumber, followup.CodeNotMobile,
		followup.CodeRegionNotAllowed} {
		e := &followup.FieldError{Field: followup.FieldPhone, Code: c}
		for _, l := range []string{"en", "ko", "ja"} {
			if m := e.Message(l); national.MatchString(m) {
				t.Errorf("%v %s message names a national prefix: %q", c, l, m)
			}
		}
	}
}

func TestValidationError(t *testing.T) {
	ve := &followup.ValidationError{Errors: []*followup.FieldError{
		{Field: followup.FieldName, Code: followup.CodeContainsLink},
		{Field: followup.FieldEmail, Code: followup.CodeInvalidEmail},
	}}
	// Field names and codes, as the doc says; never the answers or the
	// customer's sentences.
	if got, want := ve.Error(), "followup: invalid contact: name: containsLink; email: invalidEmail"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	if got := ve.Field(followup.FieldEmail); got != ve.Errors[1] {
		t.Errorf("Field(email) = %v", got)
	}
	if got := ve.Field(followup.FieldPhone); got != nil {
		t.Errorf("Field(phone) = %v, want nil", got)
	}
	var fe *followup.FieldError
	if !errors.As(ve, &fe) || fe != ve.Errors[0] {
		t.Errorf("errors.As found %v", fe)
	}
}

func TestContactReachable(t *testing.T) {
	mobile := followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}
	landline := followup.Phone{E164: "+8221234567", Region: "KR", Type: followup.PhoneFixedLine}
	tests := []struct {
		name             string
		c                followup.Contact
		reachable, known bool
	}{
		{"nothing", followup.Contact{}, false, false},
		{"a name alone", followup.Contact{Name: "홍길동"}, false, false},
		{"a landline alone", followup.Contact{Phone: landline}, false, false},
		{"a mobile", followup.Contact{Phone: mobile}, true, false},
		{"an email", followup.Contact{Email: "a@example.com"}, true, false},
		{"a name and a landline", followup.Contact{Name: "홍길동", Phone: landline}, false, false},
		{"a name and a mobile", followup.Contact{Name: "홍길동", Phone: mobile}, true, true},
		{"a name and an email", followup.Contact{Name: "홍길동", Email: "a@example.com"}, true, true},
	}
	for _, tt := range tests {
		if got := tt.c.Reachable(); got != tt.reachable {
			t.Errorf("%s: Reachable() = %v, want %v", tt.name, got, tt.reachable)
		}
		if got := tt.c.Known(); got != tt.known {
			t.Errorf("%s: Known() = %v, want %v", tt.name, got, tt.known)
		}
	}
}

func TestContactJSON(t *testing.T) {
	c := followup.Contact{
		Name:        "홍길동",
		Email:       "sujin@example.com",
		Phone:       followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile},
		CollectedAt: collected,
		Purpose:     policy.PurposeInquiry,
		Inquiry:     "chat-1",
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"홍길동","email":"sujin@example.com","phone":{"e164":"+821012345678","region":"KR","type":"mobile"},"collectedAt":"2026-11-24T13:05:00Z","purpose":"inquiry","inquiry":"chat-1"}`
	if string(b) != want {
		t.Errorf("json:\n got %s\nwant %s", b, want)
	}
	var back followup.Contact
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	if b, _ := json.Marshal(followup.Contact{}); string(b) != "{}" {
		t.Errorf("zero contact json = %s, want {}", b)
	}
}

func BenchmarkParseContact(b *testing.B) {
	s := followup.Settings{AskName: true, AskPhone: true, AskEmail: true}
	in := followup.ContactInput{Name: "홍길동", Phone: "010-1234-5678", Email: "gildong@example.com"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ParseContact(in, paying); err != nil {
			b.Fatal(err)
		}
	}
}

// The enumerations read their names back in any case, and refuse other text
// without quoting it.
func TestFieldAndPhoneTypeText(t *testing.T) {
	var f followup.Field
	if err := f.UnmarshalText([]byte("PHONE")); err != nil || f != followup.FieldPhone {
		t.Errorf("Field(PHONE) = %v, %v", f, err)
	}
	var pt followup.PhoneType
	if err := pt.UnmarshalText([]byte("Mobile")); err != nil || pt != followup.PhoneMobile {
		t.Errorf("PhoneType(Mobile) = %v, %v", pt, err)
	}
	for _, bad := range []string{"kim", "+821012345678"} {
		if err := f.UnmarshalText([]byte(bad)); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("Field(%q): %v", bad, err)
		}
		if err := pt.UnmarshalText([]byte(bad)); err == nil || strings.Contains(err.Error(), bad) {
			t.Errorf("PhoneType(%q): %v", bad, err)
		}
	}
	// "" is the zero value, as for every enumeration.
	if err := f.UnmarshalText(nil); err != nil || f != 0 {
		t.Errorf(`Field("") = %v, %v; want the zero Field`, f, err)
	}
	if err := pt.UnmarshalText(nil); err != nil || pt != followup.PhoneUnknown {
		t.Errorf(`PhoneType("") = %v, %v; want PhoneUnknown`, pt, err)
	}
}
