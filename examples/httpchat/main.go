// Command httpchat is a small chat server on net/http that runs follow-up
// notifications end to end, in memory:
//
//	go run ./examples/httpchat
//
// It serves the customer's widget at /, which asks the configured questions,
// shows the localized reason when an answer is refused, honours the
// contact-required gate and reports presence (page visible, focused, left);
// the agent's console at /agent, an inbox of admitted chats with a reply
// box; and /outbox, the follow-ups the engine delivered through in-memory
// senders. A ticker plays the host's job queue, delivering each planned
// follow-up when it is due.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/followup-go/followup"
	"github.com/followup-go/followup/policy"
)

// demoSettings are the workspace's settings: all three questions, contact
// required, text as SMS, email.
func demoSettings() followup.Settings {
	return followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true,
		Gate:   policy.Gate{Mode: policy.GateAlways},
		Region: "KR", Locale: "ko",
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	srv, err := NewServer(demoSettings(), time.Now)
	if err != nil {
		log.Fatal(err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("httpchat: widget http://%s/  console http://%s/agent  outbox http://%s/outbox\n", ln.Addr(), ln.Addr(), ln.Addr())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				srv.RunDue(ctx, now)
			}
		}
	}()
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second}
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); err != http.ErrServerClosed {
		log.Fatal(err)
	}
}
