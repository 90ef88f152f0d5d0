package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
)

// fakeProvider plays NHN Cloud's KakaoTalk Bizmessage (AlimTalk API v2.1)
// and SMS (API v3.0) APIs, for the demo and the tests. It checks the app key
// and the secret key, and reads each request body as the field lists of
// NHN Cloud's API guides have it, refusing a field they do not document (a
// real provider may ignore one; a sender that needs it relies on what the
// provider never promised). It knows a few templates, refuses the numbers
// it is told to, drops an AlimTalk whose idempotency key it accepted before
// (NHN Cloud's -1005), and sends a repeated SMS again, since NHN Cloud's SMS
// API takes no idempotency key. It records every exchange, and every message
// that reached a customer. It is safe for concurrent use.
//
// It reports a recipient without KakaoTalk at once, in the answer to the
// send request, where NHN Cloud reports it later, in the delivery results.
type fakeProvider struct {
	appKey, secretKey string
	templates         map[string][]string // template code → its variables, body and buttons
	mux               *http.ServeMux

	mu          sync.Mutex
	exchanges   []exchange
	deliveries  []delivery
	alimTalkKey map[string]bool // idempotency keys of accepted AlimTalk requests
	noKakao     map[string]bool // national numbers without KakaoTalk
	invalid     map[string]bool // national numbers that do not exist
}

// nhnIdempotencyHeader is the header NHN Cloud's AlimTalk API takes a
// request's idempotency key in. The fake spells it out rather than trust
// the sender's constant.
const nhnIdempotencyHeader = "X-NC-API-IDEMPOTENCY-KEY"

// An exchange is one request the fake provider received, and its answer.
type exchange struct {
	Path           string
	IdempotencyKey string           // the AlimTalk header's; the SMS API has none
	AlimTalk       *nhnAlimTalkBody // for an AlimTalk request that could be read
	SMS            *nhnSMSBody      // for an SMS request that could be read
	Status, Code   int              // HTTP status and result code answered
	Note           string           // what the provider made of it
}

// A delivery is a message that reached a customer's phone.
type delivery struct {
	To   string // national number
	Kind string // "alimtalk", "sms" or "lms"; "resent sms" or "resent lms" for the provider's substitute
	Text string // the text, for SMS and LMS
}

// nhnAlimTalkBody is the request body of POST
// /alimtalk/v2.1/appkeys/{appkey}/messages, every field as NHN Cloud's
// AlimTalk API v2.1 guide lists it.
type nhnAlimTalkBody struct {
	SenderKey         string `json:"senderKey"`
	TemplateCode      string `json:"templateCode"`
	RequestDate       string `json:"requestDate"`
	SenderGroupingKey string `json:"senderGroupingKey"`
	CreateUser        string `json:"createUser"`
	RecipientList     []struct {
		RecipientNo          string            `json:"recipientNo"`
		TemplateParameter    map[string]string `json:"templateParameter"`
		ResendParameter      *nhnResend        `json:"resendParameter"`
		RecipientGroupingKey string            `json:"recipientGroupingKey"`
	} `json:"recipientList"`
	MessageOption *struct {
		Price        int    `json:"price"`
		CurrencyType string `json:"currencyType"`
	} `json:"messageOption"`
}

// nhnResend is an AlimTalk recipient's resendParameter.
type nhnResend struct {
	IsResend      bool   `json:"isResend"`
	ResendType    string `json:"resendType"` // "SMS" or "LMS"
	ResendTitle   string `json:"resendTitle"`
	ResendContent string `json:"resendContent"`
	ResendSendNo  string `json:"resendSendNo"`
}

// nhnSMSBody is the request body of POST
// /sms/v3.0/appKeys/{appKey}/sender/sms and /sender/mms, every field as NHN
// Cloud's SMS API v3.0 guide lists it.
type nhnSMSBody struct {
	TemplateID        string   `json:"templateId"`
	Title             string   `json:"title"` // /mms only
	Body              string   `json:"body"`
	SendNo            string   `json:"sendNo"`
	RequestDate       string   `json:"requestDate"`
	SenderGroupingKey string   `json:"senderGroupingKey"`
	AttachFileIDList  []string `json:"attachFileIdList"` // /mms only
	RecipientList     []struct {
		RecipientNo              string            `json:"recipientNo"`
		CountryCode              string            `json:"countryCode"`
		InternationalRecipientNo string            `json:"internationalRecipientNo"`
		TemplateParameter        map[string]string `json:"templateParameter"`
		RecipientGroupingKey     string            `json:"recipientGroupingKey"`
	} `json:"recipientList"`
	UserID        string `json:"userId"`
	StatsID       string `json:"statsId"`
	OriginCode    string `json:"originCode"`
	UseConversion bool   `json:"useConversion"`
}

// fakeBadField is the result code the fake gives a request or recipient it
// refuses for a field: NHN Cloud's "parameter validation failed".
const fakeBadField = 4

// fakeTemplate is the template the demo's follow-ups use: the built-in
// Korean body of followup.DefaultTemplates, whose variables the engine fills,
// with a web-link button whose URL is #{link} too.
const fakeTemplate = "FOLLOWUP_REPLY"

func newFakeProvider(appKey, secretKey string) *fakeProvider {
	p := &fakeProvider{
		appKey:      appKey,
		secretKey:   secretKey,
		templates:   map[string][]string{fakeTemplate: {"customer", "workspace", "reply", "link"}},
		mux:         http.NewServeMux(),
		alimTalkKey: make(map[string]bool),
		noKakao:     make(map[string]bool),
		invalid:     make(map[string]bool),
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

// Deliveries returns a copy of the messages that reached customers so far,
// in order.
func (p *fakeProvider) Deliveries() []delivery {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.deliveries)
}

// ServeHTTP checks the secret key, then routes the request.
func (p *fakeProvider) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Secret-Key") != p.secretKey {
		p.answer(w, exchange{Path: r.URL.Path, Status: http.StatusUnauthorized, Code: -1001, Note: "invalid secret key"}, false, nil)
		return
	}
	p.mux.ServeHTTP(w, r)
}

// decodeStrict decodes r's body into v, refusing a field v does not have
// and anything after the JSON value.
func decodeStrict(r *http.Request, v any) bool {
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(r.Body); err != nil {
		return false
	}
	dec := json.NewDecoder(&buf)
	dec.DisallowUnknownFields()
	return dec.Decode(v) == nil && !dec.More()
}

func (p *fakeProvider) alimTalk(w http.ResponseWriter, r *http.Request) {
	x := exchange{Path: r.URL.Path, IdempotencyKey: r.Header.Get(nhnIdempotencyHeader), Status: http.StatusOK}
	var req nhnAlimTalkBody
	switch {
	case r.PathValue("appKey") != p.appKey:
		x.Status, x.Code, x.Note = http.StatusNotFound, -1000, "unknown app key"
	case !decodeStrict(r, &req):
		x.Status, x.Code, x.Note = http.StatusBadRequest, fakeBadField, "malformed request or undocumented field"
	case len(req.RecipientList) != 1:
		x.Status, x.Code, x.Note = http.StatusBadRequest, fakeBadField, "one recipient expected"
	}
	if x.Status != http.StatusOK {
		p.answer(w, x, false, nil)
		return
	}
	x.AlimTalk = &req
	rcpt := req.RecipientList[0]
	params, known := p.templates[req.TemplateCode]
	resend := rcpt.ResendParameter != nil && rcpt.ResendParameter.IsResend

	p.mu.Lock()
	switch {
	case x.IdempotencyKey != "" && p.alimTalkKey[x.IdempotencyKey]:
		x.Code, x.Note = codeDuplicateRequest, "duplicate, dropped"
	case resend && !validResend(*rcpt.ResendParameter):
		x.Code, x.Note = fakeBadField, "resend without its content, type or sender number"
	case p.invalid[rcpt.RecipientNo]:
		x.Code, x.Note = codeInvalidNumber, "invalid phone number"
	case !known:
		x.Code, x.Note = codeTemplateMissing, "no such template"
	case !hasAll(rcpt.TemplateParameter, params):
		x.Code, x.Note = codeTemplateMismatch, "does not match the template"
	case p.noKakao[rcpt.RecipientNo] && resend:
		x.Code, x.Note = codeNotKakaoUser, "not a KakaoTalk user; the provider resent it as "+rcpt.ResendParameter.ResendType
		p.deliveries = append(p.deliveries, delivery{To: rcpt.RecipientNo, Kind: "resent " + strings.ToLower(rcpt.ResendParameter.ResendType), Text: rcpt.ResendParameter.ResendContent})
	case p.noKakao[rcpt.RecipientNo]:
		x.Code, x.Note = codeNotKakaoUser, "not a KakaoTalk user"
	default:
		x.Note = "accepted"
		if x.IdempotencyKey != "" {
			p.alimTalkKey[x.IdempotencyKey] = true
		}
		p.deliveries = append(p.deliveries, delivery{To: rcpt.RecipientNo, Kind: "alimtalk"})
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

// validResend reports whether a resend that is on says what to send: a
// type, a text, a sender number, and a title for an LMS. NHN Cloud fills
// some of them in itself (the template's text, the console's number); the
// fake asks for all, since the sender always has them.
func validResend(r nhnResend) bool {
	switch {
	case r.ResendContent == "" || r.ResendSendNo == "" || !allDigits(r.ResendSendNo):
		return false
	case r.ResendType == "SMS":
		return r.ResendTitle == ""
	case r.ResendType == "LMS":
		return r.ResendTitle != ""
	}
	return false
}

func (p *fakeProvider) sms(w http.ResponseWriter, r *http.Request) {
	x := exchange{Path: r.URL.Path, Status: http.StatusOK}
	var req nhnSMSBody
	kind := r.PathValue("kind")
	switch {
	case r.PathValue("appKey") != p.appKey || (kind != "sms" && kind != "mms"):
		x.Status, x.Code, x.Note = http.StatusNotFound, -9998, "no such API"
	case !decodeStrict(r, &req):
		x.Status, x.Code, x.Note = http.StatusBadRequest, fakeBadField, "malformed request or undocumented field"
	case len(req.RecipientList) != 1:
		x.Status, x.Code, x.Note = http.StatusBadRequest, fakeBadField, "one recipient expected"
	}
	if x.Status != http.StatusOK {
		p.answer(w, x, false, nil)
		return
	}
	x.SMS = &req
	rcpt := req.RecipientList[0]
	if req.Body == "" || req.SendNo == "" || (kind == "mms" && req.Title == "") || (kind == "sms" && req.Title != "") {
		x.Code, x.Note = fakeBadField, "a required field is empty, or a title for an SMS"
		p.answer(w, x, false, nil)
		return
	}

	// No idempotency key: a repeated request is a message of its own.
	p.mu.Lock()
	rcptCode := 0
	if p.invalid[rcpt.RecipientNo] {
		rcptCode = fakeBadField
		x.Note = "invalid phone number"
	} else {
		x.Note = "accepted"
		d := delivery{To: rcpt.RecipientNo, Kind: "sms", Text: req.Body}
		if kind == "mms" {
			d.Kind = "lms"
		}
		p.deliveries = append(p.deliveries, d)
	}
	x.Code = rcptCode
	p.mu.Unlock()

	// The request went through; the per-recipient result says whether the
	// number was taken.
	p.answer(w, x, true, map[string]any{"body": map[string]any{"data": map[string]any{
		"requestId": "fake-request",
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
