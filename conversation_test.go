package followup_test

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
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
