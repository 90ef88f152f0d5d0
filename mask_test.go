package followup_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// checkPrints checks that v prints as want with %v, %+v, %#v and %s, and as
// want quoted with %q.
func checkPrints(t *testing.T, v any, want string) {
	t.Helper()
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		if got := fmt.Sprintf(verb, v); got != want {
			t.Errorf("%s: got %q, want %q", verb, got, want)
		}
	}
	if got, want := fmt.Sprintf("%q", v), fmt.Sprintf("%q", want); got != want {
		t.Errorf("%%q: got %s, want %s", got, want)
	}
}

// Width, precision and flags apply to the masked text as to a string, so
// masked values line up in tables and logs formatted by hand.
func TestMaskedFormatFlags(t *testing.T) {
	phone := followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile}
	tests := []struct {
		format string
		v      any
		want   string
	}{
		{"%-20s|", phone, "+82 **-****-5678    |"},
		{"%20v|", phone, "    +82 **-****-5678|"},
		{"%-20v|", phone, "+82 **-****-5678    |"},
		{"%*s|", []any{18, phone}, "  +82 **-****-5678|"},
		{"%.3s|", phone, "+82|"},
		{"%20q|", phone, `  "+82 **-****-5678"|`},
		{"%#q|", phone, "`+82 **-****-5678`|"},
		{"%#v|", phone, "+82 **-****-5678|"},
		{"%+v|", phone, "+82 **-****-5678|"},
		{"%d|", phone, "+82 **-****-5678|"},
		{"%-22v|", followup.Contact{Name: "홍길동"}, "Contact{name: 홍*동}    |"},
		{"%25s|", followup.ContactInput{Name: "홍길동"}, "  ContactInput{name: 홍*동}|"},
		{"%-15v|", followup.Reply{ID: "r1"}, "Reply{id: r1}  |"},
		{"%36v|", followup.Message{Author: "이서연"}, "   Message{from: agent, author: 이서연}|"},
	}
	for _, tt := range tests {
		args, ok := tt.v.([]any)
		if !ok {
			args = []any{tt.v}
		}
		if got := fmt.Sprintf(tt.format, args...); got != tt.want {
			t.Errorf("Sprintf(%q) = %q, want %q", tt.format, got, tt.want)
		}
	}
}

func TestContactMasked(t *testing.T) {
	c := followup.Contact{
		Name:    "홍길동",
		Email:   "sujin@example.com",
		Phone:   followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile},
		Purpose: policy.PurposeInquiry,
	}
	want := "Contact{name: 홍*동, phone: +82 **-****-5678, email: s***@example.com, purpose: inquiry}"
	checkPrints(t, c, want)
	// Inside other values, too.
	if got := fmt.Sprintf("%+v", struct{ C followup.Contact }{c}); strings.Contains(got, "sujin") || strings.Contains(got, "1234") {
		t.Errorf("nested %%+v leaks: %s", got)
	}
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("contact", "contact", c)
	for _, raw := range []string{"홍길동", "sujin", "1012345678", "1234"} {
		if strings.Contains(b.String(), raw) {
			t.Errorf("log line %s holds %q", b.String(), raw)
		}
	}
	if !strings.Contains(b.String(), `"phone":"+82 **-****-5678"`) {
		t.Errorf("log line %s lacks the masked phone", b.String())
	}
}

// The documented reach of masking: a Contact is masked where it is itself
// printed or is a slog value; nested where fmt cannot call its methods, or
// where slog's JSON handler writes it with encoding/json, its real values
// show (the Contact docs say so and point to Masked); a MaskedContact is
// masked everywhere.
func TestMaskedNesting(t *testing.T) {
	c := followup.Contact{
		Name:  "홍길동",
		Email: "sujin@example.com",
		Phone: followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile},
	}
	raw := []string{"홍길동", "sujin", "1012345678"}
	holds := func(s string) bool {
		for _, r := range raw {
			if strings.Contains(s, r) {
				return true
			}
		}
		return false
	}
	type host struct {
		Exported   followup.Contact
		unexported followup.Contact
	}
	type maskedHost struct {
		Exported   followup.MaskedContact
		unexported followup.MaskedContact
	}
	logged := func(h func(*strings.Builder) slog.Handler, args ...any) string {
		var b strings.Builder
		slog.New(h(&b)).Info("m", args...)
		return b.String()
	}
	jsonH := func(b *strings.Builder) slog.Handler { return slog.NewJSONHandler(b, nil) }
	textH := func(b *strings.Builder) slog.Handler { return slog.NewTextHandler(b, nil) }

	masked := map[string]string{
		"fmt, the value":              fmt.Sprintf("%+v", c),
		"fmt, an exported field":      fmt.Sprintf("%+v", host{Exported: c}),
		"fmt, a slice and a map":      fmt.Sprintf("%v %v", []followup.Contact{c}, map[string]followup.Contact{"k": c}),
		"json handler, the value":     logged(jsonH, "c", c, "p", &c),
		"json handler, a group":       logged(jsonH, slog.Group("g", "c", c)),
		"json handler, Conversation":  logged(jsonH, "conv", followup.Conversation{ID: "1", Contact: c}),
		"text handler, nested":        logged(textH, "h", host{Exported: c}, "s", []followup.Contact{c}),
		"Masked, fmt, unexported":     fmt.Sprintf("%+v", maskedHost{unexported: c.Masked()}),
		"Masked, json handler nested": logged(jsonH, "h", maskedHost{Exported: c.Masked()}, "s", []followup.MaskedContact{c.Masked()}, "m", map[string]followup.MaskedContact{"k": c.Masked()}),
		"Masked, text handler nested": logged(textH, "h", maskedHost{unexported: c.Masked()}, "s", []followup.MaskedContact{c.Masked()}),
	}
	for what, out := range masked {
		if holds(out) {
			t.Errorf("%s: %s\nholds a real value", what, out)
		}
		if !strings.Contains(out, "+82 **-****-5678") {
			t.Errorf("%s: %s\nlacks the masked phone", what, out)
		}
	}
	// The limit the docs state: these print the real values.
	unmasked := map[string]string{
		"fmt, an unexported field":    fmt.Sprintf("%+v", host{unexported: c}),
		"json handler, nested struct": logged(jsonH, "h", host{Exported: c}),
		"json handler, slice":         logged(jsonH, "s", []followup.Contact{c}),
		"json handler, map":           logged(jsonH, "m", map[string]followup.Contact{"k": c}),
		"text handler, unexported":    logged(textH, "h", host{unexported: c}),
	}
	for what, out := range unmasked {
		if !holds(out) {
			t.Errorf("%s: %s\nis masked: the Contact docs say it is not; update them", what, out)
		}
	}
}

func TestMaskName(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"홍", "*"},
		{"민지", "민*"},
		{"홍길동", "홍*동"},
		{"김민지수", "김**수"},
		{"Alexander Hamilton", "A********n"},
		{strings.Repeat("가", 1<<20), "가********가"},
		{"John Smith", "J*******h"},
		// White space and punctuation count for nothing and never show: a
		// two-letter name typed with a space or a middle dot keeps only
		// its first letter.
		{"이 솔", "이*"},
		{"이·솔", "이*"},
		{"王 芳", "王*"},
		{"J. R.", "J*"},
		{"홍 길동", "홍*동"},
		{" ", "*"},
		{"·", "*"},
	}
	for _, tt := range tests {
		if got := followup.MaskName(tt.in); got != tt.want {
			t.Errorf("MaskName(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMaskEmail(t *testing.T) {
	label63 := strings.Repeat("a", 63)
	domain254 := label63 + "." + label63 + "." + label63 + "." + strings.Repeat("b", 62)
	domain255 := domain254 + "b"
	if len(domain254) != 254 || len(domain255) != 255 {
		t.Fatalf("boundary domains are %d and %d bytes, want 254 and 255", len(domain254), len(domain255))
	}
	tests := []struct{ in, want string }{
		{"", ""},
		{"sujin@example.com", "s***@example.com"},
		// A local part of one character would show the address whole.
		{"s@example.com", "***@example.com"},
		{"민@example.com", "***@example.com"},
		{"sj@example.com", "s***@example.com"},
		{"민지@example.com", "민***@example.com"},
		{"no-at-sign", "***"},
		{" sujin@Example.COM\n", "s***@Example.COM"},
		{"sujin@mail.example.co.kr", "s***@mail.example.co.kr"},
		// Text after the last '@' that is not a host name is not shown:
		// an answer never checked may hold more than an address.
		{"kim@example.com 010-9876-5432", "k***@***"},
		{"kim@example.com, 홍길동", "k***@***"},
		{"kim@홍길동.kr", "k***@***"},
		{"kim@localhost", "k***@***"},
		{"kim@example.com.", "k***@***"},
		{"kim@[192.0.2.1]", "k***@***"},
		{"Kim <kim@example.com>", "K***@***"},
		{"kim@", "k***@***"},
		{"@example.com", "***"},
		{"kim@" + strings.Repeat("a.", 200) + "com", "k***@***"},
		// A host name of 254 bytes, the most an address may hold, stays;
		// one byte more is no host name.
		{"k@" + domain254, "***@" + domain254},
		{"k@" + domain255, "***@***"},
	}
	for _, tt := range tests {
		if got := followup.MaskEmail(tt.in); got != tt.want {
			t.Errorf("MaskEmail(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestContactMaskedJSON(t *testing.T) {
	c := followup.Contact{
		Name:        "홍길동",
		Email:       "sujin@example.com",
		Phone:       followup.Phone{E164: "+821012345678", Region: "KR", Type: followup.PhoneMobile},
		CollectedAt: collected,
		Purpose:     policy.PurposeInquiry,
		Inquiry:     "chat-1",
	}
	b, err := json.Marshal(c.Masked())
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"홍*동","phone":"+82 **-****-5678","email":"s***@example.com","collectedAt":"2026-11-24T13:05:00Z","purpose":"inquiry","inquiry":"chat-1"}`
	if string(b) != want {
		t.Errorf("masked json:\n got %s\nwant %s", b, want)
	}
	// Inside a host's own event, too, and the contact's own JSON still keeps
	// the real values for storage.
	event := struct {
		Contact followup.MaskedContact `json:"contact"`
		Stored  followup.Contact       `json:"stored"`
	}{c.Masked(), c}
	b, err = json.Marshal(event)
	if err != nil {
		t.Fatal(err)
	}
	masked, stored, _ := strings.Cut(string(b), `"stored"`)
	for _, raw := range []string{"홍길동", "sujin@", "+821012345678", "1012345678"} {
		if strings.Contains(masked, raw) {
			t.Errorf("masked part %s holds %q", masked, raw)
		}
	}
	for _, raw := range []string{"홍길동", "sujin@example.com", "+821012345678"} {
		if !strings.Contains(stored, raw) {
			t.Errorf("stored part %s lacks %q", stored, raw)
		}
	}
	if b, _ := json.Marshal(followup.Contact{}.Masked()); string(b) != "{}" {
		t.Errorf("zero masked contact json = %s, want {}", b)
	}
}

func TestContactInputMasked(t *testing.T) {
	in := followup.ContactInput{Name: "홍길동", Phone: "010-1234-5678", Email: "sujin@example.com", Inquiry: "chat-1"}
	want := "ContactInput{name: 홍*동, phone: ***5678, email: s***@example.com}"
	checkPrints(t, in, want)
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("answers", "in", in)
	for _, raw := range []string{"홍길동", "sujin", "010-1234-5678", "01012345678", "1234"} {
		if strings.Contains(b.String(), raw) {
			t.Errorf("log line %s holds %q", b.String(), raw)
		}
	}
	if want := `"in":{"name":"홍*동","phone":"***5678","email":"s***@example.com"}`; !strings.Contains(b.String(), want) {
		t.Errorf("log line %s lacks %s", b.String(), want)
	}
	// An answer that was never checked is masked whole unless it holds
	// enough digits to be a number.
	for _, tt := range []struct{ phone, want string }{
		{"", "ContactInput{}"},
		{"12345", "ContactInput{phone: ***}"},
		{"123-4567", "ContactInput{phone: ***}"},
		{"1234-5678", "ContactInput{phone: ***5678}"},
		{"090-9090-9090", "ContactInput{phone: ***9090}"},
		{"전화 주세요 010 9876 5432", "ContactInput{phone: ***5432}"},
		// Behind '+' or "00", up to three digits may be a country code and
		// five an international prefix: seven national digits show none.
		{"+354 611 1234", "ContactInput{phone: ***}"},
		{"＋354 611 1234", "ContactInput{phone: ***}"},
		{" +679 701 2345", "ContactInput{phone: ***}"},
		{"00354 611 1234", "ContactInput{phone: ***}"},
		{"+82 10-1234-5678", "ContactInput{phone: ***5678}"},
		{"+1 202-555-0101", "ContactInput{phone: ***0101}"},
		{"00700 1 202-555-0101", "ContactInput{phone: ***0101}"},
	} {
		if got := fmt.Sprint(followup.ContactInput{Phone: tt.phone}); got != tt.want {
			t.Errorf("phone answer %d chars: got %q, want %q", len(tt.phone), got, tt.want)
		}
	}
	// Nor does anything typed after the address.
	in = followup.ContactInput{Email: "kim@example.com 010-9876-5432"}
	checkPrints(t, in, "ContactInput{email: k***@***}")
	b.Reset()
	slog.New(slog.NewJSONHandler(&b, nil)).Info("answers", "in", in)
	if want := `"in":{"email":"k***@***"}`; !strings.Contains(b.String(), want) {
		t.Errorf("log line %s lacks %s", b.String(), want)
	}
}

func TestReplyAndMessageMasked(t *testing.T) {
	at := time.Date(2026, 11, 24, 14, 0, 0, 0, time.UTC)
	reply := followup.Reply{ID: "r1", Author: "상담원 이서연", Text: "홍길동님, 010-1234-5678로 연락드릴게요.", At: at, Marketing: true}
	fromCustomer := followup.Message{FromCustomer: true, Author: "홍길동", Text: "sujin@example.com 으로 보내 주세요", At: at}
	fromAgent := followup.Message{Author: "상담원 이서연", Text: "확인했습니다"}
	for _, tt := range []struct {
		v    any
		want string
	}{
		{reply, "Reply{id: r1, author: 상담원 이서연, text: 28 chars, at: 2026-11-24T14:00:00Z, marketing: true}"},
		{followup.Reply{}, "Reply{}"},
		{fromCustomer, "Message{from: customer, author: 홍*동, text: 27 chars, at: 2026-11-24T14:00:00Z}"},
		{fromAgent, "Message{from: agent, author: 상담원 이서연, text: 6 chars}"},
	} {
		checkPrints(t, tt.v, tt.want)
	}

	// A conversation printed whole, and the values logged one by one.
	conv := followup.Conversation{ID: "chat-1", Unseen: []followup.Reply{reply}, Earlier: []followup.Message{fromCustomer, fromAgent},
		PushTarget: "fcm-token-0f3a9c", OptOuts: []notify.Channel{notify.ChannelSMS}}
	checkPrints(t, conv, "Conversation{id: chat-1, unseen: 1, followUps: 0, open: false, optOuts: [sms], pushTarget: 16 chars}")
	checkPrints(t, followup.Conversation{ID: "chat-2"}, "Conversation{id: chat-2, unseen: 0, followUps: 0, open: false}")
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("replies", "reply", reply, "customer", fromCustomer, "agent", fromAgent)
	printed := []string{b.String()}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
		printed = append(printed, fmt.Sprintf(verb, conv))
	}
	for _, p := range printed {
		for _, raw := range []string{"홍길동", "1234-5678", "sujin", "연락드릴게요", "확인했습니다", "fcm-token"} {
			if strings.Contains(p, raw) {
				t.Errorf("%s\nholds %q", p, raw)
			}
		}
	}
	for _, want := range []string{
		`"reply":{"id":"r1","author":"상담원 이서연","text":"28 chars","at":"2026-11-24T14:00:00Z","marketing":true}`,
		`"customer":{"from":"customer","author":"홍*동","text":"27 chars","at":"2026-11-24T14:00:00Z"}`,
		`"agent":{"from":"agent","author":"상담원 이서연","text":"6 chars"}`,
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("log line %s lacks %s", b.String(), want)
		}
	}
}

// Render data prints the customer's name masked and the replies, earlier
// messages and link as counts, each left out when there is none.
func TestRenderDataMasked(t *testing.T) {
	d := followup.RenderData{
		Workspace:    "Acme",
		CustomerName: "김민지",
		Replies:      []followup.Reply{{ID: "r1", Text: "내일 출고됩니다."}, {ID: "r2", Text: "감사합니다."}},
		Link:         "https://chat.example/c/1",
	}
	checkPrints(t, d, "RenderData{workspace: Acme, customer: 김*지, replies: 2, link: 24 chars}")
	d.Earlier = []followup.Message{{FromCustomer: true, Author: "김민지", Text: "언제 오나요?"}}
	checkPrints(t, d, "RenderData{workspace: Acme, customer: 김*지, replies: 2, earlier: 1, link: 24 chars}")
	var b strings.Builder
	slog.New(slog.NewJSONHandler(&b, nil)).Info("render", "data", d)
	if want := `"data":{"workspace":"Acme","customer":"김*지","replies":"2","earlier":"1","link":"24 chars"}`; !strings.Contains(b.String(), want) {
		t.Errorf("log line %s lacks %s", b.String(), want)
	}
	checkPrints(t, followup.RenderData{}, "RenderData{}")
}
