package followup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/notify/notifytest"
	"github.com/followup-go/followup/policy"
)

// The customer's answers, good and bad, and every form the good ones take
// once parsed. None of these may appear in a log record, an error string, a
// report or a printed value.
const (
	rawName      = "김민지"
	rawPhone     = "010-9876-5432"
	rawEmail     = "MinJi.Kim@Example.COM"
	badName      = "김민지 https://evil.example"
	badPhone     = "010-9876-54"
	badLandline  = "02-3456-7890"
	badEmail     = "minji.kim@@example.com"
	foreignPhone = "+81 90-8765-4321"
)

var personalData = []string{
	rawName, rawPhone, rawEmail, badName, badPhone, badLandline, badEmail, foreignPhone,
	"+821098765432", "01098765432", "1098765432", "9876-5432", "98765432", // the mobile
	"+8223456789", "023456789", "3456-7890", // the landline
	"+819087654321", "9087654321", "8765-4321", // the foreign number
	"minji.kim@example.com", "minji.kim", "MinJi.Kim", "minji.kim@@", // the email
	"evil.example",
}

// TestNoPersonalDataLeaks runs the whole flow, from the settings through
// intake (good and bad answers), the gate, planning and delivery through
// senders that fail, rate-limit, panic with the customer's data in the panic
// value, hang past their deadline and hang ignoring their context, and
// refusals by the guards. It captures every log record (the dispatcher's, at
// debug level, and a host's own records of the values it holds) with a JSON
// and a text handler, and prints every error, result, report and value with
// %v, %+v, %#v, %s and %q, and as JSON where the host did not ask for the
// real values. Then it searches all of it for the raw answers and their
// E.164, national and lower-cased forms.
//
// What the senders received is not searched: it must hold the real values.
// The JSON forms of Contact, ContactInput, Phone and Conversation are not
// either: they keep the real values for storage, by design.
func TestNoPersonalDataLeaks(t *testing.T) {
	var logs captureHandler
	logger := slog.New(&logs)
	var out []string
	show := func(what string, v any) {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out = append(out, what+" "+verb+": "+fmt.Sprintf(verb, v))
		}
		if err, ok := v.(error); ok && err != nil {
			out = append(out, what+" Error(): "+err.Error())
			for e := range allErrors(err) {
				out = append(out, what+" wraps: "+e.Error())
			}
		}
	}
	showJSON := func(what string, v any) {
		show(what, v)
		b, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: json: %v", what, err)
		}
		out = append(out, what+" json: "+string(b))
	}

	// 1. The settings.
	settings := followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true,
		Gate:   policy.Gate{Mode: policy.GateAlways},
		Region: "KR", Locale: "ko",
		Text: followup.TextOptions{SenderNumber: "1588-1234", AlimTalkTemplate: "FOLLOWUP_01"},
	}
	show("settings without payment", settings.Validate(followup.Account{}))
	account := followup.Account{HasPaymentMethod: true}
	if err := settings.Validate(account); err != nil {
		t.Fatal(err)
	}

	// 2. Intake: every bad answer, alone and together, then the good ones.
	for _, p := range []string{badPhone, badLandline, foreignPhone, rawEmail} {
		ph, err := followup.ParsePhone(p, "KR")
		show("ParsePhone", err)
		if err == nil {
			show("TextError", ph.TextError())
		}
	}
	_, err := followup.ParseEmail(badEmail)
	show("ParseEmail", err)
	_, err = followup.ParseName(badName)
	show("ParseName", err)
	bad := followup.ContactInput{Name: badName, Phone: badLandline, Email: badEmail, At: t0, Inquiry: "chat-7"}
	_, err = settings.ParseContact(bad, account)
	var ve *followup.ValidationError
	if !errors.As(err, &ve) || len(ve.Errors) != 3 {
		t.Fatalf("bad answers: %v, want three refused fields", err)
	}
	showJSON("ParseContact(bad)", err)
	for _, fe := range ve.Errors {
		for _, lang := range []string{"ko", "en", "ja"} {
			out = append(out, "message "+lang+": "+fe.Message(lang))
		}
	}
	logger.Warn("intake refused", "input", bad, "err", err)
	in := followup.ContactInput{Name: rawName, Phone: rawPhone, Email: rawEmail, At: t0, Inquiry: "chat-7"}
	contact, err := settings.ParseContact(in, account)
	if err != nil {
		t.Fatal(err)
	}
	show("input", in)
	show("contact", contact)
	show("phone", contact.Phone)
	showJSON("masked contact", contact.Masked())
	logger.Info("intake", "input", in, "contact", contact, "phone", contact.Phone)

	// 3. The gate.
	show("reachable", settings.Reachable(contact, account))
	show("admit", settings.Admit(t0, contact, account))
	show("leave", settings.Leave(t0, false, contact, account))

	// 4. Planning and delivery through faulty senders.
	fakes, senders := notifytest.NewSenders()
	engine, err := followup.NewEngine(settings, account, senders, followup.Options{
		Workspace: "Acme",
		Link:      func(c followup.Conversation) string { return "https://chat.example/c/" + c.ID },
		Dispatch: notify.Options{
			Logger:         logger,
			MaxAttempts:    2,
			AttemptTimeout: 20 * time.Millisecond,
			Grace:          10 * time.Millisecond,
			Wait:           func(ctx context.Context, d time.Duration) error { return ctx.Err() },
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	conversation := func(id string) followup.Conversation {
		return followup.Conversation{
			ID: id, CustomerWrote: true, Contact: contact, Locale: "ko",
			Unseen:   []followup.Reply{{ID: "r1", Author: "상담원 이서연", Text: rawName + "님, 내일 출고됩니다. 문의: " + rawPhone, At: t0}},
			Earlier:  []followup.Message{{FromCustomer: true, Author: rawName, Text: "제 번호는 " + rawPhone + ", 메일은 " + rawEmail, At: t0}},
			Presence: followup.Presence{LastActive: t0.Add(-time.Minute), Since: t0.Add(-time.Minute)},
		}
	}
	deliver := func(what string, c followup.Conversation) followup.Result {
		t.Helper()
		at := t0.Add(3 * time.Minute)
		p := engine.Plan(at, c)
		show(what+" conversation", c)
		showJSON(what+" plan", p)
		logger.Info("planned", "conversation", c, "plan", p)
		res, err := engine.Deliver(context.Background(), at, p, c)
		show(what+" deliver error", err)
		showJSON(what+" result", res)
		show(what+" report error", res.Report.Err())
		for _, e := range res.Report.Entries {
			show(what+" entry", e.Err)
			for _, a := range e.Attempts {
				show(what+" attempt", a.Err)
			}
		}
		for _, r := range res.Refused {
			show(what+" refusal", r.Err)
		}
		logger.Info("delivered", "conversation", c, "status", res.Status, "err", res.Report.Err(), "result", res)
		return res
	}

	// The AlimTalk vendor panics with the customer's data in the panic
	// value, its SMS substitute keeps failing, the mail service rate-limits.
	fakes.AlimTalk.Panic(fmt.Sprintf("no KakaoTalk user %s (%s, %s)", contact.Phone.E164, rawName, rawEmail))
	fakes.SMS.FailAlways(errors.New("gateway unavailable"))
	fakes.Email.FailAlways(notify.RateLimited(errors.New("quota exceeded"), time.Second))
	res := deliver("failing", conversation("chat-7"))
	wantFailed(t, res, notify.ChannelAlimTalk, is(notify.ErrSenderPanicked))
	wantFailed(t, res, notify.ChannelEmail, notify.IsRateLimited)

	// A panic whose value is an error holding the data, and the contact
	// itself as a panic value.
	fakes.AlimTalk.Panic(fmt.Errorf("bad recipient %s", rawPhone))
	fakes.Email.Panic(contact)
	res = deliver("panicking", conversation("chat-8"))
	wantFailed(t, res, notify.ChannelEmail, is(notify.ErrSenderPanicked))

	// The AlimTalk vendor hangs ignoring its context, the mail service
	// hangs past its deadline.
	fakes.AlimTalk.Reset()
	release := fakes.AlimTalk.HangIgnoringContext()
	defer release()
	fakes.Email.Hang()
	res = deliver("hanging", conversation("chat-9"))
	wantFailed(t, res, notify.ChannelAlimTalk, is(notify.ErrAbandoned))
	wantFailed(t, res, notify.ChannelEmail, is(context.DeadlineExceeded))
	release()

	// The guards hold back or refuse: the recipient's cap (with an opt-out
	// of email), a foreign number, a contact collected for marketing without
	// consent.
	fakes.AlimTalk.Reset()
	fakes.Email.Reset()
	c := conversation("chat-10")
	c.OptOuts = []notify.Channel{notify.ChannelEmail}
	for i := range 5 {
		c.Texts.ToRecipient = append(c.Texts.ToRecipient, t0.Add(-time.Duration(i+1)*time.Hour))
	}
	res = deliver("capped", c)
	if res.Status != followup.Deferred || !errors.Is(res.DeferredBy, policy.ErrRecipientCapReached) {
		t.Errorf("capped and opted out of email: %v, deferred by %v", res.Status, res.DeferredBy)
	}
	c = conversation("chat-11")
	foreign, err := followup.ParsePhone(foreignPhone, "KR")
	if err != nil {
		t.Fatal(err)
	}
	c.Contact.Phone = foreign
	c.Contact.Purpose = policy.PurposeMarketing
	res = deliver("foreign", c)
	if res.Status != followup.Refused {
		t.Errorf("foreign marketing contact: status %v, want refused", res.Status)
	}

	// Everything works: the messages the senders received print masked too.
	fakes.SMS.Reset()
	res = deliver("delivered", conversation("chat-12"))
	if !res.Report.Delivered(notify.ChannelAlimTalk) || !res.Report.Delivered(notify.ChannelEmail) {
		t.Errorf("delivered: %v", res.Report.Entries)
	}
	for _, m := range fakes.AlimTalk.Sent() {
		show("alimtalk message", m)
	}
	for _, m := range fakes.SMS.Sent() {
		show("sms message", m)
	}
	for _, m := range fakes.Email.Sent() {
		show("email message", m)
	}

	// 5. Rendering: the data and the content print masked, and a host's
	// template that fails on the customer's name, or whose function panics
	// or fails with it, gives an error that does not quote it.
	rd := followup.RenderData{Workspace: "Acme", CustomerName: rawName, Link: "https://chat.example/c/" + rawEmail,
		Replies: conversation("chat-13").Unseen, Earlier: conversation("chat-13").Earlier}
	content, err := new(followup.Renderer).Render("ko", "ko", rd)
	if err != nil {
		t.Fatal(err)
	}
	show("render data", rd)
	show("content", content)
	logger.Info("rendered", "data", rd, "content", content)
	funcs := texttemplate.FuncMap{
		"boom": func(s string) string { panic("no such customer: " + s) },
		"fail": func(s string) (string, error) { return "", errors.New("refused " + s) },
	}
	for _, src := range []string{
		`{{range .CustomerName}}{{end}}`,
		`{{index .CustomerName 99}}`,
		`{{boom .CustomerName}}`,
		`{{fail .Link}}`,
		`{{template "x" .}}{{define "x"}}{{.CustomerName.Missing}}{{end}}`,
	} {
		tm := texttemplate.Must(texttemplate.New("sms").Funcs(funcs).Parse(src))
		r, err := followup.NewRenderer(map[string]followup.Templates{"ko": {SMS: tm}})
		if err != nil {
			t.Fatal(err)
		}
		_, err = r.Render("ko", "ko", rd)
		var ee texttemplate.ExecError
		if !errors.As(err, &ee) {
			t.Errorf("template %s: error %v does not give the template's own error", src, err)
		}
		if err != nil && !strings.Contains(err.Error(), `"sms"`) && !strings.Contains(err.Error(), `"x"`) {
			t.Errorf("template %s: error %q does not name the template that failed", src, err)
		}
		// Not show: what it wraps is the template's own error, which the
		// host asks for explicitly.
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			out = append(out, "render error "+verb+": "+fmt.Sprintf(verb, err))
		}
	}

	// 6. Names of enumerations parsed from a customer's request.
	show("Field.UnmarshalText", new(followup.Field).UnmarshalText([]byte(rawPhone)))
	show("PhoneType.UnmarshalText", new(followup.PhoneType).UnmarshalText([]byte(rawEmail)))

	// The search: everything printed and logged, folded to lower case so a
	// value changed in case is found as well.
	records := logs.String()
	if !strings.Contains(records, "attempt") || !strings.Contains(records, "+82******5432") {
		t.Fatalf("the dispatcher logged no attempts with masked recipients; records:\n%s", records)
	}
	haystacks := append(out, strings.Split(records, "\n")...)
	for _, h := range haystacks {
		lower := strings.ToLower(h)
		for _, pd := range personalData {
			if strings.Contains(lower, strings.ToLower(pd)) {
				t.Errorf("%q appears in:\n%s", pd, h)
			}
		}
	}
	t.Logf("searched %d printed values and %d log lines", len(out), strings.Count(records, "\n"))
}

// wantFailed checks that the channel failed with an error that matches.
func wantFailed(t *testing.T, res followup.Result, c notify.Channel, match func(error) bool) {
	t.Helper()
	e, ok := res.Report.Entry(c)
	if !ok || e.Outcome != notify.Failed || !match(e.Err) {
		t.Errorf("%v: entry %+v (present %v), not failed with the expected error", c, e, ok)
	}
}

// is matches errors that are target, as errors.Is sees it.
func is(target error) func(error) bool {
	return func(err error) bool { return errors.Is(err, target) }
}

// allErrors yields every error err wraps, depth first.
func allErrors(err error) func(func(error) bool) {
	return func(yield func(error) bool) {
		var walk func(error) bool
		walk = func(e error) bool {
			if e == nil {
				return true
			}
			if !yield(e) {
				return false
			}
			switch u := e.(type) {
			case interface{ Unwrap() error }:
				return walk(u.Unwrap())
			case interface{ Unwrap() []error }:
				for _, e := range u.Unwrap() {
					if !walk(e) {
						return false
					}
				}
			}
			return true
		}
		walk(err)
	}
}

// captureHandler is a slog.Handler at debug level that renders every record
// with both the JSON and the text handler, which format values differently
// (JSON marshals structs, text prints them with fmt).
type captureHandler struct {
	mu   sync.Mutex
	buf  bytes.Buffer
	json slog.Handler
	text slog.Handler
}

func (h *captureHandler) handlers() (slog.Handler, slog.Handler) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.json == nil {
		opts := &slog.HandlerOptions{Level: slog.LevelDebug}
		h.json = slog.NewJSONHandler(lockedWriter{h}, opts)
		h.text = slog.NewTextHandler(lockedWriter{h}, opts)
	}
	return h.json, h.text
}

func (h *captureHandler) Enabled(context.Context, slog.Level) bool { return true }

func (h *captureHandler) Handle(ctx context.Context, r slog.Record) error {
	j, x := h.handlers()
	return errors.Join(j.Handle(ctx, r), x.Handle(ctx, r))
}

func (h *captureHandler) WithAttrs(as []slog.Attr) slog.Handler {
	j, x := h.handlers()
	return derived{j.WithAttrs(as), x.WithAttrs(as)}
}

func (h *captureHandler) WithGroup(name string) slog.Handler {
	j, x := h.handlers()
	return derived{j.WithGroup(name), x.WithGroup(name)}
}

func (h *captureHandler) String() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.buf.String()
}

// lockedWriter appends to the capture's buffer under its lock.
type lockedWriter struct{ h *captureHandler }

func (w lockedWriter) Write(p []byte) (int, error) {
	w.h.mu.Lock()
	defer w.h.mu.Unlock()
	return w.h.buf.Write(p)
}

// derived is the pair of handlers after WithAttrs or WithGroup.
type derived [2]slog.Handler

func (d derived) Enabled(context.Context, slog.Level) bool { return true }
func (d derived) Handle(ctx context.Context, r slog.Record) error {
	return errors.Join(d[0].Handle(ctx, r), d[1].Handle(ctx, r))
}
func (d derived) WithAttrs(as []slog.Attr) slog.Handler {
	return derived{d[0].WithAttrs(as), d[1].WithAttrs(as)}
}
func (d derived) WithGroup(name string) slog.Handler {
	return derived{d[0].WithGroup(name), d[1].WithGroup(name)}
}
