package followup_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// exercise runs everything a host does with decoded settings. It must not
// panic, whatever the settings hold.
func exercise(t *testing.T, s followup.Settings) {
	t.Helper()
	for _, a := range []followup.Account{paying, lapsed} {
		_ = s.Validate(a)
		_ = s.Channels(a)
	}
	for _, a := range []followup.Account{paying, lapsed} {
		c, _ := s.ParseContact(followup.ContactInput{Name: "홍길동", Phone: "010-1234-5678", Email: "a@example.com"}, a)
		_ = s.Questions(a)
		_ = s.Reachable(c, a)
		_ = s.Leave(t0, false, c, a)
	}
	if s.Validate(paying) != nil {
		return
	}
	e, err := followup.NewEngine(s, paying, notify.Senders{}, followup.Options{})
	if err != nil {
		t.Fatalf("valid settings refused by NewEngine: %v", err)
	}
	_ = e.Plan(t0.Add(time.Hour), baseConversation(t))
}

func TestSettingsHostileJSON(t *testing.T) {
	deep := strings.Repeat(`{"a":`, 20000) + "1" + strings.Repeat("}", 20000)
	huge := `{"region":"` + strings.Repeat("K", 1<<20) + `"}`
	tests := []struct {
		name, json string
		wantErr    bool // from json.Unmarshal
	}{
		{"empty object", `{}`, false},
		{"null", `null`, false},
		{"wrong type: bool as string", `{"askPhone":"yes"}`, true},
		{"wrong type: object as bool", `{"askName":{}}`, true},
		{"wrong type: gate as number", `{"gate":7}`, true},
		{"unknown gate mode", `{"gate":{"mode":"sometimes"}}`, true},
		{"unknown keys are ignored", `{"askEmail":true,"x":{"y":[1,2,3]},"__proto__":1}`, false},
		{"huge string", huge, false},
		{"huge region in text", `{"text":{"allowedRegions":["` + strings.Repeat("x", 1<<16) + `"]}}`, false},
		{"deep nesting", deep, true},
		{"deep nesting in an unknown key", `{"x":` + deep + `}`, true},
		{"bad office hours", `{"gate":{"mode":"outsideOfficeHours","officeHours":{"zone":"Asia/Seoul","hours":["mon-fri 25:00-26:00"]}}}`, true},
		{"zone path traversal", `{"text":{"timeZone":"../../../etc/passwd"}}`, true},
		{"negative durations", `{"timing":{"delay":"-5m","maxWait":"-1h"}}`, false},
		{"absurd duration", `{"timing":{"delay":"99999999999h"}}`, true},
		{"bad cap", `{"text":{"caps":{"perRecipient":{"max":5,"window":"forever"}}}}`, true},
		{"NaN-ish number", `{"text":{"caps":{"perRecipient":{"max":1e400,"window":"1h"}}}}`, true},
		{"truncated", `{"askPhone":tr`, true},
		{"invalid UTF-8", "{\"locale\":\"\xff\xfe\"}", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s followup.Settings
			err := json.Unmarshal([]byte(tt.json), &s)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Unmarshal error = %v, want error %v", err, tt.wantErr)
			}
			if err == nil {
				exercise(t, s)
			}
		})
	}
}

// Negative durations decode (JSON cannot know the rule) but never validate.
func TestSettingsNegativeDurationsDoNotValidate(t *testing.T) {
	var s followup.Settings
	if err := json.Unmarshal([]byte(`{"timing":{"delay":"-5m"}}`), &s); err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(paying); err == nil {
		t.Error("a negative delay validated")
	}
}

func FuzzSettingsJSON(f *testing.F) {
	f.Add(`{}`)
	f.Add(`{"askName":true,"askPhone":true,"askEmail":true,"gate":{"mode":"always"},"region":"KR","locale":"ko"}`)
	f.Add(`{"gate":{"mode":"outsideOfficeHours","officeHours":{"zone":"Asia/Seoul","hours":["mon-fri 09:00-18:00"]}},"askEmail":true}`)
	f.Add(`{"text":{"senderNumber":"1588-1234","alimTalkTemplate":"FU_01","allowedRegions":["JP"],"caps":{"perRecipient":{"max":3,"window":"24h"}},"quietHours":{"hours":["mon-sun 21:00-08:00"]},"timeZone":"Asia/Seoul"}}`)
	f.Add(`{"timing":{"delay":"1m","maxWait":"10m","strategy":"escalating","escalateAfter":"30m","pushWait":"45s"}}`)
	f.Add(`{"askPhone":"yes"}`)
	f.Fuzz(func(t *testing.T, data string) {
		var s followup.Settings
		if err := json.Unmarshal([]byte(data), &s); err != nil {
			return
		}
		exercise(t, s)
		if s.Validate(paying) != nil {
			return
		}
		// Valid settings survive the round trip a host's storage makes.
		b, err := json.Marshal(s)
		if err != nil {
			t.Fatalf("valid settings do not marshal: %v", err)
		}
		var back followup.Settings
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("marshalled settings do not unmarshal: %v\n%s", err, b)
		}
		if diff := cmp.Diff(s, back, cmp.Comparer(func(a, b policy.Zone) bool { return a.String() == b.String() }),
			cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip (-decoded +again):\n%s", diff)
		}
	})
}
