package followup_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/nyaruka/phonenumbers"

	"github.com/followup-go/followup"
)

// phoneResult is what a test expects of ParsePhone and TextError together.
type phoneResult struct {
	Phone    followup.Phone
	Code     followup.Code // ParsePhone's refusal
	TextCode followup.Code // TextError's refusal of an accepted number
}

func parsePhoneResult(raw, region string) phoneResult {
	p, err := followup.ParsePhone(raw, region)
	var r phoneResult
	if err != nil {
		var fe *followup.FieldError
		if !errors.As(err, &fe) {
			r.Code = followup.Code("error: " + err.Error())
			return r
		}
		r.Code = fe.Code
		return r
	}
	r.Phone = p
	var fe *followup.FieldError
	if errors.As(p.TextError(), &fe) {
		r.TextCode = fe.Code
	}
	return r
}

func TestParsePhoneKorea(t *testing.T) {
	mobile := followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}
	tests := []struct {
		raw  string
		want phoneResult
	}{
		{"010-1234-5678", phoneResult{Phone: mobile}},
		{"01012345678", phoneResult{Phone: mobile}},
		{"+82 10-1234-5678", phoneResult{Phone: mobile}},
		{"+82 (0)10 1234 5678", phoneResult{Phone: mobile}},
		{"０１０-１２３４-５６７８", phoneResult{Phone: mobile}},
		{"tel:+82-10-1234-5678", phoneResult{Phone: mobile}},
		{"TEL:010-1234-5678", phoneResult{Phone: mobile}},
		{"010.1234.5678", phoneResult{Phone: mobile}},
		{"(010) 1234 5678", phoneResult{Phone: mobile}},
		{"  010 1234 5678\t", phoneResult{Phone: mobile}},
		{"02-123-4567", phoneResult{
			Phone:    followup.Phone{E164: "+8221234567", Region: "KR", Type: followup.PhoneFixedLine},
			TextCode: followup.CodeFixedLine}},
		{"070-1234-5678", phoneResult{
			Phone:    followup.Phone{E164: "+827012345678", Region: "KR", Type: followup.PhoneVoIP},
			TextCode: followup.CodeVoIP}},
		{"0505-123-4567", phoneResult{
			Phone:    followup.Phone{E164: "+825051234567", Region: "KR", Type: followup.PhonePersonal},
			TextCode: followup.CodePersonalNumber}},
		{"080-123-4567", phoneResult{
			Phone:    followup.Phone{E164: "+82801234567", Region: "KR", Type: followup.PhoneTollFree},
			TextCode: followup.CodeTollFree}},
		{"1588-1234", phoneResult{
			Phone:    followup.Phone{E164: "+8215881234", Region: "KR", Type: followup.PhoneUAN},
			TextCode: followup.CodeNotMobile}},
		{"+81 90-1234-5678", phoneResult{
			Phone: followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}}},
		{"+1 201-555-0123", phoneResult{
			Phone: followup.Phone{E164: "+12015550123", Region: "US", Type: followup.PhoneFixedLineOrMobile}}},
		{"", phoneResult{Code: followup.CodeEmpty}},
		{"   ", phoneResult{Code: followup.CodeEmpty}},
		{"tel:", phoneResult{Code: followup.CodeEmpty}},
		{"call me", phoneResult{Code: followup.CodeNotANumber}},
		{"12", phoneResult{Code: followup.CodeInvalidNumber}},
		{"010-1234-56", phoneResult{Code: followup.CodeInvalidNumber}},
		{"+82 10-1234-5678" + strings.Repeat(" ", 49), phoneResult{Code: followup.CodeTooLong}},
		{strings.Repeat("1", 1<<20), phoneResult{Code: followup.CodeTooLong}},
	}
	for _, tt := range tests {
		t.Run(tt.raw[:min(len(tt.raw), 24)], func(t *testing.T) {
			got := parsePhoneResult(tt.raw, "KR")
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ParsePhone(%q) (-want +got):\n%s", tt.raw, diff)
			}
			if got.Code == "" && got.Phone.CanText() != (got.TextCode == "") {
				t.Errorf("CanText() = %v, TextError code %q", got.Phone.CanText(), got.TextCode)
			}
		})
	}
}

func TestParsePhoneRegion(t *testing.T) {
	tests := []struct {
		raw, region string
		want        phoneResult
	}{
		{"090-1234-5678", "JP", phoneResult{Phone: followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}}},
		{"090-1234-5678", "jp", phoneResult{Phone: followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}}},
		{"010-1234-5678", "", phoneResult{Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}}},
		// A number with +country is read in its own region whatever the default.
		{"+82 10-1234-5678", "US", phoneResult{Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, parsePhoneResult(tt.raw, tt.region)); diff != "" {
			t.Errorf("ParsePhone(%q, %q) (-want +got):\n%s", tt.raw, tt.region, diff)
		}
	}
	for _, region := range []string{"XX", "KOR", "1"} {
		_, err := followup.ParsePhone("010-1234-5678", region)
		if !errors.Is(err, followup.ErrUnknownRegion) {
			t.Errorf("ParsePhone(_, %q) = %v, want ErrUnknownRegion", region, err)
		}
	}
}

func TestPhoneErrorsHoldNoInput(t *testing.T) {
	for _, raw := range []string{"010-1234-56", "02-123-4567", "call me at 555", "070-1234-5678"} {
		p, err := followup.ParsePhone(raw, "KR")
		if err == nil {
			err = p.TextError()
		}
		if err == nil {
			t.Fatalf("ParsePhone(%q) accepted a number the test expects refused", raw)
		}
		for _, leak := range []string{raw, p.E164, strings.TrimPrefix(p.E164, "+82")} {
			if leak != "" && strings.Contains(err.Error(), leak) {
				t.Errorf("error %q contains the input %q", err, leak)
			}
		}
	}
}

func TestPhoneMasked(t *testing.T) {
	tests := []struct{ raw, want string }{
		{"010-1234-5678", "+82 10-****-5678"},
		{"+81 90-1234-5678", "+81 90-****-5678"},
		{"+1 201-555-0123", "+1 201-***-0123"},
		{"02-123-4567", "+82 2-***-4567"},
	}
	for _, tt := range tests {
		p, err := followup.ParsePhone(tt.raw, "KR")
		if err != nil {
			t.Fatal(err)
		}
		checkPrints(t, p, tt.want)
		if got := p.LogValue().String(); got != tt.want {
			t.Errorf("LogValue() = %q, want %q", got, tt.want)
		}
		var b strings.Builder
		slog.New(slog.NewTextHandler(&b, nil)).Info("x", "phone", p)
		if strings.Contains(b.String(), p.E164[3:]) {
			t.Errorf("log line %q holds the number", b.String())
		}
	}
	if got := fmt.Sprint(followup.Phone{}); got != "" {
		t.Errorf("zero Phone prints %q, want empty", got)
	}
}

func TestPhoneJSONKeepsRealValue(t *testing.T) {
	p, err := followup.ParsePhone("010-1234-5678", "KR")
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"e164":"+821012345678","region":"KR","type":"mobile"}`; string(b) != want {
		t.Errorf("json = %s, want %s", b, want)
	}
	var back followup.Phone
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"010-1234-5678", "+82 10-1234-5678", "０１０-１２３４-５６７８", "tel:+1-201-555-0123", "02-123-4567", "1588-1234", "abc", ""} {
		f.Add(s, "KR")
	}
	f.Add("090-1234-5678", "jp")
	f.Fuzz(func(t *testing.T, raw, region string) {
		p, err := followup.ParsePhone(raw, region)
		if err != nil {
			var fe *followup.FieldError
			if errors.As(err, &fe) {
				if fe.Field != followup.FieldPhone {
					t.Fatalf("field %v, want phone", fe.Field)
				}
			} else if !errors.Is(err, followup.ErrUnknownRegion) {
				t.Fatalf("unexpected error type %T", err)
			}
			if s := strings.TrimSpace(raw); len(s) >= 6 && strings.Contains(err.Error(), s) {
				t.Fatalf("error holds the input")
			}
			return
		}
		// The normalized form parses to the same number, in any region.
		again, err := followup.ParsePhone(p.E164, "KR")
		if err != nil {
			t.Fatalf("E.164 form of an accepted number refused: %v", err)
		}
		if diff := cmp.Diff(p, again); diff != "" {
			t.Fatalf("reparse (-first +again):\n%s", diff)
		}
		_ = p.TextError()
		_ = p.String()
	})
}

func BenchmarkParsePhone(b *testing.B) {
	const raw = "010-1234-5678"
	b.Run("ParsePhone", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := followup.ParsePhone(raw, "KR"); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The baseline: the phonenumbers calls ParsePhone cannot avoid.
	b.Run("raw", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			n, err := phonenumbers.Parse(raw, "KR")
			if err != nil || !phonenumbers.IsValidNumber(n) {
				b.Fatal(err)
			}
			_ = phonenumbers.GetNumberType(n)
			_ = phonenumbers.Format(n, phonenumbers.E164)
		}
	})
}
