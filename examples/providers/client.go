package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/followup-go/followup/notify"
)

// Config configures an [AlimTalkSender] or an [SMSSender]. NHN Cloud gives
// each of its services (KakaoTalk Bizmessage, SMS) its own app key and secret
// key, so a host builds one Config per sender.
type Config struct {
	// BaseURL is the root of the provider's API, scheme and host, such as
	// the address the vendor's console shows. Required: nothing in this
	// example points at a real vendor host by itself.
	BaseURL string
	// AppKey identifies the provider project; it goes in the request path.
	// Required.
	AppKey string
	// SecretKey authenticates every request, in the X-Secret-Key header.
	// Required.
	SecretKey string
	// SenderKey is the Kakao sender profile key an AlimTalk goes out under
	// when the message carries none. The SMS sender ignores it.
	SenderKey string
	// SendNo is the registered caller number an SMS goes out from when the
	// message has no From, as digits with or without hyphens. The AlimTalk
	// sender uses it only with ProviderSubstitute, for a substitute
	// without a From.
	SendNo string
	// HTTPClient makes the requests. Nil means a client of its own with a
	// 10-second timeout, a backstop for callers whose context has no
	// deadline.
	HTTPClient *http.Client
	// IdempotencyHeader names the header that carries the message's Key, so
	// the provider drops a repeated request. Empty means the service's own:
	// [DefaultIdempotencyHeader] for the AlimTalk sender, and none for the
	// SMS sender, since NHN Cloud's SMS API v3.0 takes no idempotency key.
	// Set it for a vendor that documents another header, or one for SMS.
	IdempotencyHeader string
	// ProviderSubstitute turns on the provider's own substitute sending
	// (resendParameter.isResend) in the AlimTalk sender's requests, with the
	// text of the message's Substitute: for a host with no SMS sender in
	// notify.Senders, whose dispatcher cannot send the substitute itself.
	// Leave it off when the host has an SMS sender: the dispatcher then
	// sends the substitute, and with both on a customer could get two
	// texts. The SMS sender ignores it. See [AlimTalkSender].
	ProviderSubstitute bool
	// LinkVariable names the template variable that the approved AlimTalk
	// template's button URL is made of, such as "link" for a button whose
	// URL is #{link}: the AlimTalk sender sends the first button's
	// MobileURL under that name, unless the message's Variables already
	// have a value for it. Empty means none: the buttons' URLs come from
	// the template and from the message's Variables alone, as with the
	// built-in template, whose body and button both use #{link}. The SMS
	// sender ignores it.
	LinkVariable string
}

// DefaultIdempotencyHeader is the header that carries an AlimTalk's Key when
// [Config.IdempotencyHeader] is empty: NHN Cloud's, which its KakaoTalk
// Bizmessage API documents (AlimTalk API v2.1), answering result code -1005
// to a key it saw in the last 10 minutes. The SMS sender sends no key unless
// Config.IdempotencyHeader names a header.
const DefaultIdempotencyHeader = "X-NC-API-IDEMPOTENCY-KEY"

// defaultTimeout bounds a request of the client built when
// [Config.HTTPClient] is nil.
const defaultTimeout = 10 * time.Second

// maxResponseBytes is how much of a response the senders read.
const maxResponseBytes = 1 << 20

// maxRetryAfter caps a provider's Retry-After, so a wild value cannot park a
// message for days.
const maxRetryAfter = 24 * time.Hour

// ErrUnsupportedRecipient: the recipient is not a Korean number in E.164
// form ("+821012345678"). NHN Cloud takes Korean numbers in national form,
// and this example handles no others. The senders return it marked
// [notify.Permanent].
var ErrUnsupportedRecipient = errors.New("nhn: only Korean numbers in E.164 form (+82...) are supported")

// A ProviderError is an answer of the provider that was not "accepted": an
// HTTP status other than 2xx, or a 2xx whose result code says the request
// failed. The senders return it as it is (transient), marked
// [notify.Permanent], wrapped with [notify.ErrRecipientRefused], or inside a
// [notify.RateLimited] error. It never holds the recipient or the message
// text, and not the provider's own result message either, which may echo
// them.
type ProviderError struct {
	// Service is "alimtalk" or "sms".
	Service string
	// Status is the HTTP status code.
	Status int
	// Code is the provider's result code; zero when the answer had none.
	Code int
	// Reason says what the sender made of the answer.
	Reason string
}

// Error describes the answer: the service, the HTTP status, the result code
// and the reason.
func (e *ProviderError) Error() string {
	var b strings.Builder
	b.WriteString("nhn ")
	b.WriteString(e.Service)
	b.WriteString(": HTTP ")
	b.WriteString(strconv.Itoa(e.Status))
	if e.Code != 0 {
		b.WriteString(", result code ")
		b.WriteString(strconv.Itoa(e.Code))
	}
	if e.Reason != "" {
		b.WriteString(": ")
		b.WriteString(e.Reason)
	}
	return b.String()
}

// verdict is what a result code means for the message.
type verdict uint8

const (
	accepted  verdict = iota + 1 // the provider took the message
	refused                      // the recipient cannot or will not take it: notify.ErrRecipientRefused
	permanent                    // retrying cannot fix it: notify.Permanent
	transient                    // retrying may: a plain error
)

// A classifier says what a result code of a service means, and why.
type classifier func(code int) (verdict, string)

// client is what both senders share: the configuration and one POST with
// its classification.
type client struct {
	service    string // "alimtalk" or "sms", for errors
	base       string // BaseURL without a trailing slash
	appKey     string // path-escaped
	secretKey  string
	idemHeader string // empty: the key is not sent
	http       *http.Client
	classify   classifier
	now        func() time.Time // for Retry-After dates; tests set it
}

// newClient checks cfg and returns the client of service, sending keys under
// cfg.IdempotencyHeader, or defaultIdem when that is empty.
func newClient(service string, cfg Config, defaultIdem string, classify classifier) (*client, error) {
	if cfg.BaseURL == "" {
		return nil, fmt.Errorf("nhn %s: Config.BaseURL is required", service)
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("nhn %s: Config.BaseURL must be an http or https URL with a host", service)
	}
	if cfg.AppKey == "" {
		return nil, fmt.Errorf("nhn %s: Config.AppKey is required", service)
	}
	if cfg.SecretKey == "" {
		return nil, fmt.Errorf("nhn %s: Config.SecretKey is required", service)
	}
	c := &client{
		service:    service,
		base:       strings.TrimRight(cfg.BaseURL, "/"),
		appKey:     url.PathEscape(cfg.AppKey),
		secretKey:  cfg.SecretKey,
		idemHeader: cfg.IdempotencyHeader,
		http:       cfg.HTTPClient,
		classify:   classify,
		now:        time.Now,
	}
	if c.idemHeader == "" {
		c.idemHeader = defaultIdem
	}
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	return c, nil
}

// response is the envelope of NHN Cloud's answers: a header with the
// outcome, and per-recipient results under "message" (AlimTalk) or
// "body.data" (SMS).
type response struct {
	Header struct {
		IsSuccessful bool `json:"isSuccessful"`
		ResultCode   int  `json:"resultCode"`
		// resultMessage is deliberately not decoded: it may echo the
		// recipient, and nothing here needs it.
	} `json:"header"`
	Message *struct {
		SendResults []recipientResult `json:"sendResults"`
	} `json:"message"`
	Body *struct {
		Data struct {
			SendResultList []recipientResult `json:"sendResultList"`
		} `json:"data"`
	} `json:"body"`
}

// recipientResult is the provider's outcome for one recipient.
type recipientResult struct {
	ResultCode int `json:"resultCode"`
}

// results returns the per-recipient results, whichever service answered.
func (r *response) results() []recipientResult {
	if r.Message != nil {
		return r.Message.SendResults
	}
	if r.Body != nil {
		return r.Body.Data.SendResultList
	}
	return nil
}

// post sends body as JSON to path, with the idempotency key when the client
// has a header for it, and classifies the answer: nil when the provider
// accepted the message.
func (c *client) post(ctx context.Context, path, key string, body any) error {
	// A done context sends nothing.
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("nhn %s: %w", c.service, err)
	}
	payload, err := json.Marshal(body)
	if err != nil {
		return notify.Permanent(fmt.Errorf("nhn %s: encoding the request: %w", c.service, err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(payload))
	if err != nil {
		// The error would name the URL, which holds the app key.
		return notify.Permanent(fmt.Errorf("nhn %s: building the request failed", c.service))
	}
	req.Header.Set("Content-Type", "application/json;charset=UTF-8")
	req.Header.Set("Accept", "application/json")
	req.Header.Set("X-Secret-Key", c.secretKey)
	if key != "" && c.idemHeader != "" {
		req.Header.Set(c.idemHeader, key)
	}

	resp, err := c.http.Do(req)
	if err != nil {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("nhn %s: %w", c.service, cerr)
		}
		// Network errors and the client's own timeout are transient. A
		// *url.Error names the URL, which holds the app key: keep its
		// cause only.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("nhn %s: request failed: %w", c.service, err)
	}
	defer resp.Body.Close()
	raw, rerr := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, maxResponseBytes)) // reuse the connection
	if rerr != nil {
		if cerr := ctx.Err(); cerr != nil {
			return fmt.Errorf("nhn %s: %w", c.service, cerr)
		}
		// The provider may have accepted the message: transient, so the
		// dispatcher sends no substitute. A retry is dropped as a
		// duplicate only by a provider that takes the key (see SMSSender).
		return &ProviderError{Service: c.service, Status: resp.StatusCode, Reason: "reading the answer failed"}
	}
	var r response
	decoded := json.Unmarshal(raw, &r) == nil

	perr := &ProviderError{Service: c.service, Status: resp.StatusCode}
	if decoded && !r.Header.IsSuccessful {
		perr.Code = r.Header.ResultCode
	}
	switch s := resp.StatusCode; {
	case s == http.StatusTooManyRequests:
		perr.Reason = "too many requests"
		return notify.RateLimited(perr, retryAfter(resp.Header.Get("Retry-After"), c.now()))
	case s >= 200 && s < 300:
		// Below.
	case s == http.StatusBadRequest, s == http.StatusUnauthorized, s == http.StatusForbidden,
		s == http.StatusNotFound, s == http.StatusRequestEntityTooLarge, s == http.StatusUnprocessableEntity:
		perr.Reason = "request refused"
		return notify.Permanent(perr)
	case s >= 500:
		perr.Reason = "provider error"
		return perr
	default:
		perr.Reason = "unexpected answer"
		return perr
	}

	if !decoded {
		// As for a failed read: the message may have gone through.
		perr.Reason = "unreadable answer"
		return perr
	}
	if !r.Header.IsSuccessful {
		return c.verdict(perr, r.Header.ResultCode)
	}
	// The request went through; a recipient may still have failed.
	for _, res := range r.results() {
		if res.ResultCode != 0 {
			perr.Code = res.ResultCode
			return c.verdict(perr, res.ResultCode)
		}
	}
	return nil
}

// verdict turns a failing result code into the sender's error.
func (c *client) verdict(perr *ProviderError, code int) error {
	v, reason := c.classify(code)
	perr.Reason = reason
	switch v {
	case accepted:
		return nil
	case refused:
		return fmt.Errorf("%w: %w", notify.ErrRecipientRefused, perr)
	case transient:
		return perr
	}
	return notify.Permanent(perr)
}

// retryAfter parses a Retry-After header, delay-seconds or an HTTP-date, into
// how long to wait from now: zero when it is absent, malformed or past, and
// at most maxRetryAfter.
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	var d time.Duration
	if allDigits(h) {
		n, err := strconv.ParseInt(h, 10, 64)
		if err != nil || n >= int64(maxRetryAfter/time.Second) { // too big for int64, or past the cap
			return maxRetryAfter
		}
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(h); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxRetryAfter)
}

// nationalKR turns a Korean number in E.164 form ("+821012345678") into the
// national digits NHN Cloud takes ("01012345678"). Anything else is
// [ErrUnsupportedRecipient]; the error never holds the number.
func nationalKR(e164 string) (string, error) {
	rest, ok := strings.CutPrefix(e164, "+82")
	if !ok || len(rest) < 8 || len(rest) > 10 || rest[0] == '0' || !allDigits(rest) {
		return "", ErrUnsupportedRecipient
	}
	return "0" + rest, nil
}

// allDigits reports whether s is ASCII digits only.
func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
