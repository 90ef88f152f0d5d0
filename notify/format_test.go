package notify_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/followup-go/followup/notify"
)

// The messages a sender receives hold the customer's number or address, and
// texts with the customer's name: printing or logging one must show none of
// them.
func TestMessagesPrintMasked(t *testing.T) {
	raw := []string{"+821012345678", "1012345678", "sujin@example.com", "sujin@", "홍길동", "device-token-123456"}
	sms := notify.SMS{Key: "k-sms", From: "15881234", To: "+821012345678", Subject: "홍길동님 답변", Text: "홍길동님, 주문하신 상품은 내일 도착합니다."}
	tests := []struct {
		name string
		msg  any
		want string
	}{
		{"sms", sms, "SMS{key: k-sms, from: 15881234, to: +82******5678, subject: 7 chars, text: 24 chars}"},
		{"alimtalk", notify.AlimTalk{
			Key: "k-at", To: "+821012345678", TemplateCode: "FOLLOWUP_1",
			Variables: map[string]string{"고객명": "홍길동", "답변": "내일 도착"}, Text: "홍길동님, 답변이 도착했습니다.",
			Buttons: []notify.Button{{Name: "상담 보기", MobileURL: "https://example.com/c/1"}}, Substitute: &sms,
		}, "AlimTalk{key: k-at, to: +82******5678, template: FOLLOWUP_1, variables: 2 items, text: 17 chars, buttons: 1 item, " +
			"substitute: SMS{key: k-sms, from: 15881234, to: +82******5678, subject: 7 chars, text: 24 chars}}"},
		{"email", notify.Email{
			Key: "k-mail", From: "help@shop.example", To: "sujin@example.com", ReplyTo: "reply@shop.example",
			Subject: "홍길동님, 답변입니다", Text: "홍길동님", HTML: "<p>홍길동님</p>", Headers: map[string]string{"X-Chat": "1"},
		}, "Email{key: k-mail, from: help@shop.example, to: s***@example.com, replyTo: reply@shop.example, subject: 11 chars, text: 4 chars, html: 11 chars, headers: 1 item}"},
		{"push", notify.Push{Key: "k-push", To: "device-token-123456", Title: "홍길동님", Body: "답변"},
			"Push{key: k-push, to: dev************3456, title: 4 chars, body: 2 chars}"},
		{"zero", notify.SMS{}, "SMS{}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
				if got := fmt.Sprintf(verb, tt.msg); got != tt.want {
					t.Errorf("%s:\n got %s\nwant %s", verb, got, tt.want)
				}
			}
			if got, want := fmt.Sprintf("%q", tt.msg), fmt.Sprintf("%q", tt.want); got != want {
				t.Errorf("%%q: got %s, want %s", got, want)
			}
			// Inside a host's own value and behind a pointer, too.
			nested := fmt.Sprintf("%+v %v", struct{ M any }{tt.msg}, []any{&tt.msg})
			var log bytes.Buffer
			slog.New(slog.NewJSONHandler(&log, nil)).Info("sending", "msg", tt.msg)
			for _, s := range []string{nested, log.String()} {
				for _, r := range raw {
					if strings.Contains(s, r) {
						t.Errorf("%s holds %q", s, r)
					}
				}
			}
		})
	}
}

func TestMessageLogValue(t *testing.T) {
	var log bytes.Buffer
	m := notify.SMS{Key: "k", To: "+821012345678", Text: "안녕하세요"}
	slog.New(slog.NewJSONHandler(&log, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}})).Info("sending", "msg", m)
	want := `{"level":"INFO","msg":"sending","msg":{"key":"k","to":"+82******5678","text":5}}` + "\n"
	if log.String() != want {
		t.Errorf("log:\n got %s\nwant %s", log.String(), want)
	}
}

// A Batch logged through slog's JSON handler is masked as its messages are,
// rather than written as the JSON of their fields.
func TestBatchLogValue(t *testing.T) {
	sms := notify.SMS{Key: "k-sms", To: "+821012345678", Text: "홍길동님, 답변입니다."}
	b := notify.Batch{
		AlimTalk: &notify.AlimTalk{Key: "k-at", To: "+821012345678", TemplateCode: "T1",
			Variables: map[string]string{"customer": "홍길동"}, Text: "홍길동님", Substitute: &sms},
		Email: &notify.Email{Key: "k-mail", To: "sujin@example.com", Subject: "홍길동님", Text: "본문"},
		Push:  &notify.Push{Key: "k-push", To: "device-token-123456", Body: "홍길동님"},
	}
	var log bytes.Buffer
	slog.New(slog.NewJSONHandler(&log, nil)).Info("dispatching", "batch", b)
	for _, r := range []string{"+821012345678", "1012345678", "sujin@", "홍길동", "device-token"} {
		if strings.Contains(log.String(), r) {
			t.Errorf("log holds %q:\n%s", r, log.String())
		}
	}
	for _, want := range []string{`"alimtalk":{"key":"k-at"`, `"email":{"key":"k-mail"`, `"push":{"key":"k-push"`} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("log lacks %s:\n%s", want, log.String())
		}
	}
	if strings.Contains(log.String(), `"sms"`) {
		t.Errorf("log names a message the batch lacks:\n%s", log.String())
	}
}

// A recipient whose domain's inner labels hold characters other than ASCII
// letters, digits and '-' is no host name: the domain is masked, since a
// name or a number may be in it. An empty field in the middle does not
// hide the ones after it, and a push prints how many data entries it has.
func TestFormatMoreCases(t *testing.T) {
	for _, to := range []string{"kim@김민지.com", "kim@010 9876 5432.kr", "kim@a_b.example", "kim@mail+minji.example"} {
		if got, want := fmt.Sprint(notify.Email{To: to}), "Email{to: k***@***}"; got != want {
			t.Errorf("Sprint(Email{To: %q}) = %q, want %q", to, got, want)
		}
	}
	if got, want := fmt.Sprint(notify.SMS{To: "+821012345678", Text: "안녕하세요"}), "SMS{to: +82******5678, text: 5 chars}"; got != want {
		t.Errorf("Sprint(SMS without key and subject) = %q, want %q", got, want)
	}
	push := notify.Push{To: "device-token-123456", Data: map[string]string{"conv": "c-1", "name": "홍길동"}}
	if got, want := fmt.Sprint(push), "Push{to: dev************3456, data: 2 items}"; got != want {
		t.Errorf("Sprint(Push) = %q, want %q", got, want)
	}
}
