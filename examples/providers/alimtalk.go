package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/followup-go/followup/notify"
)

// Result codes of the KakaoTalk Bizmessage API that the AlimTalk sender acts
// on. The negative ones are NHN Cloud's own (its "Error Code" page); the
// four-digit ones are Kakao's delivery codes, which NHN Cloud passes on.
// Check them against your vendor's current tables: this is an example.
const (
	codeDuplicateRequest = -1005 // the idempotency key was used in the last 10 minutes
	codeTemplateMissing  = -3003 // no such template
	codeSystemError      = -9999 // the provider's unexpected error
	codeInvalidNumber    = 3008  // Kakao: invalid phone number
	codeTemplateNotFound = 3015  // Kakao: template not found
	codeTemplateMismatch = 3016  // Kakao: the message does not match the template
	codeCannotSend       = 3018  // Kakao: cannot send to this user (blocked the channel, ...)
	codeNotKakaoUser     = 3019  // Kakao: not a KakaoTalk user
)

// alimTalkCode says what an AlimTalk result code means. A code it does not
// know is permanent: the provider looked at the request and refused it, and
// the same request would be refused again.
func alimTalkCode(code int) (verdict, string) {
	switch code {
	case 0:
		return accepted, ""
	case codeDuplicateRequest:
		// The provider already has a request under this key from the last
		// 10 minutes. The dispatcher retries only after a transient
		// failure, such as a timeout the provider answered too late: the
		// first request went through, and saying so keeps the substitute
		// from going out as well.
		return accepted, "duplicate request"
	case codeNotKakaoUser:
		return refused, "recipient is not a KakaoTalk user"
	case codeCannotSend:
		return refused, "recipient cannot receive AlimTalk"
	case codeInvalidNumber:
		return permanent, "recipient rejected"
	case codeTemplateMissing, codeTemplateNotFound:
		return permanent, "template not found"
	case codeTemplateMismatch:
		return permanent, "message does not match the template"
	case codeSystemError:
		return transient, "provider error"
	}
	return permanent, "request refused"
}

// An AlimTalkSender sends AlimTalk messages through an HTTP API in the shape
// of NHN Cloud's KakaoTalk Bizmessage API v2.1: one request per message,
// the template's variables filled in by the provider. It implements
// [notify.AlimTalkSender] and is safe for concurrent use.
//
// The provider's own resend (대체발송) is always off: the dispatcher sends
// the AlimTalk's substitute SMS itself, through the [SMSSender], only when
// the AlimTalk certainly did not go through. Were the provider's on as well,
// one follow-up could reach the customer as two text messages.
//
// A recipient without KakaoTalk, or one who blocked the channel, is
// [notify.ErrRecipientRefused], so the substitute goes out. Note that NHN
// Cloud usually learns this from Kakao only after it accepted the request,
// and reports it in the delivery results, not in the answer to the send
// request. A host that needs the substitute for those recipients too polls
// the delivery results (or takes NHN Cloud's result webhook) and dispatches
// the substitute then; the fake provider of this example answers at once to
// keep the story short.
type AlimTalkSender struct {
	c         *client
	senderKey string
}

// NewAlimTalkSender returns a sender for cfg. It refuses a Config without
// BaseURL, AppKey or SecretKey.
func NewAlimTalkSender(cfg Config) (*AlimTalkSender, error) {
	c, err := newClient("alimtalk", cfg, alimTalkCode)
	if err != nil {
		return nil, err
	}
	return &AlimTalkSender{c: c, senderKey: cfg.SenderKey}, nil
}

// The request body of POST /alimtalk/v2.1/appkeys/{appKey}/messages.
type alimTalkRequest struct {
	SenderKey     string              `json:"senderKey"`
	TemplateCode  string              `json:"templateCode"`
	RecipientList []alimTalkRecipient `json:"recipientList"`
}

type alimTalkRecipient struct {
	RecipientNo       string            `json:"recipientNo"`
	TemplateParameter map[string]string `json:"templateParameter,omitempty"`
	Buttons           []alimTalkButton  `json:"buttons,omitempty"`
	ResendParameter   resendParameter   `json:"resendParameter"`
}

type alimTalkButton struct {
	Ordering int    `json:"ordering"`
	Type     string `json:"type"` // "WL": web link
	Name     string `json:"name"`
	LinkMo   string `json:"linkMo"`
	LinkPc   string `json:"linkPc,omitempty"`
}

// resendParameter turns the provider's own substitute sending on or off.
type resendParameter struct {
	IsResend bool `json:"isResend"`
}

// SendAlimTalk sends m, and returns nil once the provider accepted it. It
// sends m.Key as the idempotency key, m.Variables as the template
// parameters (the provider fills the template; m.Text is not sent), and
// m.Buttons as web-link buttons. It ignores m.Substitute: the dispatcher
// sends it. It does not modify m.
//
// Errors: a recipient without KakaoTalk or who blocked the channel wraps
// [notify.ErrRecipientRefused]; an invalid or non-Korean recipient, a
// template mismatch, a missing sender key and HTTP 400, 401, 403, 404, 413
// and 422 are [notify.Permanent]; HTTP 429 is [notify.RateLimited] with the
// Retry-After; 5xx, network errors and timeouts are transient. A done ctx
// returns an error wrapping ctx.Err().
func (s *AlimTalkSender) SendAlimTalk(ctx context.Context, m notify.AlimTalk) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nhn alimtalk: %w", err)
	}
	to, err := nationalKR(m.To)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nhn alimtalk: recipient rejected: %w", err))
	}
	senderKey := m.SenderKey
	if senderKey == "" {
		senderKey = s.senderKey
	}
	if senderKey == "" {
		return notify.Permanent(errors.New("nhn alimtalk: no sender key: set Config.SenderKey or AlimTalk.SenderKey"))
	}
	rcpt := alimTalkRecipient{
		RecipientNo: to,
		// The map is only read, by json.Marshal.
		TemplateParameter: m.Variables,
		// The dispatcher does substitute sending; the provider must not.
		ResendParameter: resendParameter{IsResend: false},
	}
	if len(m.Buttons) > 0 {
		rcpt.Buttons = make([]alimTalkButton, len(m.Buttons))
		for i, b := range m.Buttons {
			pc := b.PCURL
			if pc == "" {
				pc = b.MobileURL
			}
			rcpt.Buttons[i] = alimTalkButton{Ordering: i + 1, Type: "WL", Name: b.Name, LinkMo: b.MobileURL, LinkPc: pc}
		}
	}
	body := alimTalkRequest{SenderKey: senderKey, TemplateCode: m.TemplateCode, RecipientList: []alimTalkRecipient{rcpt}}
	return s.c.post(ctx, "/alimtalk/v2.1/appkeys/"+s.c.appKey+"/messages", m.Key, body)
}
