package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
)

const (
	testAppKey    = "app-1"
	testSecretKey = "secret-1"
	testTo        = "+821012345678"
	testNational  = "01012345678"
	testText      = "주문하신 상품은 내일 출고됩니다."
)

// A captured request, its body decoded as generic JSON so the tests check
// the wire names, not the sender's own structs.
type captured struct {
	Method, Path string
	Header       http.Header
	Body         map[string]any
}

// recorder is a provider that records every request and answers with
// answer.
type recorder struct {
	mu     sync.Mutex
	reqs   []captured
	answer func(w http.ResponseWriter, r *http.Request)
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	c := captured{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone()}
	_ = json.Unmarshal(raw, &c.Body)
	rec.mu.Lock()
	rec.reqs = append(rec.reqs, c)
	rec.mu.Unlock()
	if rec.answer != nil {
		rec.answer(w, r)
		return
	}
	io.WriteString(w, `{"header":{"isSuccessful":true,"resultCode":0,"resultMessage":"SUCCESS"}}`)
}

func (rec *recorder) requests() []captured {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]captured(nil), rec.reqs...)
}

// serve starts h and returns a Config pointing at it.
func serve(t *testing.T, h http.Handler) Config {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return Config{
		BaseURL: srv.URL, AppKey: testAppKey, SecretKey: testSecretKey,
		SenderKey: "cfg-sender-key", SendNo: "1588-1234", HTTPClient: srv.Client(),
	}
}

func newAlimTalk(t *testing.T, cfg Config) *AlimTalkSender {
	t.Helper()
	s, err := NewAlimTalkSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newSMS(t *testing.T, cfg Config) *SMSSender {
	t.Helper()
	s, err := NewSMSSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testLink is the link back to the chat, which the template's body and its
// button's URL take as #{link}.
const testLink = "https://chat.example.com/c/1"

// testAlimTalk returns an AlimTalk as the engine builds it from the built-in
// template, which the fake provider knows as fakeTemplate.
func testAlimTalk() notify.AlimTalk {
	return notify.AlimTalk{
		Key:          "chat-1/1/alimtalk",
		To:           testTo,
		TemplateCode: fakeTemplate,
		Variables:    map[string]string{"customer": "고객", "workspace": "예시상점", "reply": testText, "link": testLink},
		Text:         "[예시상점] " + testText + "\n" + testLink,
		Buttons:      []notify.Button{{Name: "상담 이어가기", MobileURL: testLink}},
		Substitute:   &notify.SMS{Key: "chat-1/1/sms", From: "1588-1234", To: testTo, Text: "substitute text"},
	}
}

func testSMS() notify.SMS {
	return notify.SMS{Key: "chat-1/1/sms", From: "1588-1234", To: testTo, Subject: "ignored for an SMS", Text: testText}
}

// The request is NHN Cloud's AlimTalk API v2.1 as its guide documents it:
// the recipient carries recipientNo, templateParameter and resendParameter
// only (no buttons: they are the template's, and the link goes as the
// template parameter its URL uses), and the key goes in
// X-NC-API-IDEMPOTENCY-KEY.
func TestAlimTalkRequest(t *testing.T) {
	rec := &recorder{}
	s := newAlimTalk(t, serve(t, rec))
	m := testAlimTalk()
	before := m.Clone()
	if err := s.SendAlimTalk(context.Background(), m); err != nil {
		t.Fatalf("SendAlimTalk: %v", err)
	}
	if !reflect.DeepEqual(before, m) {
		t.Error("the sender modified the message")
	}
	reqs := rec.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d requests, want 1", len(reqs))
	}
	r := reqs[0]
	if r.Method != http.MethodPost || r.Path != "/alimtalk/v2.1/appkeys/app-1/messages" {
		t.Errorf("request %s %s", r.Method, r.Path)
	}
	for name, want := range map[string]string{
		"X-Secret-Key":             testSecretKey,
		"X-NC-API-IDEMPOTENCY-KEY": m.Key,
	} {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}

	want := map[string]any{
		"senderKey":    "cfg-sender-key",
		"templateCode": fakeTemplate,
		"recipientList": []any{map[string]any{
			"recipientNo": testNational,
			"templateParameter": map[string]any{
				"customer": "고객", "workspace": "예시상점", "reply": testText, "link": testLink,
			},
			// Present and false: the dispatcher sends the substitute, and
			// NHN Cloud resends by default when its console says so.
			"resendParameter": map[string]any{"isResend": false},
		}},
	}
	if !reflect.DeepEqual(r.Body, want) {
		got, _ := json.MarshalIndent(r.Body, "", "  ")
		t.Errorf("body:\n%s", got)
	}
}

func TestAlimTalkMessageSenderKeyAndHeaderName(t *testing.T) {
	rec := &recorder{}
	cfg := serve(t, rec)
	cfg.IdempotencyHeader = "X-Vendor-Idempotency"
	s := newAlimTalk(t, cfg)
	m := testAlimTalk()
	m.SenderKey = "workspace-sender-key"
	if err := s.SendAlimTalk(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	r := rec.requests()[0]
	if got := r.Body["senderKey"]; got != "workspace-sender-key" {
		t.Errorf("senderKey %v, want the message's", got)
	}
	if got := r.Header.Get("X-Vendor-Idempotency"); got != m.Key {
		t.Errorf("configured idempotency header = %q, want %q", got, m.Key)
	}
	if got := r.Header.Get(DefaultIdempotencyHeader); got != "" {
		t.Errorf("default idempotency header also sent: %q", got)
	}
}

// With Config.LinkVariable, the first button's link goes as the template
// parameter the button's URL uses, for a template whose body does not use
// it; a value in Variables wins.
func TestAlimTalkLinkVariable(t *testing.T) {
	params := func(t *testing.T, cfg Config, m notify.AlimTalk, rec *recorder) map[string]any {
		t.Helper()
		before := m.Clone()
		if err := newAlimTalk(t, cfg).SendAlimTalk(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(before, m) {
			t.Error("the sender modified the message")
		}
		reqs := rec.requests()
		return reqs[len(reqs)-1].Body["recipientList"].([]any)[0].(map[string]any)["templateParameter"].(map[string]any)
	}
	rec := &recorder{}
	cfg := serve(t, rec)
	noLink := testAlimTalk()
	delete(noLink.Variables, "link")

	if got := params(t, cfg, noLink, rec); got["btn"] != nil || got["link"] != nil {
		t.Errorf("without LinkVariable: parameters %v, want no link", got)
	}
	cfg.LinkVariable = "btn"
	if got := params(t, cfg, noLink, rec); got["btn"] != testLink || len(got) != 4 {
		t.Errorf("with LinkVariable: parameters %v, want the button's link as btn", got)
	}
	own := testAlimTalk()
	own.Variables["btn"] = "https://chat.example.com/own"
	if got := params(t, cfg, own, rec); got["btn"] != "https://chat.example.com/own" {
		t.Errorf("parameters %v, want Variables' btn", got)
	}
	none := noLink
	none.Buttons = nil
	if got := params(t, cfg, none, rec); got["btn"] != nil {
		t.Errorf("no button: parameters %v, want no btn", got)
	}

	// Against the fake provider, whose template needs #{link}.
	p := newFakeProvider(testAppKey, testSecretKey)
	cfg = serve(t, p)
	err := newAlimTalk(t, cfg).SendAlimTalk(context.Background(), noLink)
	checkOutcome(t, err, outcome{kind: "permanent", code: codeTemplateMismatch})
	cfg.LinkVariable = "link"
	checkOutcome(t, newAlimTalk(t, cfg).SendAlimTalk(context.Background(), noLink), outcome{kind: "delivered"})
}

// With Config.ProviderSubstitute, the provider's resend is on, with the
// substitute's text, type, title and sender number as NHN Cloud names them;
// an AlimTalk without a substitute keeps it off.
func TestAlimTalkProviderSubstitute(t *testing.T) {
	long := strings.Repeat("가", 46) // 92 EUC-KR bytes: an LMS
	tests := []struct {
		name   string
		sub    *notify.SMS
		sendNo string
		want   map[string]any
	}{
		{
			name: "sms", sub: &notify.SMS{Key: "k", From: "02-123-4567", To: testTo, Text: "짧은 대체 문자"},
			want: map[string]any{"isResend": true, "resendType": "SMS", "resendContent": "짧은 대체 문자", "resendSendNo": "021234567"},
		},
		{
			name: "lms with a subject", sub: &notify.SMS{Key: "k", From: "1588-1234", To: testTo, Subject: "[예시상점] 문의 답변", Text: long},
			want: map[string]any{"isResend": true, "resendType": "LMS", "resendTitle": "[예시상점] 문의 답변", "resendContent": long, "resendSendNo": "15881234"},
		},
		{
			name: "lms without a subject or From", sub: &notify.SMS{Key: "k", To: testTo, Text: long}, sendNo: "1588-0000",
			want: map[string]any{"isResend": true, "resendType": "LMS", "resendTitle": strings.Repeat("가", 20), "resendContent": long, "resendSendNo": "15880000"},
		},
		{name: "no substitute", want: map[string]any{"isResend": false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			cfg := serve(t, rec)
			cfg.ProviderSubstitute, cfg.SendNo = true, tt.sendNo
			m := testAlimTalk()
			m.Substitute = tt.sub
			before := m.Clone()
			if err := newAlimTalk(t, cfg).SendAlimTalk(context.Background(), m); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(before, m) {
				t.Error("the sender modified the message")
			}
			got := rec.requests()[0].Body["recipientList"].([]any)[0].(map[string]any)["resendParameter"]
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("resendParameter %v,\nwant %v", got, tt.want)
			}
		})
	}

	t.Run("no valid sender number", func(t *testing.T) {
		rec := &recorder{}
		cfg := serve(t, rec)
		cfg.ProviderSubstitute, cfg.SendNo = true, ""
		m := testAlimTalk()
		m.Substitute.From = ""
		if err := newAlimTalk(t, cfg).SendAlimTalk(context.Background(), m); !notify.IsPermanent(err) {
			t.Errorf("got %v, want a permanent error", err)
		}
		if n := len(rec.requests()); n != 0 {
			t.Errorf("%d requests sent", n)
		}
	})

	// The provider resends for a refused recipient: the sender says the
	// follow-up went, so a dispatcher does not send a second substitute.
	refused := answer(200, nil, false, codeNotKakaoUser, "")
	cfg := serve(t, refused)
	cfg.ProviderSubstitute = true
	checkOutcome(t, newAlimTalk(t, cfg).SendAlimTalk(context.Background(), testAlimTalk()), outcome{kind: "delivered"})
	m := testAlimTalk()
	m.Substitute = nil // no resend asked for: the refusal stands
	checkOutcome(t, newAlimTalk(t, cfg).SendAlimTalk(context.Background(), m), outcome{kind: "refused", code: codeNotKakaoUser})
	cfg.ProviderSubstitute = false
	checkOutcome(t, newAlimTalk(t, cfg).SendAlimTalk(context.Background(), testAlimTalk()), outcome{kind: "refused", code: codeNotKakaoUser})
}

func TestAlimTalkWithoutSenderKey(t *testing.T) {
	rec := &recorder{}
	cfg := serve(t, rec)
	cfg.SenderKey = ""
	err := newAlimTalk(t, cfg).SendAlimTalk(context.Background(), testAlimTalk())
	if !notify.IsPermanent(err) {
		t.Errorf("got %v, want a permanent error", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

func TestSMSRequest(t *testing.T) {
	text91 := strings.Repeat("가", 45) + "a"
	if n, _ := notify.EUCKRLen(text91); n != 91 {
		t.Fatalf("test text is %d EUC-KR bytes, want 91", n)
	}
	long := "[예시상점] 이서연 상담원이 문의에 답변했습니다: 주문하신 상품은 내일 출고됩니다.\n이어서 대화하기: https://chat.example.com/c/1"
	tests := []struct {
		name      string
		m         notify.SMS
		path      string
		wantTitle any // nil: no title field
		sendNo    string
	}{
		{
			name: "sms", m: testSMS(),
			path: "/sms/v3.0/appKeys/app-1/sender/sms", sendNo: "15881234",
		},
		{
			name: "lms at 91 bytes",
			m:    notify.SMS{Key: "k-lms", From: "02-123-4567", To: testTo, Subject: "[예시상점] 문의 답변", Text: text91},
			path: "/sms/v3.0/appKeys/app-1/sender/mms", wantTitle: "[예시상점] 문의 답변", sendNo: "021234567",
		},
		{
			name: "lms without subject, from the config",
			m:    notify.SMS{Key: "k-lms2", To: testTo, Text: long},
			path: "/sms/v3.0/appKeys/app-1/sender/mms", wantTitle: "[예시상점] 이서연 상담원이 문의에", sendNo: "15881234",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{}
			s := newSMS(t, serve(t, rec))
			if err := s.SendSMS(context.Background(), tt.m); err != nil {
				t.Fatalf("SendSMS: %v", err)
			}
			r := rec.requests()[0]
			if r.Path != tt.path {
				t.Errorf("path %s, want %s", r.Path, tt.path)
			}
			if got := r.Header.Get("X-Secret-Key"); got != testSecretKey {
				t.Errorf("X-Secret-Key %q", got)
			}
			// NHN Cloud's SMS API v3.0 takes no idempotency key.
			for name := range r.Header {
				if strings.Contains(strings.ToLower(name), "idempotency") {
					t.Errorf("header %s sent", name)
				}
			}
			want := map[string]any{
				"body":          tt.m.Text,
				"sendNo":        tt.sendNo,
				"recipientList": []any{map[string]any{"recipientNo": testNational}},
			}
			if tt.wantTitle != nil {
				want["title"] = tt.wantTitle
			}
			if !reflect.DeepEqual(r.Body, want) {
				t.Errorf("body %v,\nwant %v", r.Body, want)
			}
			if title, ok := r.Body["title"].(string); ok {
				if n, _ := notify.EUCKRLen(title); n > notify.LMSSubjectMaxBytes {
					t.Errorf("title is %d bytes, over %d", n, notify.LMSSubjectMaxBytes)
				}
			}
		})
	}
}

// A vendor that takes an idempotency key for SMS gets it under the
// configured header.
func TestSMSIdempotencyHeader(t *testing.T) {
	rec := &recorder{}
	cfg := serve(t, rec)
	cfg.IdempotencyHeader = "X-Vendor-Idempotency"
	m := testSMS()
	if err := newSMS(t, cfg).SendSMS(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if got := rec.requests()[0].Header.Get("X-Vendor-Idempotency"); got != m.Key {
		t.Errorf("idempotency header %q, want %q", got, m.Key)
	}
}

func TestSMSWithoutSenderNumber(t *testing.T) {
	rec := &recorder{}
	cfg := serve(t, rec)
	cfg.SendNo = ""
	m := testSMS()
	m.From = ""
	err := newSMS(t, cfg).SendSMS(context.Background(), m)
	if !notify.IsPermanent(err) {
		t.Errorf("got %v, want a permanent error", err)
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent", n)
	}
}

// An outcome the tests expect of a sender's error.
type outcome struct {
	kind       string // "delivered", "permanent", "refused", "transient", "rateLimited"
	retryAfter time.Duration
	code       int // the ProviderError's code, if not zero
}

func checkOutcome(t *testing.T, err error, want outcome) {
	t.Helper()
	if err != nil {
		// Nothing personal or secret in the error: the answers below echo
		// the number and the text in their resultMessage.
		for _, s := range []string{testNational, "1012345678", testText, testSecretKey, "app-1"} {
			if strings.Contains(err.Error(), s) {
				t.Errorf("error %q holds %q", err, s)
			}
		}
	}
	permanent, refused := notify.IsPermanent(err), errors.Is(err, notify.ErrRecipientRefused)
	ra, limited := notify.RetryAfter(err)
	switch want.kind {
	case "delivered":
		if err != nil {
			t.Errorf("got %v, want nil", err)
		}
	case "permanent":
		if err == nil || !permanent || refused || limited {
			t.Errorf("got %v (permanent %v, refused %v, rate limited %v), want permanent", err, permanent, refused, limited)
		}
	case "refused":
		if err == nil || !permanent || !refused {
			t.Errorf("got %v (permanent %v, refused %v), want ErrRecipientRefused", err, permanent, refused)
		}
	case "transient":
		if err == nil || permanent || limited {
			t.Errorf("got %v (permanent %v, rate limited %v), want transient", err, permanent, limited)
		}
	case "rateLimited":
		if !limited || permanent || ra != want.retryAfter {
			t.Errorf("got %v (rate limited %v after %v, permanent %v), want rate limited after %v", err, limited, ra, permanent, want.retryAfter)
		}
	default:
		t.Fatalf("unknown outcome %q", want.kind)
	}
	if want.code != 0 {
		var pe *ProviderError
		if !errors.As(err, &pe) || pe.Code != want.code {
			t.Errorf("got %v, want a *ProviderError with code %d", err, want.code)
		}
	}
}

// answer returns a provider answering status, headers and a body whose
// header has isSuccessful and code, echoing the number and the text in its
// resultMessage, plus extra JSON fields.
func answer(status int, headers map[string]string, ok bool, code int, extra string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"header":{"isSuccessful":%v,"resultCode":%d,"resultMessage":"recipient %s, text %s"}%s}`,
			ok, code, testNational, testText, extra)
	}
}

func TestAlimTalkAnswers(t *testing.T) {
	tests := []struct {
		name string
		h    http.HandlerFunc
		want outcome
	}{
		{"success", answer(200, nil, true, 0, `,"message":{"sendResults":[{"recipientSeq":1,"resultCode":0}]}`), outcome{kind: "delivered"}},
		{"duplicate key", answer(200, nil, false, codeDuplicateRequest, ""), outcome{kind: "delivered"}},
		{"invalid recipient", answer(200, nil, false, codeInvalidNumber, ""), outcome{kind: "permanent", code: codeInvalidNumber}},
		{"template mismatch", answer(200, nil, false, codeTemplateMismatch, ""), outcome{kind: "permanent", code: codeTemplateMismatch}},
		{"template missing", answer(200, nil, false, codeTemplateMissing, ""), outcome{kind: "permanent"}},
		{"unknown refusal", answer(200, nil, false, -1234, ""), outcome{kind: "permanent"}},
		{"not a KakaoTalk user", answer(200, nil, false, codeNotKakaoUser, ""), outcome{kind: "refused", code: codeNotKakaoUser}},
		{"cannot receive", answer(200, nil, false, codeCannotSend, ""), outcome{kind: "refused"}},
		{"not a KakaoTalk user, per recipient", answer(200, nil, true, 0,
			`,"message":{"sendResults":[{"recipientSeq":1,"resultCode":3019,"resultMessage":"01012345678"}]}`),
			outcome{kind: "refused", code: codeNotKakaoUser}},
		{"system error", answer(200, nil, false, codeSystemError, ""), outcome{kind: "transient"}},
		{"unreadable 2xx", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>") }, outcome{kind: "transient"}},
		{"400", answer(400, nil, false, 4, ""), outcome{kind: "permanent", code: 4}},
		{"401", answer(401, nil, false, -1001, ""), outcome{kind: "permanent"}},
		{"404", answer(404, nil, false, 0, ""), outcome{kind: "permanent"}},
		{"422", answer(422, nil, false, 0, ""), outcome{kind: "permanent"}},
		{"429 with Retry-After 7", answer(429, map[string]string{"Retry-After": "7"}, false, 0, ""), outcome{kind: "rateLimited", retryAfter: 7 * time.Second}},
		{"429 without Retry-After", answer(429, nil, false, 0, ""), outcome{kind: "rateLimited"}},
		{"500", answer(500, nil, false, 0, ""), outcome{kind: "transient"}},
		{"502 without a body", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(502) }, outcome{kind: "transient"}},
		{"503", answer(503, map[string]string{"Retry-After": "3"}, false, 0, ""), outcome{kind: "transient"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newAlimTalk(t, serve(t, tt.h))
			checkOutcome(t, s.SendAlimTalk(context.Background(), testAlimTalk()), tt.want)
		})
	}
}

func TestSMSAnswers(t *testing.T) {
	perRecipient := func(code int) string {
		return fmt.Sprintf(`,"body":{"data":{"requestId":"r","sendResultList":[{"recipientNo":"01012345678","resultCode":%d}]}}`, code)
	}
	tests := []struct {
		name string
		h    http.HandlerFunc
		want outcome
	}{
		{"success", answer(200, nil, true, 0, perRecipient(0)), outcome{kind: "delivered"}},
		{"recipient refused per recipient", answer(200, nil, true, 0, perRecipient(4)), outcome{kind: "permanent", code: 4}},
		{"parameter validation", answer(200, nil, false, 4, ""), outcome{kind: "permanent"}},
		{"system error", answer(200, nil, false, codeSystemError, ""), outcome{kind: "transient"}},
		{"400", answer(400, nil, false, 0, ""), outcome{kind: "permanent"}},
		{"429 with Retry-After 7", answer(429, map[string]string{"Retry-After": "7"}, false, 0, ""), outcome{kind: "rateLimited", retryAfter: 7 * time.Second}},
		{"500", answer(500, nil, false, 0, ""), outcome{kind: "transient"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSMS(t, serve(t, tt.h))
			checkOutcome(t, s.SendSMS(context.Background(), testSMS()), tt.want)
		})
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 11, 24, 22, 5, 0, 0, time.UTC)
	h := answer(429, map[string]string{"Retry-After": now.Add(30 * time.Second).Format(http.TimeFormat)}, false, 0, "")
	s := newSMS(t, serve(t, h))
	s.c.now = func() time.Time { return now }
	checkOutcome(t, s.SendSMS(context.Background(), testSMS()), outcome{kind: "rateLimited", retryAfter: 30 * time.Second})
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 24, 22, 5, 0, 0, time.UTC)
	for h, want := range map[string]time.Duration{
		"":                     0,
		"7":                    7 * time.Second,
		" 12 ":                 12 * time.Second,
		"0":                    0,
		"-3":                   0,
		"soon":                 0,
		"1.5":                  0,
		"99999999999999999999": maxRetryAfter,
		"9999999999":           maxRetryAfter,
		now.Add(90 * time.Second).Format(http.TimeFormat): 90 * time.Second,
		now.Add(-time.Minute).Format(http.TimeFormat):     0,
		now.Add(48 * time.Hour).Format(http.TimeFormat):   maxRetryAfter,
		now.Add(time.Minute).Format(time.RFC850):          time.Minute,
	} {
		if got := retryAfter(h, now); got != want {
			t.Errorf("retryAfter(%q) = %v, want %v", h, got, want)
		}
	}
}

func TestHangingProviderAndDeadline(t *testing.T) {
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	cfg := serve(t, h)
	t.Cleanup(func() { close(release) }) // before the server closes
	alimTalk, sms := newAlimTalk(t, cfg), newSMS(t, cfg)
	for name, send := range map[string]func(context.Context) error{
		"alimtalk": func(ctx context.Context) error { return alimTalk.SendAlimTalk(ctx, testAlimTalk()) },
		"sms":      func(ctx context.Context) error { return sms.SendSMS(ctx, testSMS()) },
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
			defer cancel()
			start := time.Now()
			err := send(ctx)
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("returned after %v", elapsed)
			}
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Errorf("got %v, want an error wrapping context.DeadlineExceeded", err)
			}
			if notify.IsPermanent(err) {
				t.Errorf("a deadline is permanent: %v", err)
			}
		})
	}
}

func TestDoneContextSendsNothing(t *testing.T) {
	var calls atomic.Int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1) })
	cfg := serve(t, h)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := newAlimTalk(t, cfg).SendAlimTalk(ctx, testAlimTalk()); !errors.Is(err, context.Canceled) {
		t.Errorf("alimtalk: got %v, want context.Canceled", err)
	}
	if err := newSMS(t, cfg).SendSMS(ctx, testSMS()); !errors.Is(err, context.Canceled) {
		t.Errorf("sms: got %v, want context.Canceled", err)
	}
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests sent under a done context", n)
	}
}

func TestNetworkErrorIsTransient(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	cfg := Config{BaseURL: url, AppKey: testAppKey, SecretKey: testSecretKey, SenderKey: "k", SendNo: "15881234"}
	checkOutcome(t, newAlimTalk(t, cfg).SendAlimTalk(context.Background(), testAlimTalk()), outcome{kind: "transient"})
	checkOutcome(t, newSMS(t, cfg).SendSMS(context.Background(), testSMS()), outcome{kind: "transient"})
}

func TestRecipients(t *testing.T) {
	rec := &recorder{}
	cfg := serve(t, rec)
	alimTalk, sms := newAlimTalk(t, cfg), newSMS(t, cfg)
	for _, to := range []string{"+14155550123", "01012345678", "+82010", "+8210-1234-5678", "+82101234567890", ""} {
		a := testAlimTalk()
		a.To = to
		s := testSMS()
		s.To = to
		for _, err := range []error{alimTalk.SendAlimTalk(context.Background(), a), sms.SendSMS(context.Background(), s)} {
			if !notify.IsPermanent(err) || !errors.Is(err, ErrUnsupportedRecipient) {
				t.Errorf("%q: got %v, want permanent ErrUnsupportedRecipient", to, err)
			}
			if to != "" && strings.Contains(err.Error(), to) {
				t.Errorf("error %q holds the number", err)
			}
		}
	}
	if n := len(rec.requests()); n != 0 {
		t.Errorf("%d requests sent for unsupported recipients", n)
	}
	for e164, want := range map[string]string{
		"+821012345678": "01012345678",
		"+82212345678":  "0212345678",
		"+8221234567":   "021234567",
	} {
		if got, err := nationalKR(e164); err != nil || got != want {
			t.Errorf("nationalKR(%q) = %q, %v; want %q", e164, got, err, want)
		}
	}
}

func TestConfig(t *testing.T) {
	ok := Config{BaseURL: "https://provider.example", AppKey: "a", SecretKey: "s"}
	for name, mutate := range map[string]func(*Config){
		"no base URL":   func(c *Config) { c.BaseURL = "" },
		"not http":      func(c *Config) { c.BaseURL = "ftp://provider.example" },
		"no host":       func(c *Config) { c.BaseURL = "https://" },
		"not a URL":     func(c *Config) { c.BaseURL = "://x" },
		"no app key":    func(c *Config) { c.AppKey = "" },
		"no secret key": func(c *Config) { c.SecretKey = "" },
	} {
		c := ok
		mutate(&c)
		if _, err := NewAlimTalkSender(c); err == nil {
			t.Errorf("%s: NewAlimTalkSender accepted it", name)
		}
		if _, err := NewSMSSender(c); err == nil {
			t.Errorf("%s: NewSMSSender accepted it", name)
		}
	}
	s, err := NewSMSSender(ok)
	if err != nil {
		t.Fatal(err)
	}
	if s.c.http == nil || s.c.http.Timeout <= 0 {
		t.Error("a nil HTTPClient gets no client with a timeout")
	}
	if s.c.idemHeader != "" {
		t.Errorf("SMS idempotency header %q, want none", s.c.idemHeader)
	}
	a, err := NewAlimTalkSender(ok)
	if err != nil {
		t.Fatal(err)
	}
	if a.c.idemHeader != "X-NC-API-IDEMPOTENCY-KEY" {
		t.Errorf("AlimTalk idempotency header %q", a.c.idemHeader)
	}
}

func TestTitleOf(t *testing.T) {
	for text, want := range map[string]string{
		"짧은 제목\n본문":             "짧은 제목",
		"  공백  \n본문":            "공백",
		strings.Repeat("가", 30): strings.Repeat("가", 20),
		strings.Repeat("a", 50): strings.Repeat("a", 40),
	} {
		if got := titleOf(text); got != want {
			t.Errorf("titleOf(%q) = %q, want %q", text, got, want)
		}
	}
}

// The library's conformance suite, against the fake provider.
func TestConformance(t *testing.T) {
	const invalid = "+821099999999"
	const blocking = "+821077777777"
	provider := newFakeProvider(testAppKey, testSecretKey)
	provider.withInvalid("01099999999")
	// The provider never answers a request for the blocking number: the
	// sender must give up when its context ends.
	cfg := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return
		}
		if bytes.Contains(body, []byte("01077777777")) {
			<-r.Context().Done()
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		provider.ServeHTTP(w, r)
	}))
	var n atomic.Int64
	key := func() string { return fmt.Sprintf("conformance-%d", n.Add(1)) }

	if err := notifytest.CheckSMSSender(newSMS(t, cfg), notifytest.Conformance[notify.SMS]{
		Valid: func() notify.SMS { m := testSMS(); m.Key = key(); return m },
		InvalidRecipient: func() notify.SMS {
			m := testSMS()
			m.Key, m.To = key(), invalid
			return m
		},
		Blocking: func() notify.SMS {
			m := testSMS()
			m.Key, m.To = key(), blocking
			return m
		},
	}); err != nil {
		t.Errorf("SMSSender:\n%v", err)
	}
	if err := notifytest.CheckAlimTalkSender(newAlimTalk(t, cfg), notifytest.Conformance[notify.AlimTalk]{
		Valid: func() notify.AlimTalk { m := testAlimTalk(); m.Key = key(); return m },
		InvalidRecipient: func() notify.AlimTalk {
			m := testAlimTalk()
			m.Key, m.To = key(), invalid
			return m
		},
		Blocking: func() notify.AlimTalk {
			m := testAlimTalk()
			m.Key, m.To = key(), blocking
			return m
		},
	}); err != nil {
		t.Errorf("AlimTalkSender:\n%v", err)
	}
}

// The fake provider drops a repeated AlimTalk (-1005), and the sender
// takes that as delivered: the first request went through.
func TestRepeatedAlimTalkIsDelivered(t *testing.T) {
	provider := newFakeProvider(testAppKey, testSecretKey)
	s := newAlimTalk(t, serve(t, provider))
	for i := range 2 {
		if err := s.SendAlimTalk(context.Background(), testAlimTalk()); err != nil {
			t.Fatalf("send %d: %v", i+1, err)
		}
	}
	xs := provider.Exchanges()
	if len(xs) != 2 || xs[0].Code != 0 || xs[1].Code != codeDuplicateRequest {
		t.Errorf("exchanges %+v, want accepted then duplicate", xs)
	}
}

// Through the dispatcher: a refused AlimTalk goes out as its substitute, and
// an invalid number fails both without a retry.
func TestDispatch(t *testing.T) {
	provider := newFakeProvider(testAppKey, testSecretKey)
	provider.withoutKakaoTalk(testNational)
	provider.withInvalid("01099999999")
	cfg := serve(t, provider)
	d := &notify.Dispatcher{Senders: notify.Senders{AlimTalk: newAlimTalk(t, cfg), SMS: newSMS(t, cfg)}}

	m := testAlimTalk()
	m.Substitute = &notify.SMS{Key: "chat-1/1/sms", To: testTo, Text: testText}
	e, _ := d.Dispatch(context.Background(), notify.Batch{AlimTalk: &m}).Entry(notify.ChannelAlimTalk)
	if e.Outcome != notify.DeliveredBySubstitute || len(e.Attempts) != 2 {
		t.Errorf("refused AlimTalk: %v after %d attempts, err %v; want deliveredBySubstitute after 2", e.Outcome, len(e.Attempts), e.Err)
	}

	m.Key, m.To = "chat-2/1/alimtalk", "+821099999999"
	m.Substitute = &notify.SMS{Key: "chat-2/1/sms", To: m.To, Text: testText}
	e, _ = d.Dispatch(context.Background(), notify.Batch{AlimTalk: &m}).Entry(notify.ChannelAlimTalk)
	if e.Outcome != notify.Failed || len(e.Attempts) != 2 || !notify.IsPermanent(e.Err) {
		t.Errorf("invalid number: %v after %d attempts, err %v; want failed after 2, permanent", e.Outcome, len(e.Attempts), e.Err)
	}
}

// NHN Cloud's SMS API takes no idempotency key: the fake sends a repeated
// SMS again, as the provider does.
func TestRepeatedSMSGoesTwice(t *testing.T) {
	p := newFakeProvider(testAppKey, testSecretKey)
	s := newSMS(t, serve(t, p))
	for range 2 {
		if err := s.SendSMS(context.Background(), testSMS()); err != nil {
			t.Fatal(err)
		}
	}
	if ds := p.Deliveries(); len(ds) != 2 {
		t.Errorf("deliveries %+v, want the SMS twice", ds)
	}
}

// The fake provider reads a request as NHN Cloud's guides list its fields:
// one it does not document, such as FriendTalk's buttons in an AlimTalk
// recipient, is refused.
func TestFakeProviderRefusesUndocumentedFields(t *testing.T) {
	p := newFakeProvider(testAppKey, testSecretKey)
	cfg := serve(t, p)
	post := func(path, body string) exchange {
		t.Helper()
		req, err := http.NewRequest(http.MethodPost, cfg.BaseURL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Secret-Key", testSecretKey)
		resp, err := cfg.HTTPClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		xs := p.Exchanges()
		return xs[len(xs)-1]
	}
	params := `"templateParameter":{"customer":"고객","workspace":"w","reply":"r","link":"https://l"}`
	for name, tt := range map[string]struct {
		path, body string
		ok         bool
	}{
		"alimtalk": {"/alimtalk/v2.1/appkeys/app-1/messages",
			`{"senderKey":"k","templateCode":"FOLLOWUP_REPLY","recipientList":[{"recipientNo":"01011112222",` + params + `,"resendParameter":{"isResend":false}}]}`, true},
		"alimtalk with buttons": {"/alimtalk/v2.1/appkeys/app-1/messages",
			`{"senderKey":"k","templateCode":"FOLLOWUP_REPLY","recipientList":[{"recipientNo":"01011112222",` + params +
				`,"buttons":[{"ordering":1,"type":"WL","name":"열기","linkMo":"https://l"}]}]}`, false},
		"alimtalk with content": {"/alimtalk/v2.1/appkeys/app-1/messages",
			`{"senderKey":"k","templateCode":"FOLLOWUP_REPLY","recipientList":[{"recipientNo":"01011112222",` + params + `,"content":"text"}]}`, false},
		"sms": {"/sms/v3.0/appKeys/app-1/sender/sms",
			`{"body":"b","sendNo":"15881234","recipientList":[{"recipientNo":"01011112222"}]}`, true},
		"sms with a key field": {"/sms/v3.0/appKeys/app-1/sender/sms",
			`{"body":"b","sendNo":"15881234","idempotencyKey":"k","recipientList":[{"recipientNo":"01011112222"}]}`, false},
	} {
		x := post(tt.path, tt.body)
		if ok := x.Status == http.StatusOK && x.Code == 0; ok != tt.ok {
			t.Errorf("%s: HTTP %d, code %d (%s); want accepted %v", name, x.Status, x.Code, x.Note, tt.ok)
		}
	}
}

// engineFor returns an engine with the settings and options of the story
// and the senders, and a conversation with a reply the customer has not
// seen, due now.
func engineFor(t *testing.T, senders notify.Senders, id, phone string) (*followup.Engine, followup.Conversation, followup.Plan) {
	t.Helper()
	s := followup.Settings{
		AskPhone: true, Region: "KR", Locale: "ko",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: fakeTemplate},
	}
	a := followup.Account{HasPaymentMethod: true}
	e, err := followup.NewEngine(s, a, senders, followup.Options{
		Workspace: "예시상점",
		Link:      func(c followup.Conversation) string { return "https://chat.example.com/c/" + c.ID },
	})
	if err != nil {
		t.Fatal(err)
	}
	c, err := awayCustomer(s, a, id, phone)
	if err != nil {
		t.Fatal(err)
	}
	p := e.Plan(c.Unseen[0].At, c)
	if p.Reason != followup.Due {
		t.Fatalf("plan %v, want due", p.Reason)
	}
	return e, c, p
}

// What keeps a job run twice from texting twice is Engine.Deliver's check
// of the stored records: with them, the second run sends nothing; without
// them, the provider, which takes no SMS idempotency key, sends the LMS
// again.
func TestDeliverAgainSendsNothing(t *testing.T) {
	p := newFakeProvider(testAppKey, testSecretKey)
	p.withoutKakaoTalk(testNational)
	cfg := serve(t, p)
	e, c, plan := engineFor(t, notify.Senders{AlimTalk: newAlimTalk(t, cfg), SMS: newSMS(t, cfg)}, "chat-1", "010-1234-5678")
	res, err := e.Deliver(context.Background(), plan.SendAt, plan, c)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(p.Deliveries()); n != 1 {
		t.Fatalf("%d messages after the first run, want 1", n)
	}

	stored := c
	stored.FollowUps = append(stored.FollowUps, res.Records...)
	again, err := e.Deliver(context.Background(), plan.SendAt.Add(time.Minute), plan, stored)
	if err != nil {
		t.Fatal(err)
	}
	if again.Status != followup.Cancelled || again.Plan.Reason != followup.AlreadyFollowedUp {
		t.Errorf("second run: %v (%v), want cancelled (alreadyFollowedUp)", again.Status, again.Plan.Reason)
	}
	if n := len(p.Deliveries()); n != 1 {
		t.Errorf("%d messages after the second run with the records stored, want 1", n)
	}

	// A host that lost the records: the provider does not save it.
	if _, err := e.Deliver(context.Background(), plan.SendAt.Add(time.Minute), plan, c); err != nil {
		t.Fatal(err)
	}
	if ds := p.Deliveries(); len(ds) != 2 || ds[1].Kind != "lms" {
		t.Errorf("messages %+v after a run without the records, want the LMS twice", ds)
	}
}

// A customer without KakaoTalk gets the substitute exactly once, whether
// the dispatcher sends it through the SMS sender (the provider's resend off)
// or a host without an SMS sender has the provider send it
// (Config.ProviderSubstitute).
func TestSubstituteOnceInEachMode(t *testing.T) {
	for _, mode := range []struct {
		name     string
		senders  func(cfg Config) notify.Senders
		resend   bool   // the provider's resend on in the request
		kind     string // of the message the customer gets
		outcome  notify.Outcome
		requests int
	}{
		{
			name: "dispatcher's substitute",
			senders: func(cfg Config) notify.Senders {
				return notify.Senders{AlimTalk: newAlimTalk(t, cfg), SMS: newSMS(t, cfg)}
			},
			kind: "lms", outcome: notify.DeliveredBySubstitute, requests: 2,
		},
		{
			name: "provider's substitute",
			senders: func(cfg Config) notify.Senders {
				cfg.ProviderSubstitute = true
				return notify.Senders{AlimTalk: newAlimTalk(t, cfg)}
			},
			resend: true, kind: "resent lms", outcome: notify.Delivered, requests: 1,
		},
	} {
		t.Run(mode.name, func(t *testing.T) {
			p := newFakeProvider(testAppKey, testSecretKey)
			p.withoutKakaoTalk(testNational)
			e, c, plan := engineFor(t, mode.senders(serve(t, p)), "chat-1", "010-1234-5678")
			res, err := e.Deliver(context.Background(), plan.SendAt, plan, c)
			if err != nil {
				t.Fatal(err)
			}
			entry, _ := res.Report.Entry(notify.ChannelAlimTalk)
			if entry.Outcome != mode.outcome {
				t.Errorf("AlimTalk %v, err %v; want %v", entry.Outcome, entry.Err, mode.outcome)
			}
			xs := p.Exchanges()
			if len(xs) != mode.requests {
				t.Errorf("%d requests, want %d", len(xs), mode.requests)
			}
			rp := xs[0].AlimTalk.RecipientList[0].ResendParameter
			if rp == nil || rp.IsResend != mode.resend {
				t.Errorf("resendParameter %+v, want isResend %v", rp, mode.resend)
			}
			ds := p.Deliveries()
			if len(ds) != 1 || ds[0].Kind != mode.kind || ds[0].To != testNational {
				t.Fatalf("messages %+v, want one %s", ds, mode.kind)
			}
			if want := c.Unseen[0].Text; !strings.Contains(ds[0].Text, want) {
				t.Errorf("the substitute lacks the reply")
			}
		})
	}
}

func TestRun(t *testing.T) {
	var out strings.Builder
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for _, want := range []string{
		"POST /alimtalk/v2.1/appkeys/demo-app-key/messages",
		"X-NC-API-IDEMPOTENCY-KEY: fu-",
		"templateCode FOLLOWUP_REPLY, recipientNo 010****5678",
		"templateParameter: customer, link, reply, workspace",
		"link https://chat.example.com/c/chat-1042",
		"resendParameter.isResend: false",
		"result code 3019: not a KakaoTalk user",
		"permanent: true, recipient refused: true",
		"POST /sms/v3.0/appKeys/demo-app-key/sender/mms",
		"no idempotency key",
		`title "[예시상점] 문의 답변 안내"`,
		"alimtalk: deliveredBySubstitute via sms, 2 attempt(s)",
		"attempt 2 on sms: delivered",
		"Report.Err(): <nil>",
		"Engine.Deliver: cancelled (alreadyFollowedUp). Requests the provider received since: 0.",
		"Messages that reached the customer: 1 (lms).",
		"Options.RetryWindow off",
		"recipientNo 010****5432",
		"resendParameter.isResend: true, resendType LMS, resendSendNo 15881234",
		"alimtalk: delivered via alimtalk, 1 attempt(s)",
		"Messages that reached the customer: 1 (resent lms).",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
	for _, raw := range []string{"01012345678", "+821012345678", "1012345678", "01098765432", "1098765432"} {
		if strings.Contains(got, raw) {
			t.Errorf("output holds the raw number %q", raw)
		}
	}
	// Deterministic: a second run prints the same.
	var again strings.Builder
	if err := run(&again); err != nil {
		t.Fatal(err)
	}
	if again.String() != got {
		t.Error("two runs printed different stories")
	}
}
