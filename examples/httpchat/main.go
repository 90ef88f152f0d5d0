// Command httpchat is a small chat server on net/http that runs follow-up
// notifications end to end, in memory:
//
//	go run ./examples/httpchat
//
// It serves the customer's widget at /, which asks the configured questions,
// shows the localized reason when an answer is refused, honours the
// contact-required gate and reports presence (page visible, focused, left).
// Each chat has a random id and a secret that the customer's browser keeps
// in an HttpOnly cookie; the chat's API answers only requests carrying it.
// A ticker plays the host's job queue, delivering each planned follow-up
// when it is due.
//
// The agent's side is the console at /agent, an inbox of admitted chats with
// a reply box, and /outbox, the follow-ups the engine delivered through
// in-memory senders. They show every customer's chat, so a real host serves
// them only behind its staff login; they are open here because the demo has
// no login.
//
// To see one: answer the questions in the widget, close its tab (or switch
// away for half a minute), reply from the console, and open /outbox about
// 20 seconds later. The demo's timings are short; the defaults wait minutes.
// The follow-up's link opens the widget on the same chat, with the agent's
// replies, in the browser that holds the chat's cookie; anywhere else it
// starts a new chat. The link carries the chat's id, never its secret (see
// NewServer).
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
// required, text as SMS, email, and timings short enough to watch: a
// follow-up goes 20 seconds after the last reply once the customer has left
// (10 seconds) or hidden the widget (30 seconds).
func demoSettings() followup.Settings {
	return followup.Settings{
		AskName: true, AskPhone: true, AskEmail: true,
		Gate:   policy.Gate{Mode: policy.GateAlways},
		Region: "KR", Locale: "ko",
		Timing: followup.Timing{Delay: 20 * time.Second, LeftAfter: 10 * time.Second, HiddenAfter: 30 * time.Second},
	}
}

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	srv, err := NewServer(demoSettings(), "http://"+ln.Addr().String(), time.Now)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("httpchat: widget http://%s/  agents only: console http://%s/agent  outbox http://%s/outbox\n", ln.Addr(), ln.Addr(), ln.Addr())

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
