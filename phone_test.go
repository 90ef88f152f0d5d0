package followup_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

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
		// "00" and a country code, as most of the world writes an
		// international number. Korea's carriers' prefixes are 001, 002,
		// 005, 006, 008 and 00700: "0082 10…" read through 008 is "+2 10…",
		// which does not exist, and "0081 90…" is "+1 90…", a US number
		// as real as the Japanese mobile the customer meant.
		{"0082-10-1234-5678", phoneResult{Phone: mobile}},
		{"(00)82 10 1234 5678", phoneResult{Phone: mobile}},
		{"００８２-１０-１２３４-５６７８", phoneResult{Phone: mobile}},
		{"0044 7400 123456", phoneResult{
			Phone: followup.Phone{E164: "+447400123456", Region: "GB", Type: followup.PhoneMobile}}},
		{"0081-90-1234-5678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		{"0081 80 1234 5678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		{"0091 90123 45678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		// A carrier's prefix reads as it always did; so does an extension
		// and a number that exists in neither reading.
		{"001-81-90-1234-5678", phoneResult{
			Phone: followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}}},
		{"00700-82-10-1234-5678", phoneResult{Phone: mobile}},
		{"0082-10-1234-5678#9", phoneResult{Code: followup.CodeNotANumber}},
		{"0082-10-1234", phoneResult{Code: followup.CodeInvalidNumber}},
		// A "+" typed before "00" as well, ASCII or full-width, is read as
		// the "00" alone: "+0081 90…" is as ambiguous as "0081 90…" (the
		// region reads it as "+1 90…"), not a US number.
		{"+0082 10 1234 5678", phoneResult{Phone: mobile}},
		{"＋0082 10 1234 5678", phoneResult{Phone: mobile}},
		{"+0081 90-1234-5678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		{"＋0081 90-1234-5678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		{"+ 0081 90-1234-5678", phoneResult{Code: followup.CodeAmbiguousNumber}},
		{"++0082 10 1234 5678", phoneResult{Code: followup.CodeNotANumber}},
		{"", phoneResult{Code: followup.CodeEmpty}},
		{"   ", phoneResult{Code: followup.CodeEmpty}},
		{"tel:", phoneResult{Code: followup.CodeEmpty}},
		{"call me", phoneResult{Code: followup.CodeNotANumber}},
		// A letter is refused, not dropped or read as a vanity number:
		// libphonenumber reads each of these as another, valid number.
		{"010-l234-5678", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567o", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567O", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567a", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567Z", phoneResult{Code: followup.CodeNotANumber}},
		{"010-CALL-KIMS", phoneResult{Code: followup.CodeNotANumber}},
		{"1588-CALL", phoneResult{Code: followup.CodeNotANumber}},
		{"010-１２３４-５６７ｏ", phoneResult{Code: followup.CodeNotANumber}},
		{"call 010-1234-5678", phoneResult{Code: followup.CodeNotANumber}},
		{"전화 010-1234-5678", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-5678 ext. 12", phoneResult{Code: followup.CodeNotANumber}},
		{"tel:+82-10-1234-5678;ext=12", phoneResult{Code: followup.CodeNotANumber}},
		// So is an extension written without letters: the digits after the
		// mark were dropped, and the rest is someone else's number.
		{"010-1234-567#8", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567,8", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567;8", phoneResult{Code: followup.CodeNotANumber}},
		{"010-1234-567~8", phoneResult{Code: followup.CodeNotANumber}},
		{"02-123-4567 # 89", phoneResult{Code: followup.CodeNotANumber}},
		{"12", phoneResult{Code: followup.CodeInvalidNumber}},
		{"010-1234-56", phoneResult{Code: followup.CodeInvalidNumber}},
		{"+82 10-1234-5678" + strings.Repeat(" ", 48), phoneResult{Phone: mobile}},
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
		{"(416) 555-0123", "Ca", phoneResult{Phone: followup.Phone{E164: "+14165550123", Region: "CA", Type: followup.PhoneFixedLineOrMobile}}},
		{"021 234 5678", "Nz", phoneResult{Phone: followup.Phone{E164: "+64212345678", Region: "NZ", Type: followup.PhoneMobile}}},
		// Japanese input methods type the prolonged sound mark as a dash.
		{"090ー1234ー5678", "JP", phoneResult{Phone: followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}}},
		{"010-1234-5678", "", phoneResult{Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}}},
		// "00" and a country code where the region's international prefix
		// is another (Japan's is 010, the US's 011).
		{"0082-10-1234-5678", "JP", phoneResult{Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}}},
		{"00 82 10 1234 5678", "US", phoneResult{Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}}},
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
		// At most the last four digits of the national number, and never
		// more than half of them.
		{"010-1234-5678", "+82 **-****-5678"},
		{"+81 90-1234-5678", "+81 **-****-5678"},
		{"+1 201-555-0123", "+1 ***-***-0123"},
		{"02-123-4567", "+82 *-***-4567"},
		{"1588-1234", "+82 ****-1234"},
		// Eight national digits split 4-4 used to print whole.
		{"+65 8123 4567", "+65 **** 4567"},
		{"+852 5123 4567", "+852 **** 4567"},
		{"+853 6612 3456", "+853 **** 3456"},
		// A long first group used to show with the last four.
		{"+44 7911 123456", "+44 **** **3456"},
		{"+886 912 345 678", "+886 *** **5 678"},
		{"+61 412 345 678", "+61 *** **5 678"},
		// Short national numbers show a shorter tail.
		{"+683 4002", "+683 **02"},
		{"+290 22 123", "+290 ***23"},
	}
	for _, tt := range tests {
		p, err := followup.ParsePhone(tt.raw, "KR")
		if err != nil {
			t.Fatalf("ParsePhone(%q): %v", tt.raw, err)
		}
		checkPrints(t, p, tt.want)
		if got := p.LogValue().String(); got != tt.want {
			t.Errorf("LogValue() = %q, want %q", got, tt.want)
		}
		var b strings.Builder
		slog.New(slog.NewTextHandler(&b, nil)).Info("x", "phone", p)
		if !strings.Contains(b.String(), "phone=\""+tt.want+"\"") {
			t.Errorf("log line %q lacks the masked number %q", b.String(), tt.want)
		}
	}
	if got := fmt.Sprint(followup.Phone{}); got != "" {
		t.Errorf("zero Phone prints %q, want empty", got)
	}
}

// A Phone whose E164 is not a number, built by hand or loaded from a bad
// row, prints nothing of what it holds but, at most, the last four of eight
// or more digits, as a typed answer does.
func TestPhoneMaskedNotANumber(t *testing.T) {
	tests := []struct{ e164, want string }{
		{"hong@gildong.kr", "***"},
		{"홍길동", "***"},
		{"Hong Gildong 010-1234-5678", "***5678"},
		{"+821012345678 ext. 1234", "***1234"},
		{"+82 10-1234-5678", "***5678"},
		{"+８２１０１２３４５６７８", "***"},
		{"+82", "***"},
		{"+0", "***"},
		{"+", "***"},
		{"1234", "***"},
		{"1234567", "***"},
		{"12345678", "***5678"},
		{"01012345678", "***5678"},
		{"+0001012345678", "***5678"},
	}
	for _, tt := range tests {
		p := followup.Phone{E164: tt.e164, Region: "KR", Type: followup.PhoneMobile}
		checkPrints(t, p, tt.want)
		if got := p.LogValue().String(); got != tt.want {
			t.Errorf("Phone{E164: %q}.LogValue() = %q, want %q", tt.e164, got, tt.want)
		}
	}
}

// phoneCorpus returns numbers to mask: the example numbers libphonenumber
// holds for every region, number type and non-geographic calling code, and
// the numbers of the ParsePhone fuzz corpus in testdata that parse.
func phoneCorpus(t *testing.T) []*phonenumbers.PhoneNumber {
	t.Helper()
	var corpus []*phonenumbers.PhoneNumber
	types := []phonenumbers.PhoneNumberType{
		phonenumbers.FIXED_LINE, phonenumbers.MOBILE, phonenumbers.TOLL_FREE,
		phonenumbers.PREMIUM_RATE, phonenumbers.SHARED_COST, phonenumbers.VOIP,
		phonenumbers.PERSONAL_NUMBER, phonenumbers.PAGER, phonenumbers.UAN,
		phonenumbers.VOICEMAIL,
	}
	for region := range phonenumbers.GetSupportedRegions() {
		for _, typ := range types {
			if n := phonenumbers.GetExampleNumberForType(region, typ); n != nil {
				corpus = append(corpus, n)
			}
		}
	}
	for cc := range phonenumbers.GetSupportedGlobalNetworkCallingCodes() {
		if n := phonenumbers.GetExampleNumberForNonGeoEntity(cc); n != nil {
			corpus = append(corpus, n)
		}
	}
	files, err := filepath.Glob(filepath.Join("testdata", "fuzz", "FuzzParsePhone", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		// "go test fuzz v1", then string("raw") and string("region").
		lines := strings.Split(strings.TrimSpace(string(b)), "\n")
		if len(lines) != 3 {
			t.Fatalf("%s: %d lines, want 3", name, len(lines))
		}
		var args [2]string
		for i, l := range lines[1:] {
			q, ok := strings.CutPrefix(l, "string(")
			if !ok || !strings.HasSuffix(q, ")") {
				t.Fatalf("%s: line %q is not a string", name, l)
			}
			if args[i], err = strconv.Unquote(strings.TrimSuffix(q, ")")); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
		}
		if p, err := followup.ParsePhone(args[0], args[1]); err == nil {
			n, err := phonenumbers.Parse(p.E164, "")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			corpus = append(corpus, n)
		}
	}
	if len(corpus) < 1000 {
		t.Fatalf("corpus of %d numbers, want at least 1000", len(corpus))
	}
	return corpus
}

// A masked number never shows more than half of the national number's
// digits, and the digits it shows are the number's own last ones.
func TestPhoneMaskedHidesAtLeastHalf(t *testing.T) {
	for _, n := range phoneCorpus(t) {
		e164 := phonenumbers.Format(n, phonenumbers.E164)
		p := followup.Phone{E164: e164}
		masked := p.Masked()
		cc := "+" + strconv.Itoa(int(n.GetCountryCode())) + " "
		rest, ok := strings.CutPrefix(masked, cc)
		if !ok {
			t.Errorf("%s masked as %q, without %q", e164, masked, cc)
			continue
		}
		national := phonenumbers.GetNationalSignificantNumber(n)
		var shown, hidden strings.Builder
		for _, r := range rest {
			switch {
			case r >= '0' && r <= '9':
				shown.WriteRune(r)
			case r == '*':
				hidden.WriteRune(r)
			}
		}
		if got, want := shown.Len()+hidden.Len(), len(national); got != want {
			t.Errorf("%s masked as %q: %d digit places, want %d", e164, masked, got, want)
		}
		if 2*shown.Len() > len(national) {
			t.Errorf("%s masked as %q shows %d of %d national digits", e164, masked, shown.Len(), len(national))
		}
		if !strings.HasSuffix(national, shown.String()) {
			t.Errorf("%s masked as %q shows digits %q that are not its last ones", e164, masked, shown.String())
		}
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
	for _, s := range []string{"010-1234-5678", "+82 10-1234-5678", "０１０-１２３４-５６７８", "tel:+1-201-555-0123", "02-123-4567", "1588-1234", "0082-10-1234-5678", "0081 90 1234 5678", "abc", ""} {
		f.Add(s, "KR")
	}
	f.Add("090-1234-5678", "jp")
	f.Fuzz(func(t *testing.T, raw, region string) {
		// Whatever a Phone holds, its masked form shows no letter and at
		// most half of the digits.
		checkMaskedPhone(t, followup.Phone{E164: raw}.Masked())
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
		// No letter reached libphonenumber, which would drop it or read it
		// as a digit.
		s := strings.TrimSpace(raw)
		if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
			s = s[4:]
		}
		for _, r := range s {
			if unicode.IsLetter(r) && r != 'ー' {
				t.Fatalf("accepted input holding the letter %q", r)
			}
		}
		// Nor an extension, whose digits E.164 would drop.
		if region == "" {
			region = followup.DefaultRegion
		}
		if n, err := phonenumbers.Parse(s, strings.ToUpper(region)); err == nil && n.GetExtension() != "" {
			t.Fatalf("accepted a number with an extension")
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
		if m := p.String(); !strings.HasPrefix(m, "+") {
			t.Fatalf("accepted number masked as %q", m)
		} else {
			checkMaskedPhone(t, m)
		}
	})
}

// checkMaskedPhone checks the shape of a masked Phone: "", "***", "***" and
// four digits, or "+country " and a national number of which at most half
// the digits show.
func checkMaskedPhone(t *testing.T, m string) {
	t.Helper()
	for _, r := range m {
		if unicode.IsLetter(r) {
			t.Fatalf("masked phone %q holds a letter", m)
		}
	}
	if cc, rest, ok := strings.Cut(m, " "); ok && strings.HasPrefix(cc, "+") {
		shown, hidden := 0, strings.Count(rest, "*")
		for _, r := range rest {
			if r >= '0' && r <= '9' {
				shown++
			}
		}
		if 2*shown > shown+hidden {
			t.Fatalf("masked phone %q shows %d of %d digits", m, shown, shown+hidden)
		}
		return
	}
	if m != "" && m != "***" && (len(m) != 7 || !strings.HasPrefix(m, "***") || strings.Trim(m[3:], "0123456789") != "") {
		t.Fatalf("masked phone %q has an unexpected form", m)
	}
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
