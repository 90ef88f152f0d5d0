package followup

import (
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/followup-go/followup/internal/enumname"
	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region [ParsePhone] and [Settings] use for numbers
// written without "+country" when no region is given: South Korea.
const DefaultRegion = "KR"

// maxPhoneInput is the longest input ParsePhone looks at, in bytes. Longer
// input is refused before parsing, so a hostile answer costs nothing.
const maxPhoneInput = 64

// PhoneType is the kind of line a number belongs to, as the numbering plan of
// its region says. It mirrors libphonenumber's number types.
type PhoneType uint8

// The phone types. The zero value is PhoneUnknown.
const (
	PhoneUnknown           PhoneType = iota // the plan does not say
	PhoneMobile                             // a mobile phone: can receive text
	PhoneFixedLine                          // a landline
	PhoneFixedLineOrMobile                  // the plan cannot tell (as in the US): treated as mobile
	PhoneTollFree                           // a free-phone number (080 in Korea)
	PhonePremiumRate                        // a premium-rate number
	PhoneSharedCost                         // a shared-cost number
	PhoneVoIP                               // an internet phone (070 in Korea)
	PhonePersonal                           // a personal, forwarding number (050x in Korea)
	PhonePager                              // a pager
	PhoneUAN                                // a company number (1588 in Korea)
	PhoneVoicemail                          // a voicemail access number
)

// phoneTypeText is PhoneType's text form: its names, indexed by value.
var phoneTypeText = enumname.Text[PhoneType]{
	Type: "PhoneType",
	Err:  &ErrUnknownName,
	Names: []string{
		PhoneUnknown:           "unknown",
		PhoneMobile:            "mobile",
		PhoneFixedLine:         "fixedLine",
		PhoneFixedLineOrMobile: "fixedLineOrMobile",
		PhoneTollFree:          "tollFree",
		PhonePremiumRate:       "premiumRate",
		PhoneSharedCost:        "sharedCost",
		PhoneVoIP:              "voip",
		PhonePersonal:          "personal",
		PhonePager:             "pager",
		PhoneUAN:               "uan",
		PhoneVoicemail:         "voicemail",
	},
}

// String returns the type's name in camelCase, such as "fixedLine", or
// "PhoneType(N)" for a value that is none of the constants.
func (t PhoneType) String() string { return phoneTypeText.String(t) }

// MarshalText returns the type's name, as [PhoneType.String] does; the zero
// value is "unknown". Another value is an error wrapping [ErrUnknownName].
func (t PhoneType) MarshalText() ([]byte, error) { return phoneTypeText.Marshal(t) }

// UnmarshalText parses a name written by [PhoneType.MarshalText], in any
// case; "" is the zero value, [PhoneUnknown]. Another text is an error
// wrapping [ErrUnknownName].
func (t *PhoneType) UnmarshalText(b []byte) error { return phoneTypeText.Unmarshal(b, t) }

// fromLib maps libphonenumber's number types to PhoneType (UNKNOWN, the
// last, maps to the zero PhoneUnknown).
var fromLib = [...]PhoneType{
	phonenumbers.FIXED_LINE:           PhoneFixedLine,
	phonenumbers.MOBILE:               PhoneMobile,
	phonenumbers.FIXED_LINE_OR_MOBILE: PhoneFixedLineOrMobile,
	phonenumbers.TOLL_FREE:            PhoneTollFree,
	phonenumbers.PREMIUM_RATE:         PhonePremiumRate,
	phonenumbers.SHARED_COST:          PhoneSharedCost,
	phonenumbers.VOIP:                 PhoneVoIP,
	phonenumbers.PERSONAL_NUMBER:      PhonePersonal,
	phonenumbers.PAGER:                PhonePager,
	phonenumbers.UAN:                  PhoneUAN,
	phonenumbers.VOICEMAIL:            PhoneVoicemail,
}

// A Phone is a phone number that exists in its region's numbering plan.
//
// Its JSON form holds the real values, because that is what a host stores;
// [Phone.String], the fmt verbs and [Phone.LogValue] show a masked number
// only ("+82 **-****-5678"). The zero value is "no phone number".
//
// As for [Contact], masking applies only when the Phone itself is printed or
// is a slog attribute's value: in an unexported struct field fmt prints the
// real E164, and slog's JSON handler writes a Phone nested in a struct,
// slice or map as its JSON. Log the Phone itself, or [Phone.Masked].
type Phone struct {
	// E164 is the number in E.164 form: "+821012345678".
	E164 string `json:"e164"`
	// Region is the ISO 3166-1 region the number belongs to: "KR".
	Region string `json:"region"`
	// Type is the kind of line.
	Type PhoneType `json:"type"`
}

// IsZero reports whether p is the zero Phone: no number.
func (p Phone) IsZero() bool { return p.E164 == "" }

// CanText reports whether the number can receive text (AlimTalk, SMS): a
// mobile number, or one the numbering plan cannot tell from a landline.
func (p Phone) CanText() bool {
	return p.E164 != "" && (p.Type == PhoneMobile || p.Type == PhoneFixedLineOrMobile)
}

// TextError says why the number cannot receive text, as a [*FieldError]
// with a code per kind of line ([CodeFixedLine], [CodeVoIP],
// [CodeTollFree], [CodePremiumRate], [CodePersonalNumber], or
// [CodeNotMobile] for the rest), or returns nil if it can. The zero Phone
// gets [CodeEmpty].
func (p Phone) TextError() error {
	if p.IsZero() {
		return fieldError(FieldPhone, CodeEmpty)
	}
	switch p.Type {
	case PhoneMobile, PhoneFixedLineOrMobile:
		return nil
	case PhoneFixedLine:
		return fieldError(FieldPhone, CodeFixedLine)
	case PhoneVoIP:
		return fieldError(FieldPhone, CodeVoIP)
	case PhoneTollFree:
		return fieldError(FieldPhone, CodeTollFree)
	case PhonePremiumRate:
		return fieldError(FieldPhone, CodePremiumRate)
	case PhonePersonal:
		return fieldError(FieldPhone, CodePersonalNumber)
	}
	return fieldError(FieldPhone, CodeNotMobile)
}

// ParsePhone parses a phone number as people type it: with hyphens, spaces,
// dots or parentheses, in full-width digits, with "+82" or a national
// trunk prefix ("010-…"), or as a "tel:" URI. region is the ISO 3166-1
// region, in any case, for numbers written without "+country"; empty means
// [DefaultRegion].
//
// It refuses, with a [*FieldError] for [FieldPhone]: input that is only
// white space ([CodeEmpty]), longer than 64 bytes ([CodeTooLong], checked
// before parsing), not a number ([CodeNotANumber]), or not a number that
// exists in its region ([CodeInvalidNumber]). An unknown region is a
// programming error: the error wraps [ErrUnknownRegion].
//
// Input holding a letter of any script after the "tel:" prefix is not a
// number ([CodeNotANumber]): no vanity numbers ("1588-CALL"), no words
// around the number ("call 010-…"), and no typo of a letter for a digit
// ("010-l234-5678" with a lower-case L, "010-1234-567o"), which
// libphonenumber would read as another, valid number that a paid text would
// then reach. The katakana prolonged sound mark "ー", typed as a dash in
// Japanese, is not a letter here. Nor is a number with an extension
// ("02-123-4567#89", "010-1234-567,8"): E.164 has no room for it, so the
// digits after the mark would be dropped and the rest sent to, once again,
// another number.
//
// A number written with "00" and a country code ("0081 90-1234-5678") reads
// as "+" and that code, as most of the world writes an international
// number, where the region's own, longer international prefix would read
// it as another number that does not exist. If both readings exist and
// differ, as "0081 90-…" does in Korea (008 is a Korean carrier's prefix,
// and +1 90… a number in the US), it is refused ([CodeAmbiguousNumber]):
// a text would reach whichever number it is not. A "+" typed before the
// "00" as well ("+0081 …") changes neither reading.
//
// A returned Phone exists but may not receive text; text follow-ups need
// [Phone.CanText]. [Settings.ParseContact] applies both checks.
func ParsePhone(raw, region string) (Phone, error) {
	if len(raw) > maxPhoneInput {
		return Phone{}, fieldError(FieldPhone, CodeTooLong)
	}
	s := strings.TrimSpace(raw)
	if len(s) >= 4 && strings.EqualFold(s[:4], "tel:") {
		s = strings.TrimSpace(s[4:])
	}
	if s == "" {
		return Phone{}, fieldError(FieldPhone, CodeEmpty)
	}
	switch {
	case region == "":
		region = DefaultRegion
	case !knownRegion(region):
		return Phone{}, fmt.Errorf("followup: parse phone: %w", ErrUnknownRegion)
	default:
		region = upperASCII(region)
	}
	if hasLetter(s) {
		return Phone{}, fieldError(FieldPhone, CodeNotANumber)
	}
	n, numRegion, code := parseNumber(s, region)
	if plus, ok := idd00(s); ok {
		// "00" and a country code, as most of the world writes an
		// international number, may read as another number in a region
		// whose international prefix is longer: Korea's "008" takes
		// "0081 90-…" for +1 90…, a number in the US.
		alt, altRegion, altCode := parseNumber(plus, region)
		switch {
		case altCode != "" && code == "":
			// Only the region's reading exists.
		case altCode != "":
			// Neither does. libphonenumber cannot read a country code
			// the region's prefix leaves ("0082 10…" is "+2 10…"): the
			// other reading says better what is wrong.
			if code == CodeNotANumber {
				code = altCode
			}
		case code != "":
			n, numRegion, code = alt, altRegion, ""
		case n.GetCountryCode() != alt.GetCountryCode() || n.GetNationalNumber() != alt.GetNationalNumber():
			return Phone{}, fieldError(FieldPhone, CodeAmbiguousNumber)
		}
	}
	if code != "" {
		return Phone{}, fieldError(FieldPhone, code)
	}
	return Phone{
		E164:   phonenumbers.Format(n, phonenumbers.E164),
		Region: numRegion,
		Type:   phoneType(phonenumbers.GetNumberType(n)),
	}, nil
}

// parseNumber parses s as written in region, and returns the number with
// its region, or the code of why it is no number: [CodeNotANumber] for what
// libphonenumber cannot read or a number with an extension (which cannot
// receive a text, and E.164 has no room for the digits after "#", ",", ";"
// or "~"), [CodeInvalidNumber] for a number that does not exist.
func parseNumber(s, region string) (*phonenumbers.PhoneNumber, string, Code) {
	n, err := phonenumbers.Parse(s, region)
	if err != nil || n.GetExtension() != "" {
		return nil, "", CodeNotANumber
	}
	// IsValidNumber looks the region up itself; doing it once here and
	// asking IsValidNumberForRegion costs the same and gives us the region.
	numRegion := phonenumbers.GetRegionCodeForNumber(n)
	if numRegion == "" || !phonenumbers.IsValidNumberForRegion(n, numRegion) {
		return nil, "", CodeInvalidNumber
	}
	return n, numRegion, ""
}

// idd00 reports whether s starts with "00", its first two digits being
// zeros (ASCII, full-width or Arabic-Indic), and returns s with the two
// zeros and what precedes them replaced by "+". One plus sign, ASCII or
// full-width, may precede the zeros: "+0081 …" is "0081 …" typed with a
// "+" as well, which libphonenumber reads through the region's prefix as
// "0081 …" alone.
func idd00(s string) (string, bool) {
	zeros, plus := 0, false
	for i, r := range s {
		switch r {
		case '0', '０', '٠', '۰':
			if zeros++; zeros == 2 {
				return "+" + s[i+utf8.RuneLen(r):], true
			}
			continue
		case '+', '＋':
			if plus || zeros > 0 {
				return "", false
			}
			plus = true
			continue
		}
		if unicode.IsDigit(r) {
			return "", false
		}
	}
	return "", false
}

// hasLetter reports whether s holds a letter of any script, other than the
// katakana prolonged sound mark U+30FC, which Japanese input methods type as
// a dash ("090ー1234ー5678"). libphonenumber drops a lone letter and reads
// three or more as a vanity number ("1-800-FLOWERS"), so a typo such as
// "010-l234-5678" (a lower-case L) would turn into someone else's number.
func hasLetter(s string) bool {
	for _, r := range s {
		if r >= utf8.RuneSelf {
			if r != 'ー' && unicode.IsLetter(r) {
				return true
			}
		} else if 'a' <= r|0x20 && r|0x20 <= 'z' {
			return true
		}
	}
	return false
}

func phoneType(t phonenumbers.PhoneNumberType) PhoneType {
	if int(t) >= 0 && int(t) < len(fromLib) {
		return fromLib[t]
	}
	return PhoneUnknown
}

// upperASCII upper-cases a two-letter region code without allocating when it
// already is upper case.
func upperASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'a' && c <= 'z' {
			return strings.ToUpper(s)
		}
	}
	return s
}

// String returns the number masked for logs: the country code, then the
// national number with at most its last four digits shown and never more
// than half of them, in the international grouping: "+82 **-****-5678",
// "+65 **** 4567", "+886 *** **5 678"; a number of six or seven national
// digits shows three, of four or five shows two. A Phone whose E164 is not a
// phone number prints as "***" (see [Phone.Masked]). The zero Phone is "".
func (p Phone) String() string { return p.Masked() }

// Format implements fmt.Formatter so every verb, including %#v and %+v,
// prints the masked number; %q quotes it. Width, precision and flags apply
// as they do to a string ("%-20s" pads).
func (p Phone) Format(f fmt.State, verb rune) { formatMasked(f, verb, p.Masked()) }

// LogValue implements slog.LogValuer: a log record holds the masked number
// only.
func (p Phone) LogValue() slog.Value { return slog.StringValue(p.Masked()) }

// maxShownDigits is the most digits of a national number a masked Phone
// shows: the last four, enough for a support agent to match a customer.
const maxShownDigits = 4

// Masked returns the number as [Phone.String] does. It hides at least half
// of the national number's digits whatever its length, so the 8-digit
// numbers of Singapore or Hong Kong are as masked as Korean ones.
//
// E164 is read only when it is what [ParsePhone] stores, '+' and digits. A
// Phone built by hand with anything else in E164 (a name, an email address,
// a number with an extension) is masked as a typed answer is
// ([ContactInput.String]): "***", and the last four of its digits if it
// holds at least eight besides what may be a country code, so the value
// itself never shows through.
func (p Phone) Masked() string {
	if p.E164 == "" {
		return ""
	}
	if !plusDigits(p.E164) {
		return maskAnswer(p.E164)
	}
	n, err := phonenumbers.Parse(p.E164, DefaultRegion)
	if err != nil {
		return maskAnswer(p.E164)
	}
	// "+82 10-1234-5678": keep "+82 " and the grouping of the national
	// number, and hide its digits but a tail.
	cc := "+" + strconv.Itoa(int(n.GetCountryCode())) + " "
	rest := phonenumbers.Format(n, phonenumbers.INTERNATIONAL)
	if r, ok := strings.CutPrefix(rest, cc); ok {
		rest = r
	} else {
		rest = phonenumbers.GetNationalSignificantNumber(n)
	}
	return cc + maskDigits(rest, shownDigits(countDigits(rest)))
}

// shownDigits is how many trailing digits of a national number of n digits
// a masked form shows: four, and never more than half of them.
func shownDigits(n int) int { return min(maxShownDigits, n/2) }

// plusDigits reports whether s is '+' and one or more ASCII digits, the only
// form of [Phone.E164] that [Phone.Masked] reads as a number.
func plusDigits(s string) bool {
	return len(s) > 1 && s[0] == '+' && countDigits(s[1:]) == len(s)-1
}

// countDigits returns the number of ASCII digits in s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// maskDigits replaces every digit of s with '*' except the last keepTail.
func maskDigits(s string, keepTail int) string {
	total := countDigits(s)
	b := []byte(s)
	seen := 0
	for i := range b {
		if b[i] < '0' || b[i] > '9' {
			continue
		}
		if seen < total-keepTail {
			b[i] = '*'
		}
		seen++
	}
	return string(b)
}
