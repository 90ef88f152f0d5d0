package followup_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/followup-go/followup"
)

// A refused answer's error string gives the reason of its own code, in
// English, and a plain "refused" for a code the package does not know.
func TestDeveloperTexts(t *testing.T) {
	for _, tt := range []struct {
		field followup.Field
		code  followup.Code
		want  string
	}{
		{followup.FieldName, followup.CodeEmpty, "followup: name: empty (empty)"},
		{followup.FieldName, followup.CodeTooLong, "followup: name: too long (tooLong)"},
		{followup.FieldPhone, followup.CodeFixedLine, "followup: phone: a landline number cannot receive text messages (fixedLine)"},
		{followup.FieldPhone, followup.CodeRegionNotAllowed, "followup: phone: text messages do not go to the number's country (regionNotAllowed)"},
		{followup.FieldEmail, followup.CodeInvalidEmail, "followup: email: not a deliverable email address (invalidEmail)"},
		{followup.FieldName, followup.CodeContainsEmail, "followup: name: contains an email address (containsEmail)"},
		{followup.FieldName, followup.Code("rhymes"), "followup: name: refused (rhymes)"},
	} {
		if got := (&followup.FieldError{Field: tt.field, Code: tt.code}).Error(); got != tt.want {
			t.Errorf("FieldError{%v, %v}.Error() = %q, want %q", tt.field, tt.code, got, tt.want)
		}
	}
}

// A locale tag is read up to 128 bytes: parsing takes time quadratic in
// its length, and the customer's comes from their browser. A longer one is
// unknown: the next locale given decides, and settings refuse it.
func TestLongLocale(t *testing.T) {
	tag128 := "ko-x" + strings.Repeat("-abcdefgh", 13) + "-abcdef"
	tag129 := tag128 + "g"
	if len(tag128) != 128 {
		t.Fatalf("tag of %d bytes", len(tag128))
	}
	fe := &followup.FieldError{Field: followup.FieldPhone, Code: followup.CodeEmpty}
	korean, japanese := fe.Message("ko"), fe.Message("ja")
	if got := fe.Message(tag128, "ja"); got != korean {
		t.Errorf("a 128-byte Korean tag: %q, want Korean %q", got, korean)
	}
	if got := fe.Message(tag129, "ja"); got != japanese {
		t.Errorf("a 129-byte tag: %q, want the next locale's, Japanese %q", got, japanese)
	}
	if got := fe.Message("ko" + strings.Repeat("-abcdefgh", 1<<16)); got != fe.Message("en") {
		t.Errorf("a 576 KB tag: %q, want English", got)
	}
	for tag, want := range map[string]error{tag128: nil, tag129: followup.ErrUnknownLocale} {
		err := followup.Settings{Locale: tag}.Validate(followup.Account{})
		if !errors.Is(err, want) || (want == nil) != (err == nil) {
			t.Errorf("Settings.Validate with a %d-byte locale: %v, want %v", len(tag), err, want)
		}
	}
}
