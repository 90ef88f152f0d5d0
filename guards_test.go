package followup_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

// Guards: rules of one line each that no other test pinned, each with a
// test of its own that fails when the line is broken.

// guardNight returns fullSettings with Korean night quiet hours read in
// Seoul, where t0 is 23:00, and when that night's quiet hours end.
func guardNight(t *testing.T) (followup.Settings, time.Time) {
	t.Helper()
	kst, err := policy.LoadZone("Asia/Seoul")
	if err != nil {
		t.Fatal(err)
	}
	s := fullSettings
	s.Text.QuietHours = policy.QuietHours{Hours: []policy.Hours{policy.KoreanNight()}}
	s.Text.TimeZone = kst
	return s, time.Date(2026, 11, 25, 8, 0, 0, 0, kst.Location())
}

// A text step recorded under either text channel counts as the text step:
// an AlimTalk that cannot be built (no link for its #{link}) goes as SMS,
// is recorded as ChannelSMS, and the follow-up is not due on AlimTalk
// again.
func TestGuardTextRecordedAsSMSCountsAsText(t *testing.T) {
	e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
		o.Link = func(followup.Conversation) string { return "" }
	})
	c := baseConversation(t)
	now := t0.Add(3 * time.Minute)
	p := e.Plan(now, c)
	if p.Channels != alimEmail {
		t.Fatalf("planned on %v, want AlimTalk and email", p.Channels)
	}
	res, err := e.Deliver(context.Background(), now, p, c)
	if err != nil || res.Status != followup.Sent {
		t.Fatalf("Deliver = %v, %v", res.Status, err)
	}
	if diff := cmp.Diff(sent{SMS: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Fatalf("sent (-want +got):\n%s", diff)
	}
	want := []followup.Record{rec(k1, notify.ChannelSMS, now, t0, true), rec(k1, notify.ChannelEmail, now, t0, true)}
	if diff := cmp.Diff(want, res.Records); diff != "" {
		t.Fatalf("records (-want +got):\n%s", diff)
	}
	c.FollowUps = append(c.FollowUps, res.Records...)
	if got := e.Plan(now.Add(time.Hour), c); got.Reason != followup.AlreadyFollowedUp {
		t.Errorf("after the SMS record: %v on %v, want alreadyFollowedUp", got.Reason, got.Channels)
	}
	// The queue runs the job again: nothing more goes.
	later := now.Add(time.Minute)
	res, err = e.Deliver(context.Background(), later, p, c)
	if err != nil || res.Status != followup.Cancelled || len(res.Records) != 0 {
		t.Errorf("second Deliver = %v, %d records, %v; want cancelled, none", res.Status, len(res.Records), err)
	}
	if diff := cmp.Diff(sent{SMS: 1, Email: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent after the second Deliver (-want +got):\n%s", diff)
	}
}

// An escalating follow-up whose text is held back sends the email at once
// only if the email can reach the customer: not to a customer who opted
// out of email, nor when the settings do not send email.
func TestGuardEscalatingHeldTextNoUnreachableEmail(t *testing.T) {
	night, _ := guardNight(t)
	night.Timing.Strategy = followup.Escalating
	noEmail := night
	noEmail.AskEmail = false
	for _, tt := range []struct {
		name     string
		settings followup.Settings
		edit     func(*followup.Conversation)
	}{
		{"opted out of email", night, func(c *followup.Conversation) { c.OptOuts = []notify.Channel{notify.ChannelEmail} }},
		{"email not enabled", noEmail, func(*followup.Conversation) {}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngine(t, tt.settings, paying)
			c := baseConversation(t)
			tt.edit(&c)
			now := t0.Add(3 * time.Minute) // 23:03 in Seoul
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != followup.Deferred || res.Deferred != notify.SetOf(notify.ChannelAlimTalk) {
				t.Errorf("status %v, deferred %v; want deferred AlimTalk", res.Status, res.Deferred)
			}
			if diff := cmp.Diff(sent{}, sentBy(fakes)); diff != "" {
				t.Errorf("sent (-want +got):\n%s", diff)
			}
			if len(res.Records) != 0 {
				t.Errorf("records %+v, want none", res.Records)
			}
		})
	}
}

// Settings.Validate reports a malformed cap (under "text.caps"), malformed
// quiet hours (under "text.quietHours") and an unknown strategy (under
// "timing.strategy"); the well-formed neighbours pass.
func TestGuardSettingsValidate(t *testing.T) {
	kst, _ := policy.LoadZone("Asia/Seoul")
	text := func(f func(*followup.TextOptions)) followup.Settings {
		s := followup.Settings{AskPhone: true, Text: followup.TextOptions{TimeZone: kst}}
		f(&s.Text)
		return s
	}
	quiet := func(h ...policy.Hours) followup.Settings {
		return text(func(o *followup.TextOptions) { o.QuietHours = policy.QuietHours{Hours: h} })
	}
	tests := []struct {
		name string
		s    followup.Settings
		want []followup.SettingError
	}{
		{"per-recipient cap without a window", text(func(o *followup.TextOptions) {
			o.Caps.PerRecipient = policy.Cap{Max: 5}
		}), []followup.SettingError{{Setting: "text.caps", Err: policy.ErrBadCap}}},
		{"per-workspace cap without a window", text(func(o *followup.TextOptions) {
			o.Caps.PerWorkspace = policy.Cap{Max: 200}
		}), []followup.SettingError{{Setting: "text.caps", Err: policy.ErrBadCap}}},
		{"cap with a window", text(func(o *followup.TextOptions) {
			o.Caps.PerRecipient = policy.Cap{Max: 5, Window: time.Hour}
		}), nil},
		{"quiet hours on no day", quiet(policy.Hours{Start: 21 * 60, End: 8 * 60}),
			[]followup.SettingError{{Setting: "text.quietHours", Err: policy.ErrBadHours}}},
		{"quiet hours that start where they end", quiet(policy.Hours{Days: policy.EveryDay, Start: 21 * 60, End: 21 * 60}),
			[]followup.SettingError{{Setting: "text.quietHours", Err: policy.ErrBadHours}}},
		{"quiet hours all week", quiet(policy.Hours{Days: policy.EveryDay, Start: 0, End: policy.MinutesPerDay}),
			[]followup.SettingError{{Setting: "text.quietHours", Err: policy.ErrQuietAllWeek}}},
		{"quiet hours every night", quiet(policy.KoreanNight()), nil},
		{"unknown strategy", withTiming(followup.Settings{}, followup.Timing{Strategy: followup.Strategy(7)}),
			[]followup.SettingError{{Setting: "timing.strategy", Err: followup.ErrUnknownStrategy}}},
		{"the last strategy", withTiming(followup.Settings{}, followup.Timing{Strategy: followup.Escalating}), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.s.Validate(paying)
			wantProblems(t, err, tt.want)
		})
	}
}

// Options.ButtonName labels the AlimTalk's button, in place of the
// built-in label of the workspace's language.
func TestGuardButtonNameOverridesLabel(t *testing.T) {
	for _, locale := range []string{"en", "ko"} {
		t.Run(locale, func(t *testing.T) {
			s := fullSettings
			s.Locale = locale
			e, fakes := deliverEngineWith(t, s, paying, func(o *followup.Options) { o.ButtonName = "답변 확인하기" })
			deliverNow(t, e, t0.Add(3*time.Minute), baseConversation(t))
			want := []notify.Button{{Name: "답변 확인하기", MobileURL: "https://chat.example/c/c1"}}
			if diff := cmp.Diff(want, fakes.AlimTalk.Sent()[0].Buttons); diff != "" {
				t.Errorf("buttons (-want +got):\n%s", diff)
			}
		})
	}
}

// A zero Options.RateLimitWindow is one hour: a message rate-limited again
// 59 minutes after its first rate limit is sent again after its 30 s
// retry-after, one rate-limited 61 minutes after it is given up.
func TestGuardDefaultRateLimitWindowIsOneHour(t *testing.T) {
	due := t0.Add(3 * time.Minute)
	for _, tt := range []struct {
		after   time.Duration
		retried bool
	}{
		{59 * time.Minute, true},
		{61 * time.Minute, false},
	} {
		t.Run(tt.after.String(), func(t *testing.T) {
			e, fakes := deliverEngineWith(t, fullSettings, paying, func(o *followup.Options) {
				o.RateLimitWindow = 0
				o.Dispatch.MaxAttempts = 1
			})
			fakes.Email.RateLimit(1, 30*time.Second)
			c := baseConversation(t)
			c.FollowUps = []followup.Record{
				rec(k1, notify.ChannelAlimTalk, due, t0, true),
				{Key: k1, Channel: notify.ChannelEmail, At: due, Through: t0, RateLimited: true},
			}
			now := due.Add(tt.after)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			want := []followup.Record{{Key: k1, Channel: notify.ChannelEmail, At: now, Through: t0, RateLimited: tt.retried}}
			if tt.retried {
				want[0].RetryAt = now.Add(30 * time.Second)
			}
			if diff := cmp.Diff(want, res.Records); diff != "" {
				t.Errorf("records (-want +got):\n%s", diff)
			}
		})
	}
}

// Text held back by quiet hours and an email rate-limited in the same run:
// Deliver is due again at the earlier of the email's retry-after and the
// end of the quiet hours.
func TestGuardNextIsEarlierOfRetryAndQuietEnd(t *testing.T) {
	s, morning := guardNight(t)
	now := t0.Add(3 * time.Minute) // 23:03 in Seoul
	for _, tt := range []struct {
		name       string
		retryAfter time.Duration
		want       time.Time
	}{
		{"retry-after first", 2 * time.Minute, now.Add(2 * time.Minute)},
		{"quiet hours end first", 12 * time.Hour, morning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e, fakes := deliverEngineWith(t, s, paying, func(o *followup.Options) {
				o.Dispatch.MaxAttempts = 1
				o.RateLimitWindow = 24 * time.Hour // room for a retry-after of 12 hours
			})
			fakes.Email.RateLimit(1, tt.retryAfter) // over the dispatcher's MaxRetryAfter: not waited
			c := baseConversation(t)
			res, err := e.Deliver(context.Background(), now, e.Plan(now, c), c)
			if err != nil || res.Status != followup.Sent {
				t.Fatalf("Deliver = %v, %v", res.Status, err)
			}
			if res.Deferred != notify.SetOf(notify.ChannelAlimTalk) || !res.DeferredUntil.Equal(morning) {
				t.Fatalf("deferred %v until %v, want AlimTalk until %v", res.Deferred, res.DeferredUntil, morning)
			}
			if len(res.Records) != 1 || !res.Records[0].RateLimited {
				t.Fatalf("records %+v, want the email's, rate-limited", res.Records)
			}
			if !res.Next.Equal(tt.want) {
				t.Errorf("Next = %v, want %v", res.Next, tt.want)
			}
		})
	}
}

// A rate-limited text did not go: with the Escalating strategy it does not
// start the email's wait, nor send the email at once as a text not
// delivered would. The text is still due, and goes alone.
func TestGuardRateLimitedTextIsNotAnEscalatedText(t *testing.T) {
	s := withTiming(fullSettings, followup.Timing{Strategy: followup.Escalating})
	e, fakes := deliverEngine(t, s, paying)
	c := baseConversation(t)
	sendAt := t0.Add(3 * time.Minute)
	c.FollowUps = []followup.Record{{Key: k1, Channel: notify.ChannelAlimTalk, At: sendAt, Through: t0, RateLimited: true}}
	now := sendAt.Add(2 * time.Minute)
	want := followup.Plan{Reason: followup.Due, Key: k1, SendAt: sendAt, Channels: notify.SetOf(notify.ChannelAlimTalk), Replies: 1, Through: t0}
	p := e.Plan(now, c)
	if diff := cmp.Diff(want, p); diff != "" {
		t.Errorf("Plan (-want +got)\n%s", diff)
	}
	deliverNow(t, e, now, c)
	if diff := cmp.Diff(sent{AlimTalk: 1}, sentBy(fakes)); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// An email address given when the settings do not ask for email is
// refused with CodeNotAsked and not kept.
func TestGuardParseContactEmailNotAsked(t *testing.T) {
	s := followup.Settings{AskName: true, AskPhone: true}
	c, err := s.ParseContact(followup.ContactInput{Name: "김민지", Phone: "010-1234-5678", Email: "minji@example.com"}, paying)
	var ve *followup.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ParseContact error %v, want a *ValidationError", err)
	}
	want := []*followup.FieldError{{Field: followup.FieldEmail, Code: followup.CodeNotAsked}}
	if diff := cmp.Diff(want, ve.Errors); diff != "" {
		t.Errorf("field errors (-want +got):\n%s", diff)
	}
	if c.Email != "" || c.Name != "김민지" || c.Phone.E164 != "+821012345678" {
		t.Errorf("contact kept email %q, name %q, phone %q; want no email, the rest kept", c.Email, c.Name, c.Phone.E164)
	}
}

// A premium-rate number (060 in Korea) is refused with a code of its own,
// CodePremiumRate, not the catch-all CodeNotMobile.
func TestGuardPremiumRateHasItsOwnCode(t *testing.T) {
	p, err := followup.ParsePhone("060-700-1234", "KR")
	if err != nil {
		t.Fatal(err)
	}
	if want := (followup.Phone{E164: "+82607001234", Region: "KR", Type: followup.PhonePremiumRate}); p != want {
		t.Fatalf("ParsePhone = %+v, want %+v", p, want)
	}
	var fe *followup.FieldError
	if !errors.As(p.TextError(), &fe) || *fe != (followup.FieldError{Field: followup.FieldPhone, Code: followup.CodePremiumRate}) {
		t.Errorf("TextError = %v, want premiumRate", p.TextError())
	}
	_, err = followup.Settings{AskPhone: true}.ParseContact(followup.ContactInput{Phone: "060-700-1234"}, paying)
	if !errors.Is(err, &followup.FieldError{Field: followup.FieldPhone, Code: followup.CodePremiumRate}) {
		t.Errorf("ParseContact error %v, want premiumRate", err)
	}
}

// A Status that is none of the constants prints its number, as Reason's do.
func TestGuardStatusStringOutOfRange(t *testing.T) {
	for s, want := range map[followup.Status]string{0: "Status(0)", 12: "Status(12)", 250: "Status(250)"} {
		if got := s.String(); got != want {
			t.Errorf("Status(%d).String() = %q, want %q", uint8(s), got, want)
		}
	}
}
