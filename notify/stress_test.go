package notify_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/followup-go/followup/notify"
)

// A behaviour of a sender in TestDispatchStress.
type behaviour int

const (
	fast        behaviour = iota // delivers at once
	slowHonour                   // delivers after a while, unless its context ends first
	hangHonour                   // fails when its context ends
	hangIgnore                   // ignores its context, then delivers: abandoned
	panics                       // panics
	goexits                      // calls runtime.Goexit
	transient                    // fails, retryably
	permanent                    // fails for good
	refused                      // the recipient refused the channel
	rateLimited                  // rate-limited
	keepsCtx                     // delivers, and uses its context after returning
	lostAnswer                   // delivers, but its answer comes after its deadline
	behaviours
)

// Dispatches at the same time to senders that behave in every way, chosen
// at random for every call, with the caller's context sometimes cancelled or
// past its deadline mid-dispatch. Every report is complete and true to what
// the senders did, the customer never gets both an AlimTalk and its
// substitute, and nothing outlives the dispatches. Run it under the race
// detector too.
func TestDispatchStress(t *testing.T) {
	before := runtime.NumGoroutine()
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 80 {
				if !stressOnce(t, uint64(g), uint64(i)) {
					return
				}
			}
		}()
	}
	wg.Wait()
	settleGoroutines(t, before)
}

// stressOnce makes one dispatch of TestDispatchStress and reports whether it
// went as it must.
func stressOnce(t *testing.T, seed, i uint64) bool {
	t.Helper()
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, i))
	var usual [5]behaviour // AlimTalk, SMS, Email, Push, substitute
	for k := range usual {
		usual[k] = behaviour(rng.IntN(int(behaviours)))
	}
	pick := func(k int) behaviour { // now and then, another behaviour
		mu.Lock()
		defer mu.Unlock()
		if rng.IntN(2) == 0 {
			return behaviour(rng.IntN(int(behaviours)))
		}
		return usual[k]
	}

	var delivered [5]atomic.Int32
	release := make(chan struct{}) // ends the calls that ignore their context
	// Calls that ended, and goroutines calls left running that ended. A
	// call abandoned may start after Dispatch returns, so a WaitGroup,
	// whose Add must come before its Wait, cannot count them.
	var ended, leftRunning, leftEnded atomic.Int32
	act := func(ctx context.Context, k int) error {
		defer ended.Add(1)
		switch pick(k) {
		case fast:
		case slowHonour:
			select {
			case <-time.After(time.Duration(rand.IntN(3)) * time.Millisecond):
			case <-ctx.Done():
				return ctx.Err()
			}
		case hangHonour:
			<-ctx.Done()
			return ctx.Err()
		case hangIgnore:
			<-release
		case panics:
			panic("boom")
		case goexits:
			runtime.Goexit()
		case transient:
			return errors.New("503")
		case permanent:
			return notify.Permanent(errors.New("bad request"))
		case refused:
			return notify.ErrRecipientRefused
		case rateLimited:
			return notify.RateLimited(nil, time.Millisecond)
		case lostAnswer:
			delivered[k].Add(1)
			<-ctx.Done()
			return ctx.Err()
		case keepsCtx:
			leftRunning.Add(1)
			go func() { defer leftEnded.Add(1); <-ctx.Done(); _ = ctx.Err(); _, _ = ctx.Deadline() }()
		}
		delivered[k].Add(1)
		return nil
	}
	d := &notify.Dispatcher{Senders: notify.Senders{
		AlimTalk: notify.AlimTalkFunc(func(ctx context.Context, m notify.AlimTalk) error { return act(ctx, 0) }),
		SMS: notify.SMSFunc(func(ctx context.Context, m notify.SMS) error {
			if m.Key == "fu-1-alimtalk-sub" {
				return act(ctx, 4)
			}
			return act(ctx, 1)
		}),
		Email: notify.EmailFunc(func(ctx context.Context, m notify.Email) error { return act(ctx, 2) }),
		Push:  notify.PushFunc(func(ctx context.Context, m notify.Push) error { return act(ctx, 3) }),
	}, Options: notify.Options{
		MaxConcurrency: rng.IntN(5), AttemptTimeout: 4 * time.Millisecond, Grace: 2 * time.Millisecond,
		MinBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond,
	}}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if rng.IntN(3) == 0 {
		time.AfterFunc(time.Duration(rng.IntN(6))*time.Millisecond, cancel)
	}
	if rng.IntN(4) == 0 {
		var cancelDl context.CancelFunc
		ctx, cancelDl = context.WithTimeout(ctx, time.Duration(rng.IntN(8))*time.Millisecond)
		defer cancelDl()
	}
	start := time.Now()
	r := d.Dispatch(ctx, notify.Batch{AlimTalk: testAlimTalk(), SMS: testSMS(), Email: testEmail(), Push: testPush()})
	took := time.Since(start)

	ok := true
	fail := func(format string, args ...any) {
		t.Errorf("seed %d/%d: "+format, append([]any{seed, i}, args...)...)
		ok = false
	}
	if took > 5*time.Second {
		fail("Dispatch took %v", took)
	}
	if len(r.Entries) != 4 {
		fail("%d entries", len(r.Entries))
		return false
	}
	// What an abandoned call delivers counts too: wait for every call, one
	// per attempt, and what it left running.
	close(release)
	calls := 0
	for _, e := range r.Entries {
		calls += len(e.Attempts)
	}
	for deadline := time.Now().Add(5 * time.Second); int(ended.Load()) < calls || leftEnded.Load() < leftRunning.Load(); {
		if time.Now().After(deadline) {
			fail("%d of %d calls ended, %d of %d goroutines they left", ended.Load(), calls, leftEnded.Load(), leftRunning.Load())
			return false
		}
		time.Sleep(100 * time.Microsecond)
	}
	if n := int(ended.Load()); n != calls {
		fail("%d calls, %d attempts in the report", n, calls)
	}
	for k, e := range r.Entries {
		if e.Outcome == 0 || (e.Outcome == notify.Failed) != (e.Err != nil) {
			fail("%v: outcome %v, error %v", e.Channel, e.Outcome, e.Err)
		}
		if e.Outcome == notify.Delivered && delivered[k].Load() == 0 {
			fail("%v: reported delivered, but the sender did not deliver", e.Channel)
		}
	}
	if delivered[0].Load() > 0 && delivered[4].Load() > 0 {
		var as []string
		for _, a := range r.Entries[0].Attempts {
			as = append(as, fmt.Sprintf("%v: %v", a.Channel, a.Err))
		}
		fail("the customer got the AlimTalk and its substitute: %v %q", r.Entries[0].Outcome, as)
	}
	if r.Entries[0].Outcome == notify.DeliveredBySubstitute && delivered[4].Load() == 0 {
		fail("reported delivered by substitute, but the substitute was not delivered")
	}
	return ok
}
