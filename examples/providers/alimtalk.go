package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strings"

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
// of NHN Cloud's KakaoTalk Bizmessage AlimTalk API v2.1 (POST
// /alimtalk/v2.1/appkeys/{appkey}/messages): one request per message, the
// template filled in by the provider from the template parameters. It
// implements [notify.AlimTalkSender] and is safe for concurrent use.
//
// The request carries what that API documents for a recipient: the number,
// the template parameters and the resend (substitute) settings. An
// AlimTalk's buttons, their names and their links are the approved
// template's; a link that differs per message is a template variable used in
// the button's URL (#{link}), sent as a template parameter like any other:
// from the message's Variables, or from its first button's URL under
// [Config.LinkVariable].
//
// The provider's own resend (대체발송) is off unless
// [Config.ProviderSubstitute] is set, and the request says so explicitly
// (isResend false), since NHN Cloud resends by default when the console sets
// it up. With it off, the dispatcher sends the AlimTalk's substitute SMS
// itself, through the host's SMS sender, only when the AlimTalk certainly
// did not go through; were the provider's on as well, one follow-up could
// reach the customer as two text messages. A host without an SMS sender
// turns ProviderSubstitute on: the provider then sends m.Substitute's text
// when Kakao cannot deliver the AlimTalk.
//
// A recipient without KakaoTalk, or one who blocked the channel, is
// [notify.ErrRecipientRefused], so the dispatcher sends the substitute;
// with the provider's resend on for the message, the provider sends it, and
// the sender returns nil. Note that NHN Cloud usually learns such a refusal
// from Kakao only after it accepted the request, and reports it in the
// delivery results, not in the answer to the send request (which is then a
// success). A host that needs the dispatcher's substitute for those
// recipients too polls the delivery results (or takes NHN Cloud's result
// webhook) and dispatches the substitute then; the fake provider of this
// example answers at once to keep the story short.
type AlimTalkSender struct {
	c                  *client
	senderKey          string
	sendNo             string // for a substitute without a From
	providerSubstitute bool
	linkVariable       string
}

// NewAlimTalkSender returns a sender for cfg. It refuses a Config without
// BaseURL, AppKey or SecretKey.
func NewAlimTalkSender(cfg Config) (*AlimTalkSender, error) {
	c, err := newClient("alimtalk", cfg, DefaultIdempotencyHeader, alimTalkCode)
	if err != nil {
		return nil, err
	}
	return &AlimTalkSender{
		c: c, senderKey: cfg.SenderKey, sendNo: cfg.SendNo,
		providerSubstitute: cfg.ProviderSubstitute, linkVariable: cfg.LinkVariable,
	}, nil
}

// The request body of POST /alimtalk/v2.1/appkeys/{appkey}/messages, with
// the fields this sender uses.
type alimTalkRequest struct {
	SenderKey     string              `json:"senderKey"`
	TemplateCode  string              `json:"templateCode"`
	RecipientList []alimTalkRecipient `json:"recipientList"`
}

// alimTalkRecipient is one entry of recipientList.
type alimTalkRecipient struct {
	RecipientNo       string            `json:"recipientNo"`
	TemplateParameter map[string]string `json:"templateParameter,omitempty"`
	ResendParameter   resendParameter   `json:"resendParameter"`
}

// resendParameter turns the provider's own substitute sending on or off, and
// says what to send: an SMS or LMS (resendType), its title for an LMS, its
// text and its registered sender number.
type resendParameter struct {
	IsResend      bool   `json:"isResend"`
	ResendType    string `json:"resendType,omitempty"`
	ResendTitle   string `json:"resendTitle,omitempty"`
	ResendContent string `json:"resendContent,omitempty"`
	ResendSendNo  string `json:"resendSendNo,omitempty"`
}

// SendAlimTalk sends m, and returns nil once the provider accepted it. It
// sends m.Key as the idempotency key and m.Variables as the template
// parameters (the provider fills the template; m.Text is not sent), with the
// first button's MobileURL added under [Config.LinkVariable] when that is
// set and m.Variables lacks it. The other fields of the buttons are the
// template's, and not sent. With [Config.ProviderSubstitute] and a
// substitute, it turns the provider's resend on with m.Substitute's text,
// subject (an LMS's title: its text's first line when it has none) and
// sender number (Config.SendNo when it has no From), to m's recipient;
// otherwise it turns the resend off and ignores m.Substitute, which the
// dispatcher sends. It does not modify m.
//
// Errors: a recipient without KakaoTalk or who blocked the channel wraps
// [notify.ErrRecipientRefused], unless the provider's resend was on for m
// (the provider sent the substitute: nil); an invalid or non-Korean
// recipient, a template mismatch, a missing sender key, a substitute
// without a valid sender number or over [notify.LMSMaxBytes] and HTTP 400,
// 401, 403, 404, 413 and 422 are [notify.Permanent]; HTTP 429 is
// [notify.RateLimited] with the Retry-After; 5xx, network errors and
// timeouts are transient. A done ctx returns an error wrapping ctx.Err().
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
	// Off unless asked for: the dispatcher sends the substitute.
	resend := resendParameter{IsResend: false}
	if s.providerSubstitute && m.Substitute != nil {
		if resend, err = s.resend(*m.Substitute); err != nil {
			return err
		}
	}
	rcpt := alimTalkRecipient{RecipientNo: to, TemplateParameter: s.parameters(m), ResendParameter: resend}
	body := alimTalkRequest{SenderKey: senderKey, TemplateCode: m.TemplateCode, RecipientList: []alimTalkRecipient{rcpt}}
	err = s.c.post(ctx, "/alimtalk/v2.1/appkeys/"+s.c.appKey+"/messages", m.Key, body)
	if resend.IsResend && errors.Is(err, notify.ErrRecipientRefused) {
		// Kakao refused the recipient, and the provider sent the
		// substitute in its place: the follow-up reached the customer,
		// and the dispatcher must not send another.
		return nil
	}
	return err
}

// parameters returns m's template parameters: m.Variables, with the first
// button's link under the configured link variable when m.Variables has no
// value for it. It copies m.Variables before adding to it; otherwise the
// map is only read, by json.Marshal.
func (s *AlimTalkSender) parameters(m notify.AlimTalk) map[string]string {
	name := s.linkVariable
	if name == "" || len(m.Buttons) == 0 || m.Variables[name] != "" {
		return m.Variables
	}
	params := make(map[string]string, len(m.Variables)+1)
	maps.Copy(params, m.Variables)
	params[name] = m.Buttons[0].MobileURL
	return params
}

// resend returns the resend settings that have the provider send sub when
// the AlimTalk cannot be delivered.
func (s *AlimTalkSender) resend(sub notify.SMS) (resendParameter, error) {
	kind, err := sub.Kind()
	if err != nil {
		return resendParameter{}, notify.Permanent(fmt.Errorf("nhn alimtalk: substitute: %w", err))
	}
	from := sub.From
	if from == "" {
		from = s.sendNo
	}
	from = strings.ReplaceAll(from, "-", "")
	if from == "" || !allDigits(from) {
		return resendParameter{}, notify.Permanent(errors.New("nhn alimtalk: substitute: no valid sender number: set Config.SendNo or SMS.From"))
	}
	r := resendParameter{IsResend: true, ResendType: "SMS", ResendContent: sub.Text, ResendSendNo: from}
	if kind == notify.KindLMS {
		r.ResendType = "LMS"
		r.ResendTitle = sub.Subject
		if r.ResendTitle == "" {
			r.ResendTitle = titleOf(sub.Text)
		}
	}
	return r, nil
}
