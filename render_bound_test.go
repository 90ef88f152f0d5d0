package followup

import (
	htmltemplate "html/template"
	"math/rand/v2"
	"strings"
	"testing"
	texttemplate "text/template"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

// Each email body is fitted to emailMaxBytes on its own: earlier messages
// left out first, then the replies cut, the link kept.
func TestRenderEmailBound(t *testing.T) {
	long := func(unit string, bytes int) string { return strings.Repeat(unit, bytes/len(unit)) }
	tests := []struct {
		name    string
		reply   string
		earlier string // one earlier message, if not empty
		// What each body must hold whole, or, if cut, begin with.
		textWhole, htmlWhole bool
		earlierShown         bool
	}{
		{name: "fits: whole", reply: long("a", 80_000), textWhole: true, htmlWhole: true},
		{name: "ASCII reply: cut", reply: long("a", 300_000)},
		{name: "Hangul reply: cut", reply: long("가", 300_000)},
		{
			// "<" is one byte of text and four of HTML ("&lt;").
			name: "escaping counts: HTML cut, text whole", reply: long("<", 50_000), textWhole: true,
		},
		{
			name: "earlier message left out first", reply: long("a", 20_000), earlier: long("b", 80_000),
			textWhole: true, htmlWhole: true,
		},
		{
			name: "small earlier message kept", reply: long("a", 20_000), earlier: "when does it ship?",
			textWhole: true, htmlWhole: true, earlierShown: true,
		},
	}
	var r Renderer
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := renderData()
			d.Earlier = nil
			if tt.earlier != "" {
				d.Earlier = []Message{{FromCustomer: true, Text: tt.earlier}}
			}
			d.Replies = d.Replies[:1]
			d.Replies[0].Text = tt.reply
			c, err := r.Render("en", "en", d)
			if err != nil {
				t.Fatal(err)
			}
			for _, body := range []struct {
				name, s, link, reply string
				whole                bool
			}{
				{"EmailText", c.EmailText, d.Link, tt.reply, tt.textWhole},
				{"EmailHTML", c.EmailHTML, htmltemplate.HTMLEscapeString(d.Link), htmltemplate.HTMLEscapeString(tt.reply), tt.htmlWhole},
			} {
				if len(body.s) > emailMaxBytes {
					t.Errorf("%s is %d bytes, over %d", body.name, len(body.s), emailMaxBytes)
				}
				if !strings.Contains(body.s, body.link) {
					t.Errorf("%s lost the link", body.name)
				}
				if got := strings.Contains(body.s, body.reply); got != body.whole {
					t.Errorf("%s holds the whole reply: %v, want %v", body.name, got, body.whole)
				}
				if body.whole {
					continue
				}
				// Cut, but no more than needed: the rest of the body is
				// short, so the reply keeps most of the room.
				if len(body.s) < emailMaxBytes-100 {
					t.Errorf("%s is %d bytes: cut more than needed", body.name, len(body.s))
				}
				if !strings.Contains(body.s, "…") {
					t.Errorf("%s: the cut reply does not end with …", body.name)
				}
			}
			if got := strings.Contains(c.EmailText, tt.earlier) && tt.earlier != ""; got != tt.earlierShown {
				t.Errorf("EmailText shows the earlier message: %v, want %v", got, tt.earlierShown)
			}
		})
	}
}

// A host's email template that is longer than the bound by itself still
// renders, with the reply whole: clipped by Gmail, but not empty and not an
// error.
func TestRenderEmailTemplateOverBound(t *testing.T) {
	pad := strings.Repeat("x", emailMaxBytes)
	html := htmltemplate.Must(htmltemplate.New("html").Funcs(TemplateFuncs()).Parse(
		`<p>` + pad + `</p>{{range .Earlier}}<p>{{.Text}}</p>{{end}}{{range .Replies}}<p>{{.Text}}</p>{{end}}`))
	text := texttemplate.Must(texttemplate.New("text").Funcs(TemplateFuncs()).Parse(
		pad + `{{range .Earlier}}{{.Text}}{{end}}{{range .Replies}}{{.Text}}{{end}}`))
	r, err := NewRenderer(map[string]Templates{"en": {EmailHTML: html, EmailText: text}})
	if err != nil {
		t.Fatal(err)
	}
	d := renderData()
	d.Earlier = []Message{{FromCustomer: true, Text: "earlier message"}}
	d.Replies = d.Replies[:1]
	d.Replies[0].Text = "the answer"
	c, err := r.Render("en", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{"EmailText": c.EmailText, "EmailHTML": c.EmailHTML} {
		if !strings.Contains(s, "the answer") || strings.Contains(s, "the answer…") {
			t.Errorf("%s lacks the whole reply", name)
		}
		if strings.Contains(s, "earlier message") {
			t.Errorf("%s shows the earlier message", name)
		}
	}
}

// bounded changes nothing that fitting would keep: fitting d and fitting
// bounded(d) give the same message, for replies and earlier messages of
// every length around the limits, in scripts whose characters count for one
// or two bytes, or join into one character.
func TestBoundedKeepsFit(t *testing.T) {
	units := []string{"a", "가", " ", "\n", "😀", "e\u0301", "👍🏽", "🇰🇷", "\u200d"}
	// text returns n characters or a few more, a mix of units, or mostly
	// "a" when ascii is set, so that its bytes are about its characters.
	text := func(rng *rand.Rand, n int, ascii bool) string {
		var b strings.Builder
		for runes := 0; runes < n; {
			u := units[rng.IntN(len(units))]
			if ascii && rng.IntN(10) > 0 {
				u = "a"
			}
			b.WriteString(u)
			runes += utf8.RuneCountInString(u)
		}
		return b.String()
	}
	data := func(rng *rand.Rand, limit int) RenderData {
		d := renderData()
		d.Replies = nil
		for range 1 + rng.IntN(3) {
			d.Replies = append(d.Replies, Reply{Author: "지수", Text: text(rng, rng.IntN(limit+limit/2), rng.IntN(2) == 0)})
		}
		d.Earlier = nil
		for range rng.IntN(3) {
			d.Earlier = append(d.Earlier, Message{FromCustomer: true, Text: text(rng, rng.IntN(limit+limit/4), rng.IntN(2) == 0)})
		}
		return d
	}
	ko := builtin(langKO)
	tests := []struct {
		name   string
		limit  int
		over   func(string, int) (int, int, bool)
		render func(RenderData) (string, error)
		runs   int
	}{
		{"sms", notify.LMSMaxBytes, runesOver, func(d RenderData) (string, error) { return renderSMS(ko.SMS, d) }, 300},
		{"alimtalk", notify.AlimTalkMaxRunes, runesOver, func(d RenderData) (string, error) {
			s, _, err := renderAlimTalk(ko, d)
			return s, err
		}, 300},
		{"email html", emailMaxBytes, bytesOver, func(d RenderData) (string, error) {
			return renderEmailBody(d, func(d RenderData) (string, error) {
				var b strings.Builder
				err := ko.EmailHTML.Execute(&b, d)
				return b.String(), err
			})
		}, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, uint64(tt.limit)))
			cut := 0
			for i := range tt.runs {
				d := data(rng, tt.limit)
				b := bounded(d, tt.limit, tt.over)
				want, errWant := tt.render(d)
				got, errGot := tt.render(b)
				if (errWant == nil) != (errGot == nil) || want != got {
					t.Fatalf("run %d: fitting bounded data differs: err %v, want %v; (-want +got):\n%s", i, errGot, errWant, cmp.Diff(want, got))
				}
				if !cmp.Equal(b, d) {
					cut++
				}
			}
			if cut == 0 {
				t.Errorf("no run had a text bounded cuts: the test shows nothing")
			}
		})
	}
}

// bytesOver keeps the character a cut at n bytes falls in, and no more.
func TestBytesOver(t *testing.T) {
	type result struct {
		Used, Keep int
		Cut        bool
	}
	for _, tt := range []struct {
		s    string
		n    int
		want result
	}{
		{"가나다라", 12, result{12, 0, false}},
		{"가나다라", 9, result{9, 3, true}}, // at a character's end
		{"가나다라", 8, result{8, 3, true}}, // two bytes into 다
		{"가나다라", 7, result{7, 3, true}}, // one byte into 다
		{"ab가", 3, result{3, 3, true}},  // one byte into 가
		{"ab", 0, result{0, 0, true}},
	} {
		used, keep, cut := bytesOver(tt.s, tt.n)
		if diff := cmp.Diff(tt.want, result{used, keep, cut}); diff != "" {
			t.Errorf("bytesOver(%q, %d) (-want +got):\n%s", tt.s, tt.n, diff)
		}
	}
}

// bounded cuts the replies to limit units in all and each earlier message
// to limit units, counted as characters or as bytes, and does not change
// the caller's slices.
func TestBounded(t *testing.T) {
	data := func() RenderData {
		return RenderData{
			Replies: []Reply{{Text: "가나다"}, {Text: strings.Repeat("a", 20)}, {Text: "b"}},
			Earlier: []Message{{Text: "short"}, {Text: "가" + strings.Repeat("c", 20)}},
		}
	}
	tests := []struct {
		name  string
		limit int
		over  func(string, int) (int, int, bool)
		want  RenderData
	}{
		{
			name: "characters", limit: 10, over: runesOver,
			want: RenderData{
				Replies: []Reply{{Text: "가나다"}, {Text: strings.Repeat("a", 7) + "…"}},
				Earlier: []Message{{Text: "short"}, {Text: "가" + strings.Repeat("c", 9) + "…"}},
			},
		},
		{
			// "가" is 3 bytes; a cut in the middle of a character keeps it.
			name: "bytes", limit: 10, over: bytesOver,
			want: RenderData{
				Replies: []Reply{{Text: "가나다"}, {Text: "a…"}},
				Earlier: []Message{{Text: "short"}, {Text: "가" + strings.Repeat("c", 7) + "…"}},
			},
		},
		{
			name: "bytes, cut inside a character", limit: 8, over: bytesOver,
			want: RenderData{
				Replies: []Reply{{Text: "가나다…"}},
				Earlier: []Message{{Text: "short"}, {Text: "가" + strings.Repeat("c", 5) + "…"}},
			},
		},
		{
			// The first reply ends at the limit: it is marked cut, as
			// cutReplies marks it, since more follow.
			name: "a reply ends at the limit", limit: 3, over: runesOver,
			want: RenderData{
				Replies: []Reply{{Text: "가나다…"}},
				Earlier: []Message{{Text: "sho…"}, {Text: "가cc…"}},
			},
		},
		{
			name: "everything fits", limit: 30, over: runesOver, want: data(),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := data()
			got := bounded(d, tt.limit, tt.over)
			if diff := cmp.Diff(data(), d); diff != "" {
				t.Errorf("bounded changed its argument (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("bounded(d, %d) (-want +got):\n%s", tt.limit, diff)
			}
		})
	}
}

// BenchmarkRenderLongReply renders a reply of 10 KB, 1 MB and 10 MB. Past
// the channels' limits the cost does not grow with the reply: the last two
// cost the same.
func BenchmarkRenderLongReply(b *testing.B) {
	for _, size := range []struct {
		name  string
		bytes int
	}{{"10KB", 10 << 10}, {"1MB", 1 << 20}, {"10MB", 10 << 20}} {
		b.Run(size.name, func(b *testing.B) {
			var r Renderer
			d := renderData()
			d.Replies[1].Text = strings.Repeat("가나다라 ", size.bytes/13)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := r.Render("ko-KR", "ko", d); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
