package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"sync"
)

// fakeProvider plays NHN Cloud's KakaoTalk Bizmessage and SMS APIs, for the
// demo and the tests: it checks the app key and the secret key, knows a few
// templates, refuses the numbers it is told to, and drops a request whose
// idempotency key it accepted before. It records every exchange. It is safe
// for concurrent use.
type fakeProvider struct {
	appKey, secretKey string
	templates         map[string][]string // template code → its parameters
	mux               *http.ServeMux

	mu        sync.Mutex
	exchanges []exchange
	accepted  map[string]bool // idempotency keys of accepted requests
	noKakao   map[string]bool // national numbers without KakaoTalk
	invalid   map[string]bool // national numbers that do not exist
}

// An exchange is one request the fake provider received, and its answer.
type exchange struct {
	Path           string
	IdempotencyKey string
	AlimTalk       *alimTalkRequest // for an AlimTalk request
	SMS            *smsRequest      // for an SMS request
	Status, Code   int              // HTTP status and result code answered
	Note           string           // what the provider made of it
}

// fakeSMSBadField is the result code the fake gives a recipient or field it
// refuses in an SMS request: NHN Cloud's "parameter validation failed".
const fakeSMSBadField = 4

func newFakeProvider(appKey, secretKey string) *fakeProvider {
	p := &fakeProvider{
		appKey:    appKey,
		secretKey: secretKey,
		templates: map[string][]string{"FOLLOWUP_REPLY": {"workspace", "agent", "reply"}},
		mux:       http.NewServeMux(),
		accepted:  make(map[string]bool),
		noKakao:   make(map[string]bool),
		invalid:   make(map[string]bool),
	}
	p.mux.HandleFunc("POST /alimtalk/v2.1/appkeys/{appKey}/messages", p.alimTalk)
	p.mux.HandleFunc("POST /sms/v3.0/appKeys/{appKey}/sender/{kind}", p.sms)
	return p
}

// withoutKakaoTalk makes the provider report the national numbers as not
// KakaoTalk users.
func (p *fakeProvider) withoutKakaoTalk(numbers ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range numbers {
		p.noKakao[n] = true
	}
}

// withInvalid makes the provider refuse the national numbers as invalid.
func (p *fakeProvider) withInvalid(numbers ...string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, n := range numbers {
		p.invalid[n] = true
	}
}

// Exchanges returns a copy of the exchanges so far, in order.
func (p *fakeProvider) Exchanges() []exchange {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.exchanges)
}

// ServeHTTP checks the secret key, then routes the request.
func (p *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Secret-Key") != p.secretKey {
		p.answer(w, exchange{Path: r.URL.Path, Status: http.StatusUnauthorized, Code: -1001, Note: "invalid secret key"}, false, nil)
		return
	}
	p.mux.ServeHTTP(w, r)
}

func (p *fakeProvider) alimTalk(w http.ResponseWriter, r *http.Request) {
	x := exchange{Path: r.URL.Path, IdempotencyKey: r.Header.Get(DefaultIdempotencyHeader), Status: http.StatusOK}
	var req alimTalkRequest
	switch {
	case r.PathValue("appKey") != p.appKey:
		x.Status, x.Code, x.Note = http.StatusNotFound, -1000, "unknown app key"
	case json.NewDecoder(r.Body).Decode(&req) != nil || len(req.RecipientList) != 1:
		x.Status, x.Code, x.Note = http.StatusBadRequest, 4, "malformed request"
	}
	if x.Status != http.StatusOK {
		p.answer(w, x, false, nil)
		return
	}
	x.AlimTalk = &req
	rcpt := req.RecipientList[0]
	params, known := p.templates[req.TemplateCode]

	p.mu.Lock()
	switch {
	case x.IdempotencyKey != "" && p.accepted[x.IdempotencyKey]:
		x.Code, x.Note = codeDuplicateRequest, "duplicate, dropped"
	case p.invalid[rcpt.RecipientNo]:
		x.Code, x.Note = codeInvalidNumber, "invalid phone number"
	case !known:
		x.Code, x.Note = codeTemplateMissing, "no such template"
	case !hasAll(rcpt.TemplateParameter, params):
		x.Code, x.Note = codeTemplateMismatch, "does not match the template"
	case p.noKakao[rcpt.RecipientNo]:
		x.Code, x.Note = codeNotKakaoUser, "not a KakaoTalk user"
	default:
		x.Note = "accepted"
		if x.IdempotencyKey != "" {
			p.accepted[x.IdempotencyKey] = true
		}
	}
	p.mu.Unlock()

	if x.Code != 0 {
		p.answer(w, x, false, nil)
		return
	}
	p.answer(w, x, true, map[string]any{"message": map[string]any{
		"requestId":   "fake-" + x.IdempotencyKey,
		"sendResults": []map[string]any{{"recipientSeq": 1, "resultCode": 0, "resultMessage": "SUCCESS"}},
	}})
}

func (p *fakeProvider) sms(w http.ResponseWriter, r *http.Request) {
	x := exchange{Path: r.URL.Path, IdempotencyKey: r.Header.Get(DefaultIdempotencyHeader), Status: http.StatusOK}
	var req smsRequest
	kind := r.PathValue("kind")
	switch {
	case r.PathValue("appKey") != p.appKey || (kind != "sms" && kind != "mms"):
		x.Status, x.Code, x.Note = http.StatusNotFound, -9998, "no such API"
	case json.NewDecoder(r.Body).Decode(&req) != nil || len(req.RecipientList) != 1:
		x.Status, x.Code, x.Note = http.StatusBadRequest, fakeSMSBadField, "malformed request"
	}
	if x.Status != http.StatusOK {
		p.answer(w, x, false, nil)
		return
	}
	x.SMS = &req
	rcpt := req.RecipientList[0]
	if req.Body == "" || req.SendNo == "" || (kind == "mms" && req.Title == "") {
		x.Code, x.Note = fakeSMSBadField, "a required field is empty"
		p.answer(w, x, false, nil)
		return
	}

	p.mu.Lock()
	rcptCode := 0
	switch {
	case x.IdempotencyKey != "" && p.accepted[x.IdempotencyKey]:
		// NHN Cloud's SMS API has no "duplicate" code in this example:
		// the fake answers as before and sends nothing again.
		x.Note = "duplicate, dropped"
	case p.invalid[rcpt.RecipientNo]:
		rcptCode = fakeSMSBadField
		x.Note = "invalid phone number"
	default:
		x.Note = "accepted"
		if x.IdempotencyKey != "" {
			p.accepted[x.IdempotencyKey] = true
		}
	}
	x.Code = rcptCode
	p.mu.Unlock()

	// The request went through; the per-recipient result says whether the
	// number was taken.
	p.answer(w, x, true, map[string]any{"body": map[string]any{"data": map[string]any{
		"requestId": "fake-" + x.IdempotencyKey,
		"sendResultList": []map[string]any{{
			"recipientSeq": 1, "resultCode": rcptCode, "resultMessage": x.Note,
		}},
	}}})
}

// answer records x and writes the provider's JSON envelope: a header with
// isSuccessful and x's result code (when the request failed as a whole),
// and extra fields beside it.
func (p *fakeProvider) answer(w http.ResponseWriter, x exchange, ok bool, extra map[string]any) {
	p.mu.Lock()
	p.exchanges = append(p.exchanges, x)
	p.mu.Unlock()

	code := 0
	if !ok {
		code = x.Code
	}
	msg := "SUCCESS"
	if !ok {
		msg = x.Note
	}
	out := map[string]any{"header": map[string]any{"isSuccessful": ok, "resultCode": code, "resultMessage": msg}}
	for k, v := range extra {
		out[k] = v
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(x.Status)
	_ = json.NewEncoder(w).Encode(out)
}

// hasAll reports whether params has a value for every name.
func hasAll(params map[string]string, names []string) bool {
	for _, n := range names {
		if params[n] == "" {
			return false
		}
	}
	return true
}
