package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/followup-go/followup/notify"
)

// smsCode says what a result code of the SMS API means: NHN Cloud's system
// error (-9999) is transient, and any other failure permanent, since the
// provider looked at the request and refused it. A failing per-recipient
// result is how NHN Cloud refuses a recipient's number.
func smsCode(code int) (verdict, string) {
	switch code {
	case 0:
		return accepted, ""
	case codeSystemError:
		return transient, "provider error"
	}
	return permanent, "request refused"
}

// An SMSSender sends SMS and LMS messages through an HTTP API in the shape of
// NHN Cloud's SMS API v3.0: an SMS (up to [notify.SMSMaxBytes] EUC-KR bytes)
// to /sms/v3.0/appKeys/{appKey}/sender/sms, an LMS to .../sender/mms with a
// title. It implements [notify.SMSSender] and is safe for concurrent use.
//
// NHN Cloud's SMS API takes no idempotency key (its only header is
// X-Secret-Key): a request sent twice is two messages, and two charges. So
// the sender sends a message's Key only under [Config.IdempotencyHeader],
// for a vendor that documents one. With NHN Cloud, what keeps a job that
// runs twice from texting the customer twice is the host's records:
// Engine.Deliver sends no step already in Conversation.FollowUps, so the
// host stores each Result's Records before the job can run again. And leave
// followup.Options.RetryWindow off, which is only for providers that drop a
// repeated key: with it, a text that failed transiently (and so may have
// gone) is sent again. For the same reason the dispatcher's own retries of
// a transient failure (notify.Options.MaxAttempts) can send an SMS twice
// when the provider took the first try but its answer was lost, such as a
// timeout after the request went; a host that would rather lose such a
// text than send it twice sets followup.Options.Dispatch.MaxAttempts to 1.
type SMSSender struct {
	c      *client
	sendNo string
}

// NewSMSSender returns a sender for cfg. It refuses a Config without
// BaseURL, AppKey or SecretKey.
func NewSMSSender(cfg Config) (*SMSSender, error) {
	c, err := newClient("sms", cfg, "", smsCode)
	if err != nil {
		return nil, err
	}
	return &SMSSender{c: c, sendNo: cfg.SendNo}, nil
}

// The request body of POST /sms/v3.0/appKeys/{appKey}/sender/sms and
// /sender/mms.
type smsRequest struct {
	Title         string         `json:"title,omitempty"` // LMS only
	Body          string         `json:"body"`
	SendNo        string         `json:"sendNo"`
	RecipientList []smsRecipient `json:"recipientList"`
}

type smsRecipient struct {
	RecipientNo string `json:"recipientNo"`
}

// SendSMS sends m, and returns nil once the provider accepted it. It chooses
// SMS or LMS by [notify.SMS.Kind], drops m.Subject for an SMS, and for an
// LMS without a subject takes the text's first line, cut to
// [notify.LMSSubjectMaxBytes], as the title. The sender number is m.From,
// or Config.SendNo when m.From is empty. It sends m.Key only when
// Config.IdempotencyHeader names a header. It does not modify m.
//
// Errors: an invalid or non-Korean recipient, a text over
// [notify.LMSMaxBytes], a missing sender number and HTTP 400, 401, 403,
// 404, 413 and 422 are [notify.Permanent]; HTTP 429 is [notify.RateLimited]
// with the Retry-After; 5xx, network errors and timeouts are transient. A
// done ctx returns an error wrapping ctx.Err().
func (s *SMSSender) SendSMS(ctx context.Context, m notify.SMS) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nhn sms: %w", err)
	}
	to, err := nationalKR(m.To)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nhn sms: recipient rejected: %w", err))
	}
	kind, err := m.Kind()
	if err != nil {
		return notify.Permanent(fmt.Errorf("nhn sms: %w", err))
	}
	from := m.From
	if from == "" {
		from = s.sendNo
	}
	from = strings.ReplaceAll(from, "-", "")
	if from == "" || !allDigits(from) {
		return notify.Permanent(errors.New("nhn sms: no valid sender number: set Config.SendNo or SMS.From"))
	}
	body := smsRequest{Body: m.Text, SendNo: from, RecipientList: []smsRecipient{{RecipientNo: to}}}
	path := "/sms/v3.0/appKeys/" + s.c.appKey + "/sender/sms"
	if kind == notify.KindLMS {
		path = "/sms/v3.0/appKeys/" + s.c.appKey + "/sender/mms"
		body.Title = m.Subject
		if body.Title == "" {
			body.Title = titleOf(m.Text)
		}
	}
	return s.c.post(ctx, path, m.Key, body)
}

// titleOf returns text's first line, trimmed and cut to at most
// [notify.LMSSubjectMaxBytes] EUC-KR bytes: at the last space that fits, or
// at a character boundary when no space does.
func titleOf(text string) string {
	line, _, _ := strings.Cut(text, "\n")
	line = strings.TrimSpace(line)
	n := 0
	for i, r := range line {
		w, _ := notify.EUCKRLen(string(r))
		if n+w > notify.LMSSubjectMaxBytes {
			cut := line[:i]
			if sp := strings.LastIndexByte(cut, ' '); sp > 0 {
				cut = cut[:sp]
			}
			return strings.TrimSpace(cut)
		}
		n += w
	}
	return line
}
