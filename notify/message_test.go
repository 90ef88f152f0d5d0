package notify_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

func TestValidate(t *testing.T) {
	sms := func(f func(*notify.SMS)) notify.SMS {
		m := notify.SMS{Key: "k", From: "15881234", To: "+821012345678", Text: "답변이 도착했습니다."}
		if f != nil {
			f(&m)
		}
		return m
	}
	at := func(f func(*notify.AlimTalk)) notify.AlimTalk {
		sub := sms(nil)
		m := notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "FOLLOWUP", Text: "답변",
			Buttons: []notify.Button{{Name: "채팅으로 돌아가기", MobileURL: "https://chat.example/c/1"}}, Substitute: &sub}
		if f != nil {
			f(&m)
		}
		return m
	}
	email := func(f func(*notify.Email)) notify.Email {
		m := notify.Email{Key: "k", To: "a@example.com", Subject: "답변", Text: "본문",
			Headers: map[string]string{"List-Unsubscribe": "<https://x.example/u>"}}
		if f != nil {
			f(&m)
		}
		return m
	}
	push := func(f func(*notify.Push)) notify.Push {
		m := notify.Push{Key: "k", To: "user-1", Title: "답변"}
		if f != nil {
			f(&m)
		}
		return m
	}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"sms ok", sms(nil).Validate(), nil},
		{"sms lms ok", sms(func(m *notify.SMS) { m.Text = strings.Repeat("가", 1000); m.Subject = "답변" }).Validate(), nil},
		{"sms no recipient", sms(func(m *notify.SMS) { m.To = "" }).Validate(), notify.ErrNoRecipient},
		{"sms default sender number", sms(func(m *notify.SMS) { m.From = "" }).Validate(), nil},
		{"sms no text", sms(func(m *notify.SMS) { m.Text = "" }).Validate(), notify.ErrNoContent},
		{"sms too long", sms(func(m *notify.SMS) { m.Text = strings.Repeat("가", 1001) }).Validate(), notify.ErrTooLong},
		{"lms subject too long", sms(func(m *notify.SMS) { m.Subject = strings.Repeat("가", 21) }).Validate(), notify.ErrTooLong},
		{"alimtalk ok", at(nil).Validate(), nil},
		{"alimtalk 1000 characters", at(func(m *notify.AlimTalk) { m.Text = strings.Repeat("가", 1000) }).Validate(), nil},
		{"alimtalk 1001 characters", at(func(m *notify.AlimTalk) { m.Text = strings.Repeat("가", 1001) }).Validate(), notify.ErrTooLong},
		{"alimtalk no recipient", at(func(m *notify.AlimTalk) { m.To = "" }).Validate(), notify.ErrNoRecipient},
		{"alimtalk no template", at(func(m *notify.AlimTalk) { m.TemplateCode = "" }).Validate(), notify.ErrNoTemplate},
		{"alimtalk 5 buttons", at(func(m *notify.AlimTalk) {
			m.Buttons = append(m.Buttons, m.Buttons[0], m.Buttons[0], m.Buttons[0], m.Buttons[0])
		}).Validate(), nil},
		{"alimtalk 6 buttons", at(func(m *notify.AlimTalk) {
			m.Buttons = append(m.Buttons, m.Buttons[0], m.Buttons[0], m.Buttons[0], m.Buttons[0], m.Buttons[0])
		}).Validate(), notify.ErrTooManyButtons},
		{"alimtalk button without link", at(func(m *notify.AlimTalk) { m.Buttons[0].MobileURL = "" }).Validate(), notify.ErrBadButton},
		{"alimtalk bad substitute", at(func(m *notify.AlimTalk) { m.Substitute.Text = "" }).Validate(), notify.ErrNoContent},
		{"email ok", email(nil).Validate(), nil},
		{"email html only", email(func(m *notify.Email) { m.Text, m.HTML = "", "<p>x</p>" }).Validate(), nil},
		{"email no recipient", email(func(m *notify.Email) { m.To = "" }).Validate(), notify.ErrNoRecipient},
		{"email no subject", email(func(m *notify.Email) { m.Subject = "" }).Validate(), notify.ErrNoContent},
		{"email no body", email(func(m *notify.Email) { m.Text = "" }).Validate(), notify.ErrNoContent},
		{"email header injection", email(func(m *notify.Email) { m.Headers["X-A"] = "1\r\nBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email subject injection", email(func(m *notify.Email) { m.Subject = "hi\nBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email recipient injection", email(func(m *notify.Email) { m.To = "minji@example.com\r\nBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email recipient bare LF", email(func(m *notify.Email) { m.To = "minji@example.com\nBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email from injection", email(func(m *notify.Email) { m.From = "a@example.com\rBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email reply-to injection", email(func(m *notify.Email) { m.ReplyTo = "a@example.com\nBcc: x@evil.example" }).Validate(), notify.ErrBadHeader},
		{"email bad header name", email(func(m *notify.Email) { m.Headers["Bad Name"] = "1" }).Validate(), notify.ErrBadHeader},
		{"email header name with DEL", email(func(m *notify.Email) { m.Headers["X-\x7f"] = "1" }).Validate(), notify.ErrBadHeader},
		{"email header name with tilde", email(func(m *notify.Email) { m.Headers["X-~"] = "1" }).Validate(), nil},
		{"push ok", push(nil).Validate(), nil},
		{"push no recipient", push(func(m *notify.Push) { m.To = "" }).Validate(), notify.ErrNoRecipient},
		{"push no content", push(func(m *notify.Push) { m.Title = "" }).Validate(), notify.ErrNoContent},
	}
	for _, tt := range tests {
		if tt.want == nil && tt.err != nil || tt.want != nil && !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: Validate() = %v, want %v", tt.name, tt.err, tt.want)
		}
		if tt.err != nil && (strings.Contains(tt.err.Error(), "1012345678") || strings.Contains(tt.err.Error(), "@example.com")) {
			t.Errorf("%s: error %q holds the recipient", tt.name, tt.err)
		}
	}
}

// A bad button's error says which button, counting from 1 as the host's
// template editor does.
func TestValidateNamesTheBadButton(t *testing.T) {
	m := notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "FOLLOWUP", Text: "답변", Buttons: []notify.Button{
		{Name: "채팅으로 돌아가기", MobileURL: "https://chat.example/c/1"},
		{Name: "상담 평가하기"},
	}}
	err := m.Validate()
	if !errors.Is(err, notify.ErrBadButton) {
		t.Fatalf("Validate() = %v, want ErrBadButton", err)
	}
	if diff := cmp.Diff("notify: alimtalk button 2: notify: bad button", err.Error()); diff != "" {
		t.Errorf("Validate() error (-want +got):\n%s", diff)
	}
}

// Clone copies the substitute, so a change to the copy's leaves the
// original's as it was, and keeps a missing substitute missing.
func TestAlimTalkCloneCopiesSubstitute(t *testing.T) {
	sub := notify.SMS{Key: "k", To: "+821012345678", Text: "답변이 도착했습니다."}
	orig := notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "FOLLOWUP", Text: "답변", Substitute: &sub}
	c := orig.Clone()
	c.Substitute.Text = "changed"
	if diff := cmp.Diff(notify.SMS{Key: "k", To: "+821012345678", Text: "답변이 도착했습니다."}, *orig.Substitute); diff != "" {
		t.Errorf("the original's substitute changed with the clone's (-want +got):\n%s", diff)
	}

	none := notify.AlimTalk{Key: "k", To: "+821012345678", TemplateCode: "FOLLOWUP", Text: "답변"}
	if c := none.Clone(); c.Substitute != nil {
		t.Errorf("Clone() of an AlimTalk without a substitute has one: %+v", c.Substitute)
	}
}
