package followup_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/internal/enumtext"
	"github.com/followup-go/followup/policy"
)

// Every enumeration of the package follows one text rule; see
// ErrUnknownName. The zero Field, Reason and Status mean "not set" and
// marshal as ""; the zero Party, PhoneType and Strategy are constants and
// marshal as their names.
func TestEnumTextRule(t *testing.T) {
	t.Run("Field", func(t *testing.T) {
		enumtext.Names[followup.Field](t, followup.ErrUnknownName, "", "name", "phone", "email")
	})
	t.Run("Party", func(t *testing.T) {
		enumtext.Names[followup.Party](t, followup.ErrUnknownName, "customer", "agent")
	})
	t.Run("PhoneType", func(t *testing.T) {
		enumtext.Names[followup.PhoneType](t, followup.ErrUnknownName, "unknown", "mobile", "fixedLine",
			"fixedLineOrMobile", "tollFree", "premiumRate", "sharedCost", "voip", "personal", "pager", "uan", "voicemail")
	})
	t.Run("Reason", func(t *testing.T) {
		enumtext.Names[followup.Reason](t, followup.ErrUnknownName, "", "due", "agentStartedUnanswered", "nothingUnseen", "malformed",
			"onlyMarketing", "alreadyFollowedUp", "noContact", "noChannel", "optedOut", "customerPresent", "notAwayLongEnough")
	})
	t.Run("Status", func(t *testing.T) {
		enumtext.Names[followup.Status](t, followup.ErrUnknownName, "", "sent", "cancelled", "rescheduled", "replanned",
			"refused", "deferred")
	})
	t.Run("Strategy", func(t *testing.T) {
		enumtext.Names[followup.Strategy](t, followup.ErrUnknownName, "parallel", "escalating")
		enumtext.Names[followup.Strategy](t, followup.ErrUnknownStrategy, "parallel", "escalating")
	})
}

// A Reason or Status that is none of the constants used to marshal as
// "Reason(99)", which no UnmarshalText reads back: a Plan holding one was
// stored and then lost. It is refused before it is stored.
func TestEnumOutOfRangeIsNotStored(t *testing.T) {
	for name, v := range map[string]any{
		"Plan":     followup.Plan{Reason: 99},
		"Status":   followup.Status(99),
		"Field":    followup.Field(4),
		"Strategy": followup.Timing{Strategy: 2},
	} {
		if b, err := json.Marshal(v); !errors.Is(err, followup.ErrUnknownName) {
			t.Errorf("%s: json.Marshal(%v) = %s, %v; want an error wrapping ErrUnknownName", name, v, b, err)
		}
	}
}

// The zero Field names no field; it marshals as "" as the other "not set"
// values do, instead of failing a host's JSON for a FieldError that matches
// any field.
func TestFieldZeroMarshalsEmpty(t *testing.T) {
	b, err := json.Marshal(struct{ F followup.Field }{})
	if err != nil || string(b) != `{"F":""}` {
		t.Errorf("json.Marshal(zero Field) = %s, %v; want {\"F\":\"\"}", b, err)
	}
}

// A clock time outside the day in office or quiet hours, such as
// policy.At(25, 0) or policy.At(-1, 0), is refused when the admin saves the
// settings, with an error wrapping policy.ErrBadHours.
func TestSettingsRefuseBadClocks(t *testing.T) {
	seoul, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []policy.Clock{policy.At(25, 0), policy.At(-1, 0), policy.At(1093, 0)} {
		h := policy.Hours{Days: policy.Weekdays, Start: policy.At(9, 0), End: bad}
		s := followup.Settings{AskPhone: true, AskEmail: true,
			Gate: policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: seoul, Hours: []policy.Hours{h}}},
			Text: followup.TextOptions{QuietHours: policy.QuietHours{Hours: []policy.Hours{h}}, TimeZone: seoul}}
		want := []followup.SettingError{{Setting: "gate", Err: policy.ErrBadHours}, {Setting: "text.quietHours", Err: policy.ErrBadHours}}
		if diff := cmp.Diff(want, problems(t, s.Validate(paying)), errKind); diff != "" {
			t.Errorf("hours ending at %v: Validate problems (-want +got):\n%s", bad, diff)
		}
	}
}
