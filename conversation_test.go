package followup_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// A Conversation logged through slog carries its counts and presence, and
// its locale, opt-outs and push target only when it has them: a host reading
// its logs tells an unknown language from an empty one.
func TestConversationLogValue(t *testing.T) {
	tests := []struct {
		name string
		c    followup.Conversation
		want map[string]any
	}{
		{
			name: "nothing optional",
			c:    followup.Conversation{ID: "chat-1", Unseen: []followup.Reply{{ID: "r1", Text: "내일 출고됩니다."}}},
			want: map[string]any{"id": "chat-1", "unseen": 1.0, "followUps": 0.0, "open": false},
		},
		{
			name: "locale, opt-outs and push target",
			c: followup.Conversation{
				ID: "chat-2", Presence: followup.Presence{Open: true}, Locale: "ko-KR",
				OptOuts:    []notify.Channel{notify.ChannelSMS},
				PushTarget: "device-token-0123",
			},
			want: map[string]any{
				"id": "chat-2", "unseen": 0.0, "followUps": 0.0, "open": true,
				"locale": "ko-KR", "optOuts": []any{"sms"}, "pushTarget": "17 chars",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(slog.NewJSONHandler(&buf, nil)).Info("planned", "conversation", tt.c)
			var line struct{ Conversation map[string]any }
			if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
				t.Fatalf("%v: %s", err, buf.Bytes())
			}
			if diff := cmp.Diff(tt.want, line.Conversation); diff != "" {
				t.Errorf("logged conversation (-want +got):\n%s", diff)
			}
		})
	}
}

// A Conversation's JSON form uses camelCase names, as the package's other
// stored types do, and reads back as the same Conversation.
func TestConversationJSON(t *testing.T) {
	seoul, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	c := typicalConversation(t)
	c.StartedBy = followup.Agent
	c.Earlier = []followup.Message{{FromCustomer: true, Author: "Minji", Text: "주문 확인 부탁드려요", At: t0.Add(-time.Hour)}}
	c.Unseen[1].Marketing = true
	c.Presence = followup.Presence{Open: true, Focused: true, LastActive: t0, Since: t0.Add(-time.Second)}
	c.Locale, c.Zone = "ko-KR", seoul
	c.OptOuts = []notify.Channel{notify.ChannelSMS}
	c.Consents = []policy.Consent{{Purpose: policy.PurposeMarketing, Agreed: "소식 받기", At: t0.Add(-24 * time.Hour), Form: "signup-v2"}}
	c.PushTarget, c.PushOpened = "device-1", t0.Add(time.Minute)
	c.Texts = followup.TextHistory{ToRecipient: []time.Time{t0}, ByWorkspace: []time.Time{t0, t0.Add(time.Second)}}

	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(b, &keys); err != nil {
		t.Fatal(err)
	}
	var names []string
	for k := range keys {
		names = append(names, k)
	}
	slices.Sort(names)
	want := []string{"consents", "contact", "customerWrote", "earlier", "followUps", "id", "locale", "optOuts",
		"presence", "pushOpened", "pushTarget", "startedBy", "texts", "unseen", "zone"}
	if diff := cmp.Diff(want, names); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	for _, nested := range []string{`"lastActive":`, `"fromCustomer":`, `"marketing":`, `"toRecipient":`, `"byWorkspace":`, `"at":`} {
		if !bytes.Contains(b, []byte(nested)) {
			t.Errorf("no %s in %s", nested, b)
		}
	}

	var back followup.Conversation
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, back, cmp.Comparer(func(a, b policy.Zone) bool { return a.String() == b.String() })); diff != "" {
		t.Errorf("read back (-want +got):\n%s", diff)
	}
	if b, err := json.Marshal(followup.Conversation{ID: "c1"}); err != nil || string(b) != `{"id":"c1"}` {
		t.Errorf("a bare conversation: %s, %v", b, err)
	}
}
