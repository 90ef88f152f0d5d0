package policy_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/policy"
)

var capNow = time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)

// ago returns the times capNow minus each duration.
func ago(ds ...time.Duration) []time.Time {
	ts := make([]time.Time, len(ds))
	for i, d := range ds {
		ts[i] = capNow.Add(-d)
	}
	return ts
}

// capResult is what a test compares of a Cap.Check result.
type capResult struct {
	Refused bool
	Max     int
	Window  time.Duration
	RetryAt time.Time
}

func resultOf(t *testing.T, err error) capResult {
	t.Helper()
	if err == nil {
		return capResult{}
	}
	var ce *policy.CapError
	if !errors.As(err, &ce) || !errors.Is(err, policy.ErrCapReached) {
		t.Fatalf("error %v is not a *CapError wrapping ErrCapReached", err)
	}
	return capResult{Refused: true, Max: ce.Max, Window: ce.Window, RetryAt: ce.RetryAt}
}

func TestCapCheck(t *testing.T) {
	day := policy.Cap{Max: 3, Window: 24 * time.Hour}
	tests := []struct {
		name string
		c    policy.Cap
		sent []time.Time
		want capResult
	}{
		{"nothing sent", day, nil, capResult{}},
		{"below max", day, ago(time.Hour, 2*time.Hour), capResult{}},
		{"max reached", day, ago(time.Hour, 2*time.Hour, 3*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(21 * time.Hour)}},
		{"exactly at the window edge has left", day, ago(time.Hour, 2*time.Hour, 24*time.Hour), capResult{}},
		{"just inside the window edge counts", day, ago(time.Hour, 2*time.Hour, 24*time.Hour-time.Nanosecond),
			capResult{true, 3, 24 * time.Hour, capNow.Add(time.Nanosecond)}},
		{"a send at now counts", day, ago(0, time.Hour, 2*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(22 * time.Hour)}},
		{"unsorted input, oldest in the middle", day, ago(time.Minute, 20*time.Hour, 30*time.Hour, 5*time.Hour, 48*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(4 * time.Hour)}},
		{"a future send counts", day, ago(-time.Hour, time.Hour, 2*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(22 * time.Hour)}},
		{"future sends only", day, ago(-3*time.Hour, -time.Hour, -2*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(25 * time.Hour)}},
		{"over max: wait until enough have left", day, ago(time.Hour, 10*time.Hour, 2*time.Hour, 20*time.Hour, 5*time.Hour),
			// Five counted, room for one more once three have left: the
			// third oldest, 5h ago, leaves in 19h.
			capResult{true, 3, 24 * time.Hour, capNow.Add(19 * time.Hour)}},
		{"over max with equal times", day, ago(time.Hour, 2*time.Hour, 2*time.Hour, 2*time.Hour),
			capResult{true, 3, 24 * time.Hour, capNow.Add(22 * time.Hour)}},
		{"max one", policy.Cap{Max: 1, Window: time.Hour}, ago(30 * time.Minute),
			capResult{true, 1, time.Hour, capNow.Add(30 * time.Minute)}},
		{"zero cap is no cap", policy.Cap{}, ago(0, 0, 0), capResult{}},
		{"NoCap is no cap", policy.NoCap(), ago(0, 0, 0), capResult{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.sent)
			got := resultOf(t, tt.c.Check(capNow, tt.sent))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Check (-want +got)\n%s", diff)
			}
			if !slices.Equal(before, tt.sent) {
				t.Error("Check modified its input")
			}
			if got.Refused {
				// At RetryAt there is room; a nanosecond earlier there is not.
				if err := tt.c.Check(got.RetryAt, tt.sent); err != nil {
					t.Errorf("Check(RetryAt) = %v, want room", err)
				}
				if err := tt.c.Check(got.RetryAt.Add(-time.Nanosecond), tt.sent); err == nil {
					t.Error("Check(RetryAt-1ns) allows, so RetryAt is late")
				}
			}
		})
	}
}

func TestCapCheckMalformed(t *testing.T) {
	for _, c := range []policy.Cap{{Max: 1}, {Max: 1, Window: -time.Hour}, {Max: 1, Window: policy.MaxCapWindow + 1}} {
		if err := c.Check(capNow, nil); !errors.Is(err, policy.ErrBadCap) || errors.Is(err, policy.ErrCapReached) {
			t.Errorf("%+v.Check = %v, want ErrBadCap only", c, err)
		}
	}
}

func TestCapsCheck(t *testing.T) {
	caps := policy.Caps{
		PerRecipient: policy.Cap{Max: 2, Window: 24 * time.Hour},
		PerWorkspace: policy.Cap{Max: 3, Window: time.Hour},
	}
	under := ago(time.Minute)
	recipientFull := ago(time.Hour, 3*time.Hour)
	workspaceFull := ago(time.Minute, 10*time.Minute, 20*time.Minute)
	tests := []struct {
		name                     string
		caps                     policy.Caps
		toRecipient, byWorkspace []time.Time
		want                     []error // sentinels err must wrap
		notWant                  []error // sentinels it must not
		retryAt                  time.Time
	}{
		{"under both", caps, under, under, nil, []error{policy.ErrCapReached}, time.Time{}},
		{"recipient full", caps, recipientFull, under,
			[]error{policy.ErrCapReached, policy.ErrRecipientCapReached}, []error{policy.ErrWorkspaceCapReached}, capNow.Add(21 * time.Hour)},
		{"workspace full", caps, under, workspaceFull,
			[]error{policy.ErrCapReached, policy.ErrWorkspaceCapReached}, []error{policy.ErrRecipientCapReached}, capNow.Add(40 * time.Minute)},
		{"both full: both reported, retry when both have room", caps, recipientFull, workspaceFull,
			[]error{policy.ErrCapReached, policy.ErrRecipientCapReached, policy.ErrWorkspaceCapReached}, nil, capNow.Add(21 * time.Hour)},
		{"zero Caps is the defaults: 5 per recipient", policy.Caps{}, ago(1, 2, 3, 4, 5), nil,
			[]error{policy.ErrRecipientCapReached}, []error{policy.ErrWorkspaceCapReached}, capNow.Add(24*time.Hour - 5)},
		{"zero Caps is the defaults: 200 per workspace", policy.Caps{}, nil, ago(make([]time.Duration, 200)...),
			[]error{policy.ErrWorkspaceCapReached}, []error{policy.ErrRecipientCapReached}, capNow.Add(time.Hour)},
		{"NoCap turns a cap off", policy.Caps{PerRecipient: policy.NoCap(), PerWorkspace: policy.NoCap()},
			ago(0, 0, 0, 0, 0, 0), ago(make([]time.Duration, 300)...), nil, []error{policy.ErrCapReached}, time.Time{}},
		{"an unset field takes its default", policy.Caps{PerWorkspace: policy.NoCap()},
			ago(1, 2, 3, 4, 5), ago(make([]time.Duration, 300)...),
			[]error{policy.ErrRecipientCapReached}, []error{policy.ErrWorkspaceCapReached}, capNow.Add(24*time.Hour - 5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.caps.Check(capNow, tt.toRecipient, tt.byWorkspace)
			if (err == nil) != (len(tt.want) == 0) {
				t.Fatalf("Check = %v, want errors %v", err, tt.want)
			}
			for _, w := range tt.want {
				if !errors.Is(err, w) {
					t.Errorf("Check = %v, does not wrap %v", err, w)
				}
			}
			for _, w := range tt.notWant {
				if errors.Is(err, w) {
					t.Errorf("Check = %v, wraps %v", err, w)
				}
			}
			retryAt, ok := policy.CapRetryAt(err)
			if ok != (err != nil) || !retryAt.Equal(tt.retryAt) {
				t.Errorf("CapRetryAt = %v, %v; want %v", retryAt, ok, tt.retryAt)
			}
			if err != nil {
				var ce *policy.CapError
				if !errors.As(err, &ce) {
					t.Errorf("errors.As(%v, *CapError) failed", err)
				}
			}
		})
	}
}

func TestCapErrorText(t *testing.T) {
	caps := policy.Caps{PerRecipient: policy.Cap{Max: 1, Window: 24 * time.Hour}, PerWorkspace: policy.Cap{Max: 1, Window: 90 * time.Minute}}
	err := caps.Check(capNow, ago(time.Hour), ago(time.Hour))
	want := "policy: per-recipient send cap reached (1 per 24h); retry at 2026-11-25T11:00:00Z\n" +
		"policy: per-workspace send cap reached (1 per 1h30m); retry at 2026-11-24T12:30:00Z"
	if diff := cmp.Diff(want, err.Error()); diff != "" {
		t.Errorf("Error() (-want +got)\n%s", diff)
	}
	err = policy.Cap{Max: 1, Window: time.Minute}.Check(capNow, ago(time.Second))
	if diff := cmp.Diff("policy: send cap reached (1 per 1m); retry at 2026-11-24T12:00:59Z", err.Error()); diff != "" {
		t.Errorf("Error() (-want +got)\n%s", diff)
	}
	if errors.Is(err, policy.ErrRecipientCapReached) || errors.Is(err, policy.ErrWorkspaceCapReached) {
		t.Errorf("Cap.Check error %v wraps a Caps sentinel", err)
	}
}

func TestCapsEffective(t *testing.T) {
	d := policy.DefaultCaps()
	if diff := cmp.Diff(policy.Caps{
		PerRecipient: policy.Cap{Max: 5, Window: 24 * time.Hour},
		PerWorkspace: policy.Cap{Max: 200, Window: time.Hour},
	}, d); diff != "" {
		t.Errorf("DefaultCaps (-want +got)\n%s", diff)
	}
	mine := policy.Cap{Max: 2, Window: time.Hour}
	tests := []struct {
		in, want policy.Caps
	}{
		{policy.Caps{}, d},
		{policy.Caps{PerRecipient: mine}, policy.Caps{PerRecipient: mine, PerWorkspace: d.PerWorkspace}},
		{policy.Caps{PerWorkspace: policy.NoCap()}, policy.Caps{PerRecipient: d.PerRecipient, PerWorkspace: policy.NoCap()}},
		{policy.Caps{PerRecipient: policy.Cap{Window: time.Minute}}, d}, // Max 0 is unset, whatever the window
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, tt.in.Effective()); diff != "" {
			t.Errorf("%+v.Effective() (-want +got)\n%s", tt.in, diff)
		}
	}
}

func TestCapValidate(t *testing.T) {
	for _, c := range []policy.Cap{{}, policy.NoCap(), {Max: 1, Window: time.Nanosecond}, {Max: 5, Window: policy.MaxCapWindow}, {Max: -1, Window: time.Hour}} {
		if err := c.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v", c, err)
		}
	}
	for _, c := range []policy.Cap{{Max: 1}, {Max: 1, Window: -1}, {Window: -time.Hour}, {Max: 1, Window: policy.MaxCapWindow + 1}} {
		if err := c.Validate(); !errors.Is(err, policy.ErrBadCap) {
			t.Errorf("%+v.Validate() = %v, want ErrBadCap", c, err)
		}
	}
	err := policy.Caps{PerWorkspace: policy.Cap{Max: 1}}.Validate()
	if !errors.Is(err, policy.ErrBadCap) || !strings.Contains(err.Error(), "perWorkspace") {
		t.Errorf("Caps.Validate() = %v, want ErrBadCap naming perWorkspace", err)
	}
	if err := (policy.Caps{}).Validate(); err != nil {
		t.Errorf("zero Caps: Validate() = %v", err)
	}
}

func TestCapString(t *testing.T) {
	for _, tt := range []struct {
		c    policy.Cap
		want string
	}{
		{policy.Cap{}, "no cap"},
		{policy.NoCap(), "no cap"},
		{policy.Cap{Window: time.Hour}, "no cap"},
		{policy.Cap{Max: 1, Window: time.Hour}, "1 per 1h"},
		{policy.Cap{Max: 5, Window: 24 * time.Hour}, "5 per 24h"},
		{policy.Cap{Max: 3, Window: 90 * time.Minute}, "3 per 1h30m"},
	} {
		if diff := cmp.Diff(tt.want, tt.c.String()); diff != "" {
			t.Errorf("Cap{Max: %d, Window: %v}.String() (-want +got)\n%s", tt.c.Max, tt.c.Window, diff)
		}
	}
}

func TestCapJSON(t *testing.T) {
	tests := []struct {
		c    policy.Cap
		json string
	}{
		{policy.Cap{Max: 5, Window: 24 * time.Hour}, `{"max":5,"window":"24h"}`},
		{policy.Cap{Max: 200, Window: time.Hour}, `{"max":200,"window":"1h"}`},
		{policy.Cap{Max: 3, Window: 90 * time.Minute}, `{"max":3,"window":"1h30m"}`},
		{policy.Cap{Max: 3, Window: time.Hour + 30*time.Second}, `{"max":3,"window":"1h0m30s"}`},
		{policy.Cap{Max: 1, Window: 45 * time.Second}, `{"max":1,"window":"45s"}`},
		{policy.Cap{Max: 1, Window: 1500 * time.Millisecond}, `{"max":1,"window":"1.5s"}`},
		{policy.Cap{Max: 1, Window: 744 * time.Hour}, `{"max":1,"window":"744h"}`}, // 31 days, the longest
		{policy.NoCap(), `{"max":-1}`},
		{policy.Cap{}, `{"max":0}`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(tt.c)
		if err != nil || string(b) != tt.json {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.c, b, err, tt.json)
		}
		var got policy.Cap
		if err := json.Unmarshal([]byte(tt.json), &got); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.json, err)
		}
		if diff := cmp.Diff(tt.c, got); diff != "" {
			t.Errorf("Unmarshal(%s) (-want +got)\n%s", tt.json, diff)
		}
	}
	if _, err := json.Marshal(policy.Cap{Max: 1}); !errors.Is(err, policy.ErrBadCap) {
		t.Errorf("Marshal of a cap without a window: %v, want ErrBadCap", err)
	}
	for _, bad := range []string{`{"max":1}`, `{"max":1,"window":"forever"}`, `{"max":1,"window":3600}`, `{"max":1,"window":"-1h"}`,
		`{"max":1,"window":"745h"}`, `{"max":"5","window":"1h"}`, `[]`, `{"max":1.5,"window":"1h"}`,
		`{"max":1,"window":"` + strings.Repeat("1", 40) + `s"}`,
		`{"max":1,"window":"` + strings.Repeat("0", 31) + `1h"}`} { // 33 bytes, though 1h
		var c policy.Cap
		if err := json.Unmarshal([]byte(bad), &c); !errors.Is(err, policy.ErrBadCap) {
			t.Errorf("Unmarshal(%s) = %v, want ErrBadCap", bad, err)
		}
	}

	// A window of up to 32 bytes is read, even one padded with zeros.
	padded := `{"max":1,"window":"` + strings.Repeat("0", 30) + `1h"}`
	var c policy.Cap
	if err := json.Unmarshal([]byte(padded), &c); err != nil || c != (policy.Cap{Max: 1, Window: time.Hour}) {
		t.Errorf("Unmarshal(%s) = %+v, %v; want 1 per 1h", padded, c, err)
	}

	// Caps, as they sit in settings JSON.
	var caps policy.Caps
	in := `{"perRecipient":{"max":3,"window":"12h"},"perWorkspace":{"max":-1}}`
	if err := json.Unmarshal([]byte(in), &caps); err != nil {
		t.Fatal(err)
	}
	want := policy.Caps{PerRecipient: policy.Cap{Max: 3, Window: 12 * time.Hour}, PerWorkspace: policy.NoCap()}
	if diff := cmp.Diff(want, caps); diff != "" {
		t.Errorf("Unmarshal(%s) (-want +got)\n%s", in, diff)
	}
	for c, out := range map[policy.Caps]string{want: in, {}: `{}`} {
		if b, err := json.Marshal(c); err != nil || string(b) != out {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", c, b, err, out)
		}
	}
}

func TestCapsCheckAllocs(t *testing.T) {
	caps := policy.DefaultCaps()
	toRecipient := ago(time.Hour, 3*time.Hour, time.Minute, 2*time.Hour)
	byWorkspace := ago(make([]time.Duration, 150)...)
	if n := testing.AllocsPerRun(100, func() { _ = caps.Check(capNow, toRecipient, byWorkspace) }); n != 0 {
		t.Errorf("Caps.Check allocates %v times when it allows", n)
	}
	c := policy.Cap{Max: 5, Window: time.Hour}
	if n := testing.AllocsPerRun(100, func() { _ = c.Check(capNow, toRecipient) }); n != 0 {
		t.Errorf("Cap.Check allocates %v times when it allows", n)
	}
}

// checkRef is Cap.Check's result the slow, obvious way: sort the counted
// times; the first count-Max+1 of them must leave.
func checkRef(c policy.Cap, now time.Time, sent []time.Time) capResult {
	if c.Max <= 0 {
		return capResult{}
	}
	var in []time.Time
	for _, t := range sent {
		if t.After(now.Add(-c.Window)) {
			in = append(in, t)
		}
	}
	if len(in) < c.Max {
		return capResult{}
	}
	slices.SortFunc(in, time.Time.Compare)
	return capResult{true, c.Max, c.Window, in[len(in)-c.Max].Add(c.Window)}
}

func FuzzCapCheck(f *testing.F) {
	f.Add(uint8(3), uint32(3600), []byte{1, 2, 3, 4, 5})
	f.Add(uint8(1), uint32(60), []byte{0, 0, 0})
	f.Add(uint8(2), uint32(86400), []byte{200, 10, 255, 10, 30, 7, 7, 7, 100})
	f.Fuzz(func(t *testing.T, max uint8, windowSec uint32, offsets []byte) {
		c := policy.Cap{Max: int(max), Window: time.Duration(windowSec%uint32(policy.MaxCapWindow/time.Second)+1) * time.Second}
		// Each pair of bytes is a send between 64 windows before now and
		// 64 windows after, at a resolution of 1/512 window.
		var sent []time.Time
		for i := 0; i+1 < len(offsets); i += 2 {
			step := (int64(offsets[i])<<8 | int64(offsets[i+1])) - 1<<15
			sent = append(sent, capNow.Add(time.Duration(step)*c.Window/512))
		}
		got := resultOf(t, c.Check(capNow, sent))
		if diff := cmp.Diff(checkRef(c, capNow, sent), got); diff != "" {
			t.Fatalf("%+v.Check(%v) (-ref +got)\n%s", c, sent, diff)
		}
	})
}

func FuzzCapJSON(f *testing.F) {
	for _, s := range []string{`{"max":5,"window":"24h"}`, `{"max":-1}`, `{"max":1,"window":"1h0m30s"}`, `{"max":1,"window":"1.5µs"}`, `null`, `{}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var c policy.Cap
		if err := json.Unmarshal([]byte(s), &c); err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Unmarshal(%q) gave invalid %+v", s, c)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("Marshal(%+v) from %q: %v", c, s, err)
		}
		var again policy.Cap
		if err := json.Unmarshal(b, &again); err != nil || again != c {
			t.Fatalf("%q decodes to %+v, which encodes to %s, which decodes to %+v, %v", s, c, b, again, err)
		}
	})
}

func BenchmarkCapsCheck(b *testing.B) {
	caps := policy.DefaultCaps()
	toRecipient := ago(time.Hour, 3*time.Hour, time.Minute, 2*time.Hour, 30*time.Hour)
	var byWorkspace []time.Time
	for i := range 199 {
		byWorkspace = append(byWorkspace, capNow.Add(-time.Duration(i*7919%3600)*time.Second))
	}
	b.Run("allowed", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := caps.Check(capNow, toRecipient, byWorkspace); err != nil {
				b.Fatal(err)
			}
		}
	})
	full := append(slices.Clone(byWorkspace), capNow.Add(-time.Second))
	b.Run("workspaceFull", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := caps.Check(capNow, toRecipient, full); err == nil {
				b.Fatal("allowed")
			}
		}
	})
	// Twice the cap sent (say, by instances racing): RetryAt needs the
	// 201st oldest, the 200th latest, which Check finds without sorting.
	double := append(slices.Clone(full), full...)
	b.Run("workspaceOverTwice", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := caps.Check(capNow, toRecipient, double); err == nil {
				b.Fatal("allowed")
			}
		}
	})
}

// BenchmarkCapCheckLongHistory checks a history of 100,000 sends in the
// window, shuffled: against a cap it fits (the counting pass alone), and
// against caps it overruns, where Check also finds RetryAt. Finding it
// costs about what counting does, however far the cap was overrun.
func BenchmarkCapCheckLongHistory(b *testing.B) {
	const n = 100_000
	sent := make([]time.Time, n)
	for i := range sent {
		sent[i] = capNow.Add(-time.Duration(i*7919%n) * time.Hour / n)
	}
	for _, bc := range []struct {
		name string
		max  int
	}{{"fits", n + 1}, {"overrunMax5", 5}, {"overrunMax200", 200}, {"overrunHalf", n / 2}} {
		c := policy.Cap{Max: bc.max, Window: time.Hour}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := c.Check(capNow, sent); (err == nil) != (bc.max > n) {
					b.Fatal(err)
				}
			}
		})
	}
}

// RetryAt of an overrun cap over shuffled histories with ties and sends
// before the window, against checkRef's sort: the heap of kthAfter keeps
// the right times whichever end it keeps.
func TestCapCheckRetryAtShuffled(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		n := 1 + rng.IntN(40)
		sent := make([]time.Time, n)
		for i := range sent {
			sent[i] = capNow.Add(-time.Duration(rng.IntN(90)) * time.Minute)
		}
		c := policy.Cap{Max: 1 + rng.IntN(n), Window: time.Hour}
		got := resultOf(t, c.Check(capNow, sent))
		if diff := cmp.Diff(checkRef(c, capNow, sent), got); diff != "" {
			t.Fatalf("%+v.Check(%v) (-ref +got)\n%s", c, sent, diff)
		}
	}
}

// With both caps full, CapRetryAt is the later RetryAt, whichever cap frees
// up first; with one full, Caps.Check returns its *CapError itself; and
// CapRetryAt reads an error the host wrapped.
func TestCapsCheckErrorShapes(t *testing.T) {
	sent := []time.Time{capNow.Add(-30 * time.Minute)}
	both := policy.Caps{
		PerRecipient: policy.Cap{Max: 1, Window: time.Hour},
		PerWorkspace: policy.Cap{Max: 1, Window: 24 * time.Hour},
	}
	if got, ok := policy.CapRetryAt(both.Check(capNow, sent, sent)); !ok || !got.Equal(capNow.Add(23*time.Hour+30*time.Minute)) {
		t.Errorf("both full: CapRetryAt = %v, %v; want the workspace cap's, the later", got, ok)
	}
	for _, tt := range []struct {
		name                     string
		caps                     policy.Caps
		toRecipient, byWorkspace []time.Time
	}{
		{"recipient", policy.Caps{PerRecipient: policy.Cap{Max: 1, Window: time.Hour}}, sent, nil},
		{"workspace", policy.Caps{PerWorkspace: policy.Cap{Max: 1, Window: time.Hour}}, nil, sent},
	} {
		err := tt.caps.Check(capNow, tt.toRecipient, tt.byWorkspace)
		if _, ok := err.(*policy.CapError); !ok {
			t.Errorf("%s full: Caps.Check = %T %v, want a *policy.CapError", tt.name, err, err)
		}
		got, ok := policy.CapRetryAt(fmt.Errorf("deliver c1: %w", err))
		if want := capNow.Add(30 * time.Minute); !ok || !got.Equal(want) {
			t.Errorf("%s full, wrapped: CapRetryAt = %v, %v; want %v", tt.name, got, ok, want)
		}
	}
}
