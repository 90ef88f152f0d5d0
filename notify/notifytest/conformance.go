package notifytest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followup-go/followup/notify"
)

// A Conformance says how to build the messages the suite sends.
type Conformance[M any] struct {
	// Valid returns a message the sender accepts: to a test recipient the
	// host's provider sandbox takes. Required. The suite calls it a dozen
	// times or more, some of them at once: give each message a Key of its
	// own if the provider refuses a key it has seen.
	//
	// The suite looks for the recipient in the sender's errors: a number's
	// last 8 digits, however they are grouped, and an address or its local
	// part (3 characters or more) as a word. It looks for the message's
	// texts too (subject, text, body), any 16 characters of them in a row.
	// Choose test recipients and texts that an error would not hold by
	// chance.
	Valid func() M
	// InvalidRecipient returns a message whose recipient the provider
	// refuses. Nil skips the check that such a refusal is permanent.
	InvalidRecipient func() M
	// Blocking returns a message whose send blocks until its context is
	// done, as a call to a provider that does not answer: for example one
	// to a recipient for which the host's fake endpoint (an
	// httptest.Server handler) waits for the request's context to end. The
	// suite cancels such a call shortly after it starts, and lets another
	// reach its deadline, and each must return within Timeout with the
	// context's error: a sender that looks at its context only before it
	// blocks, as one calling http.Post does, fails. The suite cannot make
	// a call block by itself, so nil skips these checks, and only contexts
	// already done when the call starts are checked. Set it.
	Blocking func() M
	// Concurrency is how many calls the concurrency check makes at once.
	// Zero means 8.
	Concurrency int
	// Timeout is how long a call may take to notice that its context is
	// done. Zero means one second. The checks of a Blocking message end
	// its context Timeout/4 after the call starts.
	Timeout time.Duration
}

// CheckSMSSender runs the conformance suite against s. It returns nil if s
// follows the rules of [notify.SMSSender], and otherwise every violation,
// joined. Run it under the race detector to check concurrent use.
func CheckSMSSender(s notify.SMSSender, c Conformance[notify.SMS]) error {
	return check(s.SendSMS, func(m notify.SMS) notify.SMS { return m }, func(m notify.SMS) (string, []string) {
		return m.To, []string{m.Subject, m.Text}
	}, c)
}

// CheckAlimTalkSender runs the conformance suite against s, as
// [CheckSMSSender] does.
func CheckAlimTalkSender(s notify.AlimTalkSender, c Conformance[notify.AlimTalk]) error {
	return check(s.SendAlimTalk, notify.AlimTalk.Clone, func(m notify.AlimTalk) (string, []string) {
		return m.To, []string{m.Text}
	}, c)
}

// CheckEmailSender runs the conformance suite against s, as
// [CheckSMSSender] does.
func CheckEmailSender(s notify.EmailSender, c Conformance[notify.Email]) error {
	return check(s.SendEmail, notify.Email.Clone, func(m notify.Email) (string, []string) {
		return m.To, []string{m.Subject, m.Text, m.HTML}
	}, c)
}

// CheckPushSender runs the conformance suite against s, as [CheckSMSSender]
// does.
func CheckPushSender(s notify.PushSender, c Conformance[notify.Push]) error {
	return check(s.SendPush, notify.Push.Clone, func(m notify.Push) (string, []string) {
		return m.To, []string{m.Title, m.Body}
	}, c)
}

// RunSMSSender runs [CheckSMSSender] as a test: each violation fails t
// with its own error, as testing/slogtest's Run does for handlers.
func RunSMSSender(t *testing.T, s notify.SMSSender, c Conformance[notify.SMS]) {
	t.Helper()
	report(t, CheckSMSSender(s, c))
}

// RunAlimTalkSender runs [CheckAlimTalkSender] as a test, as
// [RunSMSSender] does.
func RunAlimTalkSender(t *testing.T, s notify.AlimTalkSender, c Conformance[notify.AlimTalk]) {
	t.Helper()
	report(t, CheckAlimTalkSender(s, c))
}

// RunEmailSender runs [CheckEmailSender] as a test, as [RunSMSSender] does.
func RunEmailSender(t *testing.T, s notify.EmailSender, c Conformance[notify.Email]) {
	t.Helper()
	report(t, CheckEmailSender(s, c))
}

// RunPushSender runs [CheckPushSender] as a test, as [RunSMSSender] does.
func RunPushSender(t *testing.T, s notify.PushSender, c Conformance[notify.Push]) {
	t.Helper()
	report(t, CheckPushSender(s, c))
}

// report fails t once per violation joined in err.
func report(t testing.TB, err error) {
	t.Helper()
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			t.Error(e)
		}
		return
	}
	t.Error(err)
}

// check runs the suite. personal returns a message's recipient and texts,
// which the sender's errors must not hold.
func check[M any](send func(context.Context, M) error, clone func(M) M, personal func(M) (to string, texts []string), c Conformance[M]) error {
	if c.Valid == nil {
		return errors.New("notifytest: Conformance.Valid is required")
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf("notifytest: "+format, args...)) }

	// call runs send and gives up waiting after limit. It notes an error
	// that holds the message's recipient or text, and returns it with its
	// text withheld, so that the violations quoting it do not spread it.
	var leakedTo, leakedText atomic.Bool
	call := func(ctx context.Context, m M, limit time.Duration) (err error, returned bool) {
		done := make(chan error, 1)
		go func() {
			defer func() {
				if v := recover(); v != nil {
					done <- fmt.Errorf("panicked with a %T", v)
				}
			}()
			done <- readable(send(ctx, m))
		}()
		t := time.NewTimer(limit)
		defer t.Stop()
		select {
		case err := <-done:
			to, texts := personal(m)
			holdsTo, holdsText := holdsRecipient(err, to), holdsAnyText(err, texts)
			if holdsTo {
				leakedTo.Store(true)
			}
			if holdsText {
				leakedText.Store(true)
			}
			if holdsTo || holdsText {
				err = withheld{err}
			}
			return err, true
		case <-t.C:
			return nil, false
		}
	}

	// A valid message goes through, and the sender leaves it as it was.
	m := c.Valid()
	before := clone(m)
	if err, ok := call(context.Background(), m, 10*timeout); !ok {
		fail("a valid message: the sender did not return within %v", 10*timeout)
	} else if err != nil {
		fail("a valid message was refused: %v", err)
	}
	modified := !reflect.DeepEqual(before, m)
	if modified {
		fail("the sender modified the message it was given")
	}

	// ctxErr checks the error of a call whose context ended: it wraps the
	// context's error, want, and is neither a permanent failure nor a rate
	// limit, which the dispatcher reads as certain the message did not go
	// (and so sends an AlimTalk's substitute) though a call cut off may
	// have gone.
	ctxErr := func(what string, err, want error) {
		switch {
		case !errors.Is(err, want):
			fail("%s: got %v, want an error wrapping %v", what, err, want)
		case notify.IsPermanent(err) || notify.IsRateLimited(err):
			fail("%s: got a permanent failure or a rate limit (%v), want the context's error alone: a call the context cut off may have gone", what, err)
		}
	}

	// A cancelled context: return at once with its error, send nothing.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err, ok := call(ctx, c.Valid(), timeout); !ok {
		fail("a cancelled context: the sender did not return within %v", timeout)
	} else {
		ctxErr("a cancelled context", err, context.Canceled)
	}

	// A deadline that has passed.
	ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	if err, ok := call(ctx, c.Valid(), timeout); !ok {
		fail("a past deadline: the sender did not return within %v", timeout)
	} else {
		ctxErr("a past deadline", err, context.DeadlineExceeded)
	}
	cancel()

	// A context that ends while the call blocks, cancelled or past its
	// deadline: return within timeout of its end, with its error.
	delay := timeout / 4
	endMidCall := func(what string, m M, byDeadline bool) {
		var ctx context.Context
		var cancel context.CancelFunc
		want := context.Canceled
		if byDeadline {
			ctx, cancel = context.WithTimeout(context.Background(), delay)
			want = context.DeadlineExceeded
		} else {
			ctx, cancel = context.WithCancel(context.Background())
			defer time.AfterFunc(delay, cancel).Stop()
		}
		defer cancel()
		err, ok := call(ctx, m, delay+timeout)
		switch {
		case !ok:
			fail("%s: the sender did not return within %v of the context's end", what, timeout)
		case err == nil:
			fail("%s: the call succeeded; Conformance.Blocking must return a message whose send blocks until its context is done", what)
		default:
			ctxErr(what, err, want)
		}
	}
	if c.Blocking != nil {
		endMidCall("a context cancelled while the call blocks", c.Blocking(), false)
		endMidCall("a deadline passing while the call blocks", c.Blocking(), true)
	}

	// Concurrent calls.
	n := c.Concurrency
	if n <= 0 {
		n = 8
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var concErrs int
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err, ok := call(context.Background(), c.Valid(), 10*timeout); !ok || err != nil {
				mu.Lock()
				concErrs++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if concErrs > 0 {
		fail("%d of %d concurrent calls failed or hung", concErrs, n)
	}

	// An invalid recipient is a permanent failure.
	if c.InvalidRecipient != nil {
		err, ok := call(context.Background(), c.InvalidRecipient(), 10*timeout)
		switch {
		case !ok:
			fail("an invalid recipient: the sender did not return within %v", 10*timeout)
		case err == nil:
			fail("an invalid recipient was accepted")
		case !notify.IsPermanent(err):
			fail("an invalid recipient: got a transient error, want notify.Permanent: %v", err)
		}
	}

	// Nor did it change the message later, as one that keeps its maps or
	// slices and writes them once it has returned would.
	if !modified && !reflect.DeepEqual(before, m) {
		fail("the sender modified the message it was given after it returned")
	}

	// No error holds the recipient or the text: the dispatcher logs a
	// sender's errors and puts them in its report. No violation quotes
	// such an error.
	if leakedTo.Load() {
		fail("an error holds the message's recipient; keep personal data out of error strings, " +
			"since the dispatcher logs them and reports them")
	}
	if leakedText.Load() {
		fail("an error holds the message's text, which holds the customer's name and the agents' replies; " +
			"keep it out of error strings, since the dispatcher logs them and reports them")
	}
	return errors.Join(errs...)
}

// holdsRecipient reports whether err's text holds the recipient to in a form
// a reader could recover it from, ignoring case:
//
//   - a phone number: its last 8 digits (all of them if it has fewer) in a
//     run of digits that separators may break, so the national forms
//     "010-1234-5678", "01012345678" and "(010) 1234 5678" of
//     "+821012345678" count, and a masked "+82 10-****-5678" does not;
//   - an email address: the address, or its local part as a word of its
//     own if that has at least 3 characters ("no mailbox minji");
//   - anything else: to as it is.
func holdsRecipient(err error, to string) bool {
	if err == nil {
		return false
	}
	text := strings.ToLower(err.Error())
	to = strings.ToLower(strings.TrimSpace(to))
	if digits, ok := phoneDigits(to); ok {
		tail := digits[max(0, len(digits)-8):]
		for _, run := range digitRuns(text) {
			if strings.Contains(run, tail) {
				return true
			}
		}
		return false
	}
	if len(to) < 4 {
		return false
	}
	if strings.Contains(text, to) {
		return true
	}
	if at := strings.LastIndexByte(to, '@'); at >= 3 {
		return containsWord(text, to[:at])
	}
	return false
}

// phoneSeparators may group the digits of a phone number.
const phoneSeparators = " -.()+/_"

// phoneDigits returns the digits of to if it is a phone number: at least 7
// digits, grouped by phoneSeparators only.
func phoneDigits(to string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(to); i++ {
		switch c := to[i]; {
		case '0' <= c && c <= '9':
			b.WriteByte(c)
		case strings.IndexByte(phoneSeparators, c) < 0:
			return "", false
		}
	}
	return b.String(), b.Len() >= 7
}

// digitRuns returns the runs of digits of text, each with the separators
// between its digits (at most two in a row) left out.
func digitRuns(text string) []string {
	var runs []string
	var run []byte
	gap := 0
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case '0' <= c && c <= '9':
			run = append(run, c)
			gap = 0
		case len(run) > 0 && gap < 2 && strings.IndexByte(phoneSeparators, c) >= 0:
			gap++
		case len(run) > 0:
			runs = append(runs, string(run))
			run, gap = run[:0], 0
		}
	}
	if len(run) > 0 {
		runs = append(runs, string(run))
	}
	return runs
}

// containsWord reports whether text holds w with no letter, digit or '_'
// right before or after it.
func containsWord(text, w string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], w)
		if j < 0 {
			return false
		}
		start, end := i+j, i+j+len(w)
		if (start == 0 || !wordByte(text[start-1])) && (end == len(text) || !wordByte(text[end])) {
			return true
		}
		i = start + 1
	}
}

func wordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// A withheld error is a sender's error that holds the message's recipient or
// text: the violations that quote errors show this instead. errors.Is and
// errors.As still see the sender's error.
type withheld struct{ err error }

func (w withheld) Error() string {
	return "(an error holding the message's recipient or text, not shown)"
}

func (w withheld) Unwrap() error { return w.err }

// textWindow is how many characters of a message's text in a row an error
// may not hold. Texts shorter than minText are not looked for: a provider's
// error may hold a few words of them by chance.
const (
	textWindow = 16
	minText    = 8
)

// holdsAnyText reports whether err's text holds textWindow characters in a
// row of any of texts (all of a text shorter than that), ignoring case.
func holdsAnyText(err error, texts []string) bool {
	if err == nil {
		return false
	}
	msg := strings.ToLower(err.Error())
	for _, t := range texts {
		r := []rune(strings.ToLower(t))
		if len(r) < minText {
			continue
		}
		w := min(textWindow, len(r))
		for i := 0; i+w <= len(r); i++ {
			if strings.Contains(msg, string(r[i:i+w])) {
				return true
			}
		}
	}
	return false
}

// readable returns err, or, if reading it panics (a nil *T returned as an
// error, whose Error method dereferences it), an error that says so: the
// suite reads every error, and so does the dispatcher.
func readable(err error) (out error) {
	if err == nil {
		return nil
	}
	defer func() {
		if recover() != nil {
			out = fmt.Errorf("returned a %T whose methods panic (a nil pointer as a non-nil error?)", err)
		}
	}()
	_ = err.Error()
	_ = errors.Is(err, context.Canceled) // walks the chain, calling every Unwrap
	return err
}
