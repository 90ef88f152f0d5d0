package followup_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

var (
	paying  = followup.Account{HasPaymentMethod: true}
	lapsed  = followup.Account{}
	errKind = cmp.Comparer(func(a, b error) bool { return errors.Is(a, b) || errors.Is(b, a) })
)

// problems lists the (setting, sentinel) pairs of a Validate error.
func problems(t *testing.T, err error) []followup.SettingError {
	t.Helper()
	if err == nil {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Validate error %T does not list its problems", err)
	}
	var out []followup.SettingError
	for _, e := range joined.Unwrap() {
		var se *followup.SettingError
		if !errors.As(e, &se) {
			t.Fatalf("problem %v is not a *SettingError", e)
		}
		out = append(out, *se)
	}
	return out
}

func TestSettingsValidate(t *testing.T) {
	tests := []struct {
		name    string
		s       followup.Settings
		account followup.Account
		want    []followup.SettingError
	}{
		{"zero value", followup.Settings{}, lapsed, nil},
		{"email only, no payment", followup.Settings{AskEmail: true}, lapsed, nil},
		{"phone with payment", followup.Settings{AskPhone: true}, paying, nil},
		{"phone without payment", followup.Settings{AskPhone: true}, lapsed,
			[]followup.SettingError{{Setting: "askPhone", Err: policy.ErrPaymentMethodRequired}}},
		{"gate with email", followup.Settings{AskEmail: true, Gate: policy.Gate{Mode: policy.GateAlways}}, lapsed, nil},
		{"gate that can never open", followup.Settings{AskName: true, Gate: policy.Gate{Mode: policy.GateAlways}}, paying,
			[]followup.SettingError{{Setting: "gate.mode", Err: followup.ErrGateNeverOpens}}},
		{"gate outside office hours that can never open", followup.Settings{Gate: officeGate(true)}, paying,
			[]followup.SettingError{{Setting: "gate.mode", Err: followup.ErrGateNeverOpens}}},
		{"gate outside office hours without hours", followup.Settings{AskEmail: true,
			Gate: policy.Gate{Mode: policy.GateOutsideOfficeHours}}, paying,
			[]followup.SettingError{{Setting: "gate", Err: policy.ErrNoOfficeHours}}},
		{"office hours without a zone", followup.Settings{AskEmail: true, Gate: officeGate(false)}, paying,
			[]followup.SettingError{{Setting: "gate", Err: policy.ErrNoZone}}},
		{"quiet hours without a zone", followup.Settings{AskPhone: true,
			Text: followup.TextOptions{QuietHours: policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}}}, paying,
			[]followup.SettingError{{Setting: "text.timeZone", Err: policy.ErrNoZone}}},
		{"quiet hours in UTC, said so", followup.Settings{AskPhone: true,
			Text: followup.TextOptions{QuietHours: policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}},
				TimeZone: policy.ZoneOf(time.UTC)}}, paying, nil},
		{"the server's local zone", followup.Settings{Text: followup.TextOptions{TimeZone: policy.ZoneOf(time.Local)}}, paying,
			[]followup.SettingError{{Setting: "text.timeZone", Err: policy.ErrBadZone}}},
		{"unknown gate mode", followup.Settings{AskEmail: true, Gate: policy.Gate{Mode: 7}}, paying,
			[]followup.SettingError{{Setting: "gate", Err: policy.ErrBadGateMode}}},
		// Every problem of a setting, not just its first.
		{"both caps malformed", followup.Settings{Text: followup.TextOptions{Caps: policy.Caps{
			PerRecipient: policy.Cap{Max: 5}, PerWorkspace: policy.Cap{Max: 9, Window: -time.Hour}}}}, paying,
			[]followup.SettingError{{Setting: "text.caps", Err: policy.ErrBadCap}, {Setting: "text.caps", Err: policy.ErrBadCap}}},
		{"office hours malformed and without a zone", followup.Settings{AskEmail: true, Gate: policy.Gate{Mode: policy.GateOutsideOfficeHours,
			OfficeHours: policy.Schedule{Hours: []policy.Hours{{Days: policy.Weekdays, Start: 600, End: 600}}}}}, paying,
			[]followup.SettingError{{Setting: "gate", Err: policy.ErrBadHours}, {Setting: "gate", Err: policy.ErrNoZone}}},
		{"an allowlist entry unknown and one malformed", followup.Settings{Text: followup.TextOptions{AllowedRegions: []string{"UK", "J"}}}, paying,
			[]followup.SettingError{{Setting: "text.allowedRegions", Err: policy.ErrBadRegion}, {Setting: "text.allowedRegions", Err: followup.ErrUnknownRegion}}},
		{"two quiet ranges malformed", followup.Settings{Text: followup.TextOptions{TimeZone: policy.ZoneOf(time.UTC),
			QuietHours: policy.QuietHours{Hours: []policy.Hours{{Days: 0, Start: 0, End: 60}, policy.KoreanNight(), {Days: policy.Weekdays, End: 9999}}}}}, paying,
			[]followup.SettingError{{Setting: "text.quietHours", Err: policy.ErrBadHours}, {Setting: "text.quietHours", Err: policy.ErrBadHours}}},
		{"regions in any case", followup.Settings{Region: "jp"}, paying, nil},
		{"unknown region", followup.Settings{Region: "XX"}, paying,
			[]followup.SettingError{{Setting: "region", Err: followup.ErrUnknownRegion}}},
		{"region that is not a code", followup.Settings{Region: "Korea"}, paying,
			[]followup.SettingError{{Setting: "region", Err: followup.ErrUnknownRegion}}},
		{"allowlist of known regions, any case", followup.Settings{Text: followup.TextOptions{AllowedRegions: []string{"jp", "US"}}}, paying, nil},
		{"allowlist entry that is no region", followup.Settings{Text: followup.TextOptions{AllowedRegions: []string{"JP", "UK", "XX"}}}, paying,
			[]followup.SettingError{{Setting: "text.allowedRegions", Err: followup.ErrUnknownRegion},
				{Setting: "text.allowedRegions", Err: followup.ErrUnknownRegion}}},
		{"known locales", followup.Settings{Locale: "ko-KR"}, paying, nil},
		{"unknown locale", followup.Settings{Locale: "xx"}, paying,
			[]followup.SettingError{{Setting: "locale", Err: followup.ErrUnknownLocale}}},
		{"malformed locale", followup.Settings{Locale: "en_US!"}, paying,
			[]followup.SettingError{{Setting: "locale", Err: followup.ErrUnknownLocale}}},
		{"sender 8 digits", followup.Settings{Text: followup.TextOptions{SenderNumber: "1588-1234"}}, paying, nil},
		{"sender 11 digits", followup.Settings{Text: followup.TextOptions{SenderNumber: "01012345678"}}, paying, nil},
		{"sender 7 digits", followup.Settings{Text: followup.TextOptions{SenderNumber: "123-4567"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender 12 digits", followup.Settings{Text: followup.TextOptions{SenderNumber: "010123456789"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with letters", followup.Settings{Text: followup.TextOptions{SenderNumber: "1588-CALL"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with +", followup.Settings{Text: followup.TextOptions{SenderNumber: "+821012345678"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with doubled hyphen", followup.Settings{Text: followup.TextOptions{SenderNumber: "02--123-4567"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with every digit", followup.Settings{Text: followup.TextOptions{SenderNumber: "02-3456-7890"}}, paying, nil},
		{"sender with nines", followup.Settings{Text: followup.TextOptions{SenderNumber: "1599-9999"}}, paying, nil},
		{"sender 070 internet phone", followup.Settings{Text: followup.TextOptions{SenderNumber: "070-1234-5678"}}, paying, nil},
		// A Korean number starts with 0 and an area or service code, or
		// with 1 (a representative number, 1588-, 1600-, …).
		{"sender of zeros", followup.Settings{Text: followup.TextOptions{SenderNumber: "0000-0000"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with an international prefix", followup.Settings{Text: followup.TextOptions{SenderNumber: "00821012345"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender starting with 9", followup.Settings{Text: followup.TextOptions{SenderNumber: "9999-99-99"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender starting with 5", followup.Settings{Text: followup.TextOptions{SenderNumber: "5881-2345"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with a leading hyphen", followup.Settings{Text: followup.TextOptions{SenderNumber: "-1588-1234"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"sender with a trailing hyphen", followup.Settings{Text: followup.TextOptions{SenderNumber: "1588-1234-"}}, paying,
			[]followup.SettingError{{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber}}},
		{"template code of 20", followup.Settings{Locale: "ko", Text: followup.TextOptions{AlimTalkTemplate: "FOLLOWUP_REPLY_00001"}}, paying, nil},
		{"template without the language it is in", followup.Settings{Text: followup.TextOptions{AlimTalkTemplate: "FOLLOWUP_01"}}, paying,
			[]followup.SettingError{{Setting: "locale", Err: followup.ErrAlimTalkLocale}}},
		{"template code of 21", followup.Settings{Text: followup.TextOptions{AlimTalkTemplate: "FOLLOWUP_REPLY_000001"}}, paying,
			[]followup.SettingError{{Setting: "text.alimTalkTemplate", Err: followup.ErrBadTemplateCode}}},
		{"template code with a space", followup.Settings{Text: followup.TextOptions{AlimTalkTemplate: "reply 1"}}, paying,
			[]followup.SettingError{{Setting: "text.alimTalkTemplate", Err: followup.ErrBadTemplateCode}}},
		{"template code of the first and last printable ASCII", followup.Settings{Locale: "ko", Text: followup.TextOptions{AlimTalkTemplate: "!FOLLOWUP~"}}, paying, nil},
		{"template code with DEL", followup.Settings{Text: followup.TextOptions{AlimTalkTemplate: "FOLLOWUP\x7f01"}}, paying,
			[]followup.SettingError{{Setting: "text.alimTalkTemplate", Err: followup.ErrBadTemplateCode}}},
		{"template code with a Hangul letter", followup.Settings{Text: followup.TextOptions{AlimTalkTemplate: "답변01"}}, paying,
			[]followup.SettingError{{Setting: "text.alimTalkTemplate", Err: followup.ErrBadTemplateCode}}},
		{"every problem at once", followup.Settings{
			AskPhone: true, Gate: policy.Gate{Mode: policy.GateAlways}, Region: "ZZ", Locale: "qq",
			Text: followup.TextOptions{SenderNumber: "12", AlimTalkTemplate: "a template code that is far too long"},
		}, lapsed, []followup.SettingError{
			{Setting: "askPhone", Err: policy.ErrPaymentMethodRequired},
			{Setting: "region", Err: followup.ErrUnknownRegion},
			{Setting: "locale", Err: followup.ErrUnknownLocale},
			{Setting: "text.senderNumber", Err: followup.ErrBadSenderNumber},
			{Setting: "text.alimTalkTemplate", Err: followup.ErrBadTemplateCode},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate(tt.account)
			wantProblems(t, err, tt.want)
		})
	}
}

// wantProblems checks that err, from Settings.Validate, reports exactly the
// problems want, each one for errors.Is.
func wantProblems(t *testing.T, err error, want []followup.SettingError) {
	t.Helper()
	if diff := cmp.Diff(want, problems(t, err), errKind); diff != "" {
		t.Errorf("Validate problems (-want +got)\n%s", diff)
	}
	for _, p := range want {
		if !errors.Is(err, p.Err) {
			t.Errorf("errors.Is(err, %v) = false", p.Err)
		}
	}
}

func TestSettingErrorHoldsNoValue(t *testing.T) {
	s := followup.Settings{Region: "Seoul", Text: followup.TextOptions{SenderNumber: "010-9999-88"}}
	msg := s.Validate(paying).Error()
	for _, v := range []string{"Seoul", "9999"} {
		if strings.Contains(msg, v) {
			t.Errorf("error %q holds the setting's value %q", msg, v)
		}
	}
}

func TestSettingsChannels(t *testing.T) {
	tests := []struct {
		name    string
		s       followup.Settings
		account followup.Account
		want    []notify.Channel
		dropped []followup.DroppedChannel
	}{
		{"zero value: no follow-ups", followup.Settings{}, paying, nil, nil},
		{"name only: no follow-ups", followup.Settings{AskName: true}, paying, nil, nil},
		{"email", followup.Settings{AskEmail: true}, lapsed, []notify.Channel{notify.ChannelEmail}, nil},
		{"phone without template: SMS", followup.Settings{AskPhone: true}, paying, []notify.Channel{notify.ChannelSMS}, nil},
		{"phone with template: AlimTalk then SMS", followup.Settings{AskPhone: true, Text: followup.TextOptions{AlimTalkTemplate: "T1"}}, paying,
			[]notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS}, nil},
		{"phone and email", followup.Settings{AskPhone: true, AskEmail: true, Text: followup.TextOptions{AlimTalkTemplate: "T1"}}, paying,
			[]notify.Channel{notify.ChannelAlimTalk, notify.ChannelSMS, notify.ChannelEmail}, nil},
		{"payment lapsed: text dropped, email kept", followup.Settings{AskPhone: true, AskEmail: true, Text: followup.TextOptions{AlimTalkTemplate: "T1"}}, lapsed,
			[]notify.Channel{notify.ChannelEmail},
			[]followup.DroppedChannel{
				{Channel: notify.ChannelAlimTalk, Err: policy.ErrPaymentMethodRequired},
				{Channel: notify.ChannelSMS, Err: policy.ErrPaymentMethodRequired},
			}},
		{"payment lapsed, phone only: nothing left", followup.Settings{AskPhone: true}, lapsed, nil,
			[]followup.DroppedChannel{{Channel: notify.ChannelSMS, Err: policy.ErrPaymentMethodRequired}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Channels(tt.account)
			if diff := cmp.Diff(tt.want, got.Enabled.Channels()); diff != "" {
				t.Errorf("Enabled (-want +got)\n%s", diff)
			}
			if diff := cmp.Diff(tt.dropped, got.Dropped, errKind); diff != "" {
				t.Errorf("Dropped (-want +got)\n%s", diff)
			}
			for _, c := range got.Enabled.Channels() {
				if err := policy.Payable(c, tt.account.HasPaymentMethod); err != nil {
					t.Errorf("enabled channel %v the account cannot pay for", c)
				}
			}
		})
	}
}

func TestSettingsQuestions(t *testing.T) {
	all := followup.Settings{AskEmail: true, AskName: true, AskPhone: true}
	tests := []struct {
		name string
		s    followup.Settings
		a    followup.Account
		want []followup.Field
	}{
		{"every question, in order", all, paying,
			[]followup.Field{followup.FieldName, followup.FieldPhone, followup.FieldEmail}},
		// No text could go to the number, so it is not collected.
		{"no phone once the payment method lapsed", all, lapsed,
			[]followup.Field{followup.FieldName, followup.FieldEmail}},
		{"zero Settings", followup.Settings{}, paying, []followup.Field{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.s.Questions(tt.a)); diff != "" {
			t.Errorf("%s: Questions (-want +got)\n%s", tt.name, diff)
		}
	}
}

// Reachable, Admit and Leave judge a contact by what a follow-up could do
// with it under the settings and the account, not by what it holds.
func TestSettingsGate(t *testing.T) {
	gate := policy.Gate{Mode: policy.GateAlways}
	both := followup.Settings{AskPhone: true, AskEmail: true, Region: "KR", Gate: gate}
	phoneOnly := followup.Settings{AskPhone: true, Region: "KR", Gate: gate}
	mobile := followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}
	foreign := followup.Phone{E164: "+819012345678", Region: "JP", Type: followup.PhoneMobile}
	landline := followup.Phone{E164: "+8221234567", Region: "KR", Type: followup.PhoneFixedLine}
	withJP := phoneOnly
	withJP.Text.AllowedRegions = []string{"JP"}
	tests := []struct {
		name      string
		s         followup.Settings
		a         followup.Account
		c         followup.Contact
		reachable bool
		admit     policy.Admission
	}{
		{"a mobile", phoneOnly, paying, followup.Contact{Phone: mobile}, true, policy.Open},
		{"an email", both, paying, followup.Contact{Email: "a@example.com"}, true, policy.Open},
		{"nothing yet", both, paying, followup.Contact{Name: "홍길동"}, false, policy.AwaitContact},
		{"a landline", both, paying, followup.Contact{Phone: landline}, false, policy.AwaitContact},
		{"a mobile the allowlist refuses", both, paying, followup.Contact{Phone: foreign}, false, policy.AwaitContact},
		{"a mobile the allowlist names", withJP, paying, followup.Contact{Phone: foreign}, true, policy.Open},
		{"a mobile, payment lapsed, email asked", both, lapsed, followup.Contact{Phone: mobile}, false, policy.AwaitContact},
		{"an email the settings no longer ask for", phoneOnly, paying, followup.Contact{Email: "a@example.com"}, false, policy.AwaitContact},
		// Only a phone number could open the gate, and the account cannot
		// text: the gate is open rather than losing every inquiry.
		{"phone-only gate, payment lapsed", phoneOnly, lapsed, followup.Contact{}, false, policy.Open},
		{"gate off", followup.Settings{AskEmail: true}, paying, followup.Contact{}, false, policy.Open},
		// Validate refuses a gate no question can open; Admit does what the
		// gate does and keeps it closed.
		{"gate with no contact question", followup.Settings{AskName: true, Gate: gate}, lapsed, followup.Contact{}, false, policy.AwaitContact},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Reachable(tt.c, tt.a); got != tt.reachable {
				t.Errorf("Reachable = %v, want %v", got, tt.reachable)
			}
			if got := tt.s.Admit(t0, tt.c, tt.a); got != tt.admit {
				t.Errorf("Admit = %v, want %v", got, tt.admit)
			}
			wantLeave := policy.Keep
			if tt.admit == policy.AwaitContact {
				wantLeave = policy.Discard
			}
			if got := tt.s.Leave(t0, false, tt.c, tt.a); got != wantLeave {
				t.Errorf("Leave = %v, want %v", got, wantLeave)
			}
			// A chat in the inbox stays there, whatever changed since it
			// was admitted.
			if got := tt.s.Leave(t0, true, tt.c, tt.a); got != policy.Keep {
				t.Errorf("Leave(admitted) = %v, want keep", got)
			}
		})
	}
}

func TestSettingsJSON(t *testing.T) {
	office, _ := policy.ParseHours("mon-fri 09:00-18:00")
	seoul, _ := policy.LoadZone("Asia/Seoul")
	full := followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true,
		Gate:   policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Zone: seoul, Hours: []policy.Hours{office}}},
		Region: "KR", Locale: "ko",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: "FOLLOWUP_01"},
	}
	tests := []struct {
		name string
		s    followup.Settings
		json string
	}{
		{"zero value", followup.Settings{}, `{"askName":false,"askPhone":false,"askEmail":false,"gate":{"mode":"off"}}`},
		{"full", full, `{"askName":true,"askPhone":true,"askEmail":true,` +
			`"gate":{"mode":"outsideOfficeHours","officeHours":{"zone":"Asia/Seoul","hours":["mon-fri 09:00-18:00"]}},` +
			`"region":"KR","locale":"ko","text":{"senderNumber":"1588-1234","alimTalkTemplate":"FOLLOWUP_01"}}`},
	}
	zones := cmp.Comparer(func(a, b policy.Zone) bool { return a.String() == b.String() })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.s)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.json {
				t.Errorf("Marshal =\n%s\nwant\n%s", b, tt.json)
			}
			var back followup.Settings
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.s, back, zones); diff != "" {
				t.Errorf("round trip (-want +got)\n%s", diff)
			}
		})
	}
	var s followup.Settings
	if err := json.Unmarshal([]byte(`{}`), &s); err != nil || s.Validate(lapsed) != nil {
		t.Errorf("empty JSON object: %v, %v", err, s.Validate(lapsed))
	}
}

// Settings keys match without regard to case, as encoding/json matches
// struct fields, down to Timing, which decodes itself.
func TestSettingsJSONKeysIgnoreCase(t *testing.T) {
	var s followup.Settings
	in := `{"AskPhone":true,"Timing":{"Delay":"10m","STRATEGY":"escalating","delay":"5m"}}`
	if err := json.Unmarshal([]byte(in), &s); err != nil {
		t.Fatal(err)
	}
	want := followup.Settings{AskPhone: true, Timing: followup.Timing{Delay: 5 * time.Minute, Strategy: followup.Escalating}}
	if diff := cmp.Diff(want, s, cmp.Comparer(func(a, b policy.Zone) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("decoded (-want +got):\n%s", diff)
	}
}

// Values read as leniently as keys: a strategy in any case, and null for a
// duration, which encoding/json takes as "leave it alone", is the default
// (the object replaces the whole Timing). A null Timing is left alone.
func TestTimingJSONValues(t *testing.T) {
	var tm followup.Timing
	in := `{"strategy":"Escalating","delay":null,"maxWait":"20m"}`
	if err := json.Unmarshal([]byte(in), &tm); err != nil {
		t.Fatal(err)
	}
	if tm.Strategy != followup.Escalating || tm.Delay != 0 || tm.MaxWait != 20*time.Minute {
		t.Errorf("decoded %+v", tm)
	}
	for _, in := range []string{`{"strategy":"escalate"}`, `{"strategy":1}`, `{"strategy":true}`, `{"strategy":{}}`, `{"strategy":["parallel"]}`} {
		if err := json.Unmarshal([]byte(in), &tm); !errors.Is(err, followup.ErrUnknownStrategy) {
			t.Errorf("%s: %v, want an error wrapping ErrUnknownStrategy", in, err)
		} else if strings.Count(err.Error(), "followup:") != 1 {
			t.Errorf("%s: %q names the package more than once", in, err)
		}
	}
	// A null Timing is left alone, as encoding/json leaves a struct, and as
	// policy.Cap is: decoding a patch over stored settings keeps it.
	set := followup.Settings{Timing: followup.Timing{Delay: 7 * time.Minute}}
	for _, in := range []string{`{"timing":null}`, `{"timing": null }`} {
		if err := json.Unmarshal([]byte(in), &set); err != nil || set.Timing.Delay != 7*time.Minute {
			t.Errorf("%s over a 7m delay: %+v, %v", in, set.Timing, err)
		}
	}
	if err := tm.UnmarshalJSON([]byte(" null ")); err != nil || tm.MaxWait != 20*time.Minute {
		t.Errorf("UnmarshalJSON(null) over a 20m MaxWait: %+v, %v", tm, err)
	}
}

// officeGate is an outside-office-hours gate on weekdays 09:00-18:00, in
// Seoul or, withZone false, with no zone.
func officeGate(withZone bool) policy.Gate {
	hours, err := policy.ParseHours("mon-fri 09:00-18:00")
	if err != nil {
		panic(err)
	}
	g := policy.Gate{Mode: policy.GateOutsideOfficeHours, OfficeHours: policy.Schedule{Hours: []policy.Hours{hours}}}
	if withZone {
		g.OfficeHours.Zone, _ = policy.LoadZone("Asia/Seoul")
	}
	return g
}

// TestSettingsCloneSharesNothing walks every field of Settings, however
// deep, so that a reference field added later and not cloned fails here.
func TestSettingsCloneSharesNothing(t *testing.T) {
	night := policy.Hours{Days: policy.EveryDay, Start: policy.At(21, 0), End: policy.At(8, 0)}
	s := fullSettings
	s.Text.AllowedRegions = []string{"KR"}
	s.Text.QuietHours.Hours = []policy.Hours{night}
	s.Gate = policy.Gate{Mode: policy.GateOutsideOfficeHours,
		OfficeHours: policy.Schedule{Zone: policy.ZoneOf(time.UTC), Hours: []policy.Hours{night}}}
	c := s.Clone()
	if !cmp.Equal(s, c, cmp.Comparer(func(a, b policy.Zone) bool { return a == b })) {
		t.Fatalf("clone differs:\n%v", cmp.Diff(s, c, cmp.Comparer(func(a, b policy.Zone) bool { return a == b })))
	}
	var walk func(a, b reflect.Value, path string)
	walk = func(a, b reflect.Value, path string) {
		switch a.Kind() {
		case reflect.Struct:
			for i := range a.NumField() {
				if a.Type().Field(i).IsExported() {
					walk(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name)
				}
			}
		case reflect.Slice:
			if a.Len() == 0 {
				t.Errorf("%s is empty: fill it so the test can check it", path)
			} else if a.Pointer() == b.Pointer() {
				t.Errorf("%s is shared by the clone", path)
			}
			for i := range a.Len() {
				walk(a.Index(i), b.Index(i), path+"[]")
			}
		case reflect.Map, reflect.Pointer, reflect.Interface, reflect.Func, reflect.Chan:
			t.Errorf("%s is a %v: teach Clone and this test about it", path, a.Kind())
		}
	}
	walk(reflect.ValueOf(s), reflect.ValueOf(c), "Settings")
}

// TestEngineKeepsItsOwnSettings: the engine's decisions do not change when
// the caller changes the settings it built the engine with, or the copy
// Engine.Settings returns (under -race, neither is a data race). Deliver
// reads the country allowlist: a Japanese number stays allowed.
func TestEngineKeepsItsOwnSettings(t *testing.T) {
	s := fullSettings
	s.Region = "KR"
	s.Text.AllowedRegions = []string{"JP"}
	e, fakes := deliverEngine(t, s, paying)
	s.Text.AllowedRegions[0] = "CN"
	e.Settings().Text.AllowedRegions[0] = "CN"
	done := make(chan struct{})
	go func() {
		defer close(done)
		e.Settings().Text.AllowedRegions[0] = "US"
	}()
	c := baseConversation(t)
	c.Contact.Phone = mustPhone(t, "+81 90-1234-5678")
	now := t0.Add(5 * time.Minute)
	res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
	<-done
	if err != nil || len(res.Refused) != 0 || len(fakes.AlimTalk.Sent()) != 1 {
		t.Errorf("Deliver = %v, %v, refused %v, %d AlimTalks; want the AlimTalk to the JP number sent",
			res.Status, err, res.Refused, len(fakes.AlimTalk.Sent()))
	}
	if r := e.Settings().Text.AllowedRegions; !cmp.Equal(r, []string{"JP"}) {
		t.Errorf("Engine.Settings().Text.AllowedRegions = %v", r)
	}
}
