package followup_test

import (
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
