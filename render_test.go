package followup

import (
	"errors"
	"flag"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	texttemplate "text/template"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/followup-go/followup/notify"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/render")

var t0 = time.Date(2025, 3, 14, 10, 0, 0, 0, time.UTC)

// renderData is the follow-up of the golden tests: two replies and one
// earlier message, with every field set.
func renderData() RenderData {
	return RenderData{
		Workspace:    "Acme",
		CustomerName: "김민수",
		Earlier: []Message{
			{FromCustomer: true, Text: "주문한 상품이 언제 배송되나요?", At: t0},
		},
		Replies: []Reply{
			{ID: "r1", Author: "지수", Text: "안녕하세요, 확인해 보겠습니다.", At: t0.Add(time.Minute)},
			{ID: "r2", Author: "지수", Text: "주문하신 상품은 내일 출고됩니다.\n송장 번호는 문자로 보내 드릴게요.", At: t0.Add(2 * time.Minute)},
		},
		Link: "https://chat.example.com/c/123?t=abc&s=1",
	}
}

// goldenData returns the follow-up of the golden tests in a language:
// "full" has two replies and one earlier message with every field set,
// "noname" leaves out the names, the authors and the earlier messages, and
// "bare" also the workspace and the link, so every branch of the built-in
// templates is shown.
func goldenData(lang, variant string) RenderData {
	d := renderData()
	switch lang {
	case "en":
		d.CustomerName = "Alex"
		d.Earlier[0].Text = "When will my order ship?"
		d.Replies[0].Author, d.Replies[0].Text = "Jamie", "Hi Alex, let me check."
		d.Replies[1].Author, d.Replies[1].Text = "Jamie", "Your order ships tomorrow.\nWe will text you the tracking number."
	case "ja":
		d.CustomerName = "田中"
		d.Earlier[0].Text = "注文した商品はいつ届きますか？"
		d.Replies[0].Author, d.Replies[0].Text = "佐藤", "田中様、お問い合わせありがとうございます。確認いたします。"
		d.Replies[1].Author, d.Replies[1].Text = "佐藤", "ご注文の商品は明日発送いたします。\n追跡番号はSMSでお送りします。"
	}
	switch variant {
	case "noname":
		d.CustomerName = ""
		d.Earlier = nil
		for i := range d.Replies {
			d.Replies[i].Author = ""
		}
	case "bare":
		d = RenderData{Replies: d.Replies[1:]}
		d.Replies[0].Author = ""
	}
	return d
}

func TestRenderBuiltinGolden(t *testing.T) {
	for _, lang := range []string{"ko", "en", "ja"} {
		for _, variant := range []string{"full", "noname", "bare"} {
			t.Run(lang+"/"+variant, func(t *testing.T) {
				var r Renderer
				got, err := r.Render(lang, lang, goldenData(lang, variant))
				if err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", "render", lang+"-"+variant+".golden")
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, []byte(formatContent(got)), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				b, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -run %s -update)", err, t.Name())
				}
				want, err := parseContent(string(b))
				if err != nil {
					t.Fatalf("%s: %v", path, err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("Render mismatch (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// The built-in text messages, the AlimTalk's substitute included, use only
// characters EUC-KR encodes, so a Korean carrier delivers them as written:
// given data that is encodable (the names and replies of goldenData, less
// the characters of its Japanese replies KS X 1001 lacks), every SMS text
// and subject is too.
func TestRenderBuiltinTextIsEncodable(t *testing.T) {
	encodable := strings.NewReplacer("様", "さま", "届", "", "発送", "出荷", "番号", "番號")
	for _, lang := range []string{"ko", "en", "ja"} {
		for _, variant := range []string{"full", "noname", "bare"} {
			t.Run(lang+"/"+variant, func(t *testing.T) {
				d := goldenData(lang, variant)
				for i := range d.Replies {
					d.Replies[i].Text = encodable.Replace(d.Replies[i].Text)
				}
				for i := range d.Earlier {
					d.Earlier[i].Text = encodable.Replace(d.Earlier[i].Text)
				}
				var r Renderer
				got, err := r.Render(lang, lang, d)
				if err != nil {
					t.Fatal(err)
				}
				for name, text := range map[string]string{
					"SMSText": got.SMSText, "SMSSubject": got.SMSSubject,
					"SubstituteText": got.SubstituteText, "SubstituteSubject": got.SubstituteSubject,
				} {
					if u := notify.Unencodable(text); u != nil {
						t.Errorf("%s has characters EUC-KR cannot encode: %q", name, u)
					}
				}
			})
		}
	}
}

// The golden files hold a Content as sections: a line "-- Field --", then
// the field's value and a newline. AlimTalk variables are sections
// "-- AlimTalkVariables.name --".
var contentFields = []struct {
	name string
	get  func(*Content) *string
}{
	{"Locale", func(c *Content) *string { return &c.Locale }},
	{"SMSSubject", func(c *Content) *string { return &c.SMSSubject }},
	{"SMSText", func(c *Content) *string { return &c.SMSText }},
	{"AlimTalkText", func(c *Content) *string { return &c.AlimTalkText }},
	{"AlimTalkLocale", func(c *Content) *string { return &c.AlimTalkLocale }},
	{"SubstituteSubject", func(c *Content) *string { return &c.SubstituteSubject }},
	{"SubstituteText", func(c *Content) *string { return &c.SubstituteText }},
	{"EmailSubject", func(c *Content) *string { return &c.EmailSubject }},
	{"EmailText", func(c *Content) *string { return &c.EmailText }},
	{"EmailHTML", func(c *Content) *string { return &c.EmailHTML }},
	{"PushTitle", func(c *Content) *string { return &c.PushTitle }},
	{"PushBody", func(c *Content) *string { return &c.PushBody }},
}

func formatContent(c Content) string {
	var b strings.Builder
	for _, f := range contentFields {
		fmt.Fprintf(&b, "-- %s --\n%s\n", f.name, *f.get(&c))
	}
	names := make([]string, 0, len(c.AlimTalkVariables))
	for n := range c.AlimTalkVariables {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "-- AlimTalkVariables.%s --\n%s\n", n, c.AlimTalkVariables[n])
	}
	return b.String()
}

func parseContent(s string) (Content, error) {
	var c Content
	var name string
	var val []string
	flush := func() error {
		if name == "" {
			return nil
		}
		v := strings.Join(val, "\n")
		if n, ok := strings.CutPrefix(name, "AlimTalkVariables."); ok {
			if c.AlimTalkVariables == nil {
				c.AlimTalkVariables = map[string]string{}
			}
			c.AlimTalkVariables[n] = v
			return nil
		}
		for _, f := range contentFields {
			if f.name == name {
				*f.get(&c) = v
				return nil
			}
		}
		return fmt.Errorf("unknown section %q", name)
	}
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		if n, ok := strings.CutPrefix(line, "-- "); ok && strings.HasSuffix(n, " --") {
			if err := flush(); err != nil {
				return c, err
			}
			name, val = strings.TrimSuffix(n, " --"), nil
			continue
		}
		if name == "" {
			return c, errors.New("text before the first section")
		}
		val = append(val, line)
	}
	return c, flush()
}

// The customer's language wins, then the workspace's, then English; the
// AlimTalk, whose template Kakao approved in one language, is always in the
// workspace's.
func TestRenderLanguage(t *testing.T) {
	tests := []struct {
		customer, workspace string
		want, wantAlimTalk  string
	}{
		{"ja-JP", "", "ja", "en"},
		{"", "ko", "ko", "ko"},
		{"fr", "", "en", "en"},
		{"zh-TW", "ja", "ja", "ja"},
		{"ko-KR", "ja", "ko", "ja"},
		{"en-GB", "ko", "en", "ko"},
		{"", "", "en", "en"},
		{"not a tag!", "ko_KR", "ko", "ko"},
		{"zh", "fr", "en", "en"},
	}
	for _, tt := range tests {
		var r Renderer
		c, err := r.Render(tt.customer, tt.workspace, renderData())
		if err != nil {
			t.Fatal(err)
		}
		if c.Locale != tt.want || c.AlimTalkLocale != tt.wantAlimTalk {
			t.Errorf("Render(%q, %q): Locale = %q, AlimTalkLocale = %q; want %q, %q",
				tt.customer, tt.workspace, c.Locale, c.AlimTalkLocale, tt.want, tt.wantAlimTalk)
		}
		// The template's text before its first variable.
		want, _, _ := strings.Cut(builtin(matchLanguage(tt.wantAlimTalk)).AlimTalk, "#{")
		if !strings.HasPrefix(c.AlimTalkText, want) {
			t.Errorf("Render(%q, %q): AlimTalk is not the %s template:\n%s", tt.customer, tt.workspace,
				tt.wantAlimTalk, c.AlimTalkText)
		}
	}
}

func TestRenderEscapesHTML(t *testing.T) {
	d := renderData()
	d.Replies = []Reply{
		{Author: "<i>Eve</i>", Text: "<script>alert(1)</script>"},
		{Author: "Bob", Text: `"quotes" & <b>` + "\nnext line"},
	}
	d.Earlier = []Message{{FromCustomer: true, Text: "<img src=x onerror=alert(2)>"}}
	d.Link = "javascript:alert(3)"
	var r Renderer
	c, err := r.Render("en", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"<strong>&lt;i&gt;Eve&lt;/i&gt;</strong><br>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
		"<strong>Bob</strong><br>&#34;quotes&#34; &amp; &lt;b&gt;<br>next line</p>",
		"&lt;img src=x onerror=alert(2)&gt;",
		`<a href="#ZgotmplZ"`, // html/template refuses a javascript: URL
	} {
		if !strings.Contains(c.EmailHTML, want) {
			t.Errorf("EmailHTML lacks %q:\n%s", want, c.EmailHTML)
		}
	}
	for _, bad := range []string{"<script>", "<b>", "<img", "<i>", "javascript:"} {
		if strings.Contains(c.EmailHTML, bad) {
			t.Errorf("EmailHTML holds %q unescaped:\n%s", bad, c.EmailHTML)
		}
	}
	for _, want := range []string{
		"<i>Eve</i>: <script>alert(1)</script>\n",
		"Bob: \"quotes\" & <b>\nnext line\n",
		"You: <img src=x onerror=alert(2)>\n",
	} {
		if !strings.Contains(c.EmailText, want) {
			t.Errorf("EmailText lacks %q raw:\n%s", want, c.EmailText)
		}
	}
}

// sizeData returns a follow-up whose single reply is n copies of unit.
func sizeData(unit string, n int) RenderData {
	d := renderData()
	d.Earlier = nil
	d.Replies = []Reply{{ID: "r1", Author: "지수", Text: strings.Repeat(unit, n)}}
	return d
}

func TestRenderAlimTalkLimit(t *testing.T) {
	var r Renderer
	// The AlimTalk without its reply: its fixed part.
	c, err := r.Render("ko", "ko", sizeData("가", 0))
	if err != nil {
		t.Fatal(err)
	}
	fixed := utf8.RuneCountInString(c.AlimTalkText)
	exact := notify.AlimTalkMaxRunes - fixed

	tests := []struct {
		name      string
		replyLen  int
		wantReply string
	}{
		{"at the limit", exact, strings.Repeat("가", exact)},
		{"one over", exact + 1, strings.Repeat("가", exact-1) + "…"},
		{"far over", 3 * exact, strings.Repeat("가", exact-1) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sizeData("가", tt.replyLen)
			c, err := r.Render("ko", "ko", d)
			if err != nil {
				t.Fatal(err)
			}
			if n := utf8.RuneCountInString(c.AlimTalkText); n != notify.AlimTalkMaxRunes {
				t.Errorf("AlimTalkText has %d characters, want %d", n, notify.AlimTalkMaxRunes)
			}
			if got := c.AlimTalkVariables["reply"]; got != tt.wantReply {
				t.Errorf("reply variable has %d characters, want %d", utf8.RuneCountInString(got), utf8.RuneCountInString(tt.wantReply))
			}
			want, err := fillAlimTalk(koAlimTalk, alimTalkVars{
				workspace: d.Workspace, customer: d.CustomerName, reply: tt.wantReply, link: d.Link,
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, c.AlimTalkText); diff != "" {
				t.Errorf("AlimTalkText (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRenderLMSLimit(t *testing.T) {
	var r Renderer
	c, err := r.Render("ko", "ko", sizeData("가", 0))
	if err != nil {
		t.Fatal(err)
	}
	fixed := smsBytes(c.SMSText)
	room := notify.LMSMaxBytes - fixed // bytes left for the reply's text

	// one "가" is 2 bytes, one "a" is 1: fill the room exactly, then by one more.
	exact := strings.Repeat("가", room/2) + strings.Repeat("a", room%2)
	over := exact + "a"
	tests := []struct {
		name      string
		reply     string
		earlier   []Message
		wantReply string
		wantLines []string // lines SMSText must hold
		noLines   []string // lines SMSText must not hold
	}{
		{name: "at the limit", reply: exact, wantReply: exact},
		{
			name: "one over: cut",
			// "…" is 2 bytes: 3 bytes of text go for it.
			reply: over, wantReply: strings.TrimSuffix(exact, strings.Repeat("a", room%2)+"가") + "…",
		},
		{
			name:    "context dropped first, oldest first",
			reply:   strings.Repeat("가", room/2-10),
			earlier: []Message{{FromCustomer: true, Text: "첫 질문"}, {FromCustomer: true, Text: "둘째"}},
			// "고객님: 둘째\n\n" is 16 bytes and fits, "고객님: 첫 질문\n" does not.
			wantReply: strings.Repeat("가", room/2-10),
			wantLines: []string{"고객님: 둘째"},
			noLines:   []string{"고객님: 첫 질문"},
		},
		{
			name:      "all context dropped before the reply is cut",
			reply:     exact,
			earlier:   []Message{{FromCustomer: true, Text: "질문"}},
			wantReply: exact,
			noLines:   []string{"고객님: 질문"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := sizeData("", 0)
			d.Replies[0].Text = tt.reply
			d.Earlier = tt.earlier
			c, err := r.Render("ko", "ko", d)
			if err != nil {
				t.Fatal(err)
			}
			if n := smsBytes(c.SMSText); n > notify.LMSMaxBytes {
				t.Errorf("SMSText is %d bytes, over %d", n, notify.LMSMaxBytes)
			}
			lines := strings.Split(c.SMSText, "\n")
			if want := "지수: " + tt.wantReply; !slices.Contains(lines, want) {
				t.Errorf("SMSText lacks the reply line of %d bytes:\n%s", smsBytes(want), c.SMSText)
			}
			if want := "상담 이어가기: " + d.Link; lines[len(lines)-1] != want {
				t.Errorf("SMSText ends with %q, want the whole link %q", lines[len(lines)-1], want)
			}
			for _, l := range tt.wantLines {
				if !slices.Contains(lines, l) {
					t.Errorf("SMSText lacks %q", l)
				}
			}
			for _, l := range tt.noLines {
				if slices.Contains(lines, l) {
					t.Errorf("SMSText holds %q", l)
				}
			}
		})
	}
	t.Run("exactly 2000 bytes", func(t *testing.T) {
		d := sizeData("", 0)
		d.Replies[0].Text = exact
		c, err := r.Render("ko", "ko", d)
		if err != nil {
			t.Fatal(err)
		}
		if n := smsBytes(c.SMSText); n != notify.LMSMaxBytes {
			t.Errorf("SMSText is %d bytes, want %d", n, notify.LMSMaxBytes)
		}
	})
}

func TestRenderCutKeepsOrder(t *testing.T) {
	// Three replies that do not fit an AlimTalk together: the first ones are
	// kept whole, the one the limit falls in is cut, the rest left out.
	d := renderData()
	d.Replies = []Reply{
		{Text: "첫 번째 답변입니다."},
		{Text: strings.Repeat("나", 900)},
		{Text: "마지막 답변입니다."},
	}
	var r Renderer
	c, err := r.Render("ko", "ko", d)
	if err != nil {
		t.Fatal(err)
	}
	reply := c.AlimTalkVariables["reply"]
	if !strings.HasPrefix(reply, "첫 번째 답변입니다.\n나나나") || !strings.HasSuffix(reply, "나…") {
		t.Errorf("reply variable = %.40q…%q", reply, reply[len(reply)-12:])
	}
	if n := utf8.RuneCountInString(c.AlimTalkText); n != notify.AlimTalkMaxRunes {
		t.Errorf("AlimTalkText has %d characters, want %d", n, notify.AlimTalkMaxRunes)
	}
	if !strings.HasSuffix(c.AlimTalkText, "\n"+d.Link) {
		t.Errorf("AlimTalkText does not end with the link")
	}
}

func TestRenderTooLong(t *testing.T) {
	d := renderData()
	d.Link = "https://chat.example.com/" + strings.Repeat("x", 2000)
	var r Renderer
	_, err := r.Render("ko", "ko", d)
	if !errors.Is(err, ErrTooLong) {
		t.Fatalf("Render with a 2,000-byte link: err = %v, want ErrTooLong", err)
	}
	// One test finds a message too long, whichever package refused it.
	if !errors.Is(err, notify.ErrTooLong) {
		t.Errorf("Render with a 2,000-byte link: err = %v, want notify.ErrTooLong too", err)
	}
	if got := err.Error(); strings.Contains(got, "xxx") || strings.Contains(got, d.CustomerName) {
		t.Errorf("error holds message text: %q", got)
	}
}

func TestRenderSMSSubjectFit(t *testing.T) {
	tests := []struct {
		lang, workspace, want string
	}{
		{"ko", "Acme", "[Acme] 문의 답변 안내"},
		{"ko", "가나다라마바사아자차카", "[가나다라마바사아자차카] 문의 답변 안내"}, // 39 bytes
		{"ko", "가나다라마바사아자차카타", "[가나다라마바사아자차…] 문의 답변 안내"},
		{"ko", "가나다라마바사아자차카a", "[가나다라마바사아자차카a] 문의 답변 안내"}, // 40 bytes
		{"ko", "가나다라마바사아자차카ab", "[가나다라마바사아자차…] 문의 답변 안내"},
		{"en", "A", "[A] Reply to your inquiry"},
		{"en", "AB", "[AB] Reply to your inquiry"},
		{"en", "A Very Long Company Name Inc.", "[A Very Long Co…] Reply to your inquiry"},
		{"en", "Acme\nInc.", "[Acme Inc.] Reply to your inquiry"},
		{"ja", "株式会社", "【株式会社】お問い合わせへの返信"},
	}
	var r Renderer
	for _, tt := range tests {
		d := renderData()
		d.Workspace = tt.workspace
		c, err := r.Render(tt.lang, tt.lang, d)
		if err != nil {
			t.Fatal(err)
		}
		if c.SMSSubject != tt.want {
			t.Errorf("%s %q: SMSSubject = %q (%d bytes), want %q", tt.lang, tt.workspace, c.SMSSubject, smsBytes(c.SMSSubject), tt.want)
		}
		if n := smsBytes(c.SMSSubject); n > notify.LMSSubjectMaxBytes {
			t.Errorf("%s %q: SMSSubject is %d bytes", tt.lang, tt.workspace, n)
		}
	}
}

// A host's LMS subject is fitted as the built-in one is: the workspace name
// is cut first, down to nothing, and then the end of the subject.
func TestRenderSMSSubjectHostTemplateFit(t *testing.T) {
	tests := []struct {
		subject, workspace, want string
	}{
		// 35 bytes without the workspace name: 5 bytes are left for it.
		{"[{{.Workspace}}] a reply to the inquiry you sent.", "가나", "[가나] a reply to the inquiry you sent."},
		{"[{{.Workspace}}] a reply to the inquiry you sent.", "가나다", "[가…] a reply to the inquiry you sent."},
		// 39 bytes without it: no room for even one character and "…".
		{"[{{.Workspace}}] a reply to your inquiry of last week", "Acme", "[] a reply to your inquiry of last week"},
		// Over 40 bytes without it: the end is cut.
		{"{{.Workspace}} reply to the inquiry you sent us last week", "Acme", "reply to the inquiry you sent us last…"},
		{"{{.Workspace}} reply to the inquiry you sent us last week", "", "reply to the inquiry you sent us last…"},
		{"Antwort auf Ihre Anfrage vom letzten Dienstag", "", "Antwort auf Ihre Anfrage vom letzten D…"},
	}
	for _, tt := range tests {
		r, err := NewRenderer(map[string]Templates{"en": {SMSSubject: texttemplate.Must(texttemplate.New("s").Parse(tt.subject))}})
		if err != nil {
			t.Fatal(err)
		}
		d := renderData()
		d.Workspace = tt.workspace
		c, err := r.Render("en", "en", d)
		if err != nil {
			t.Fatal(err)
		}
		if c.SMSSubject != tt.want {
			t.Errorf("%q with %q: SMSSubject = %q (%d bytes), want %q", tt.subject, tt.workspace, c.SMSSubject, smsBytes(c.SMSSubject), tt.want)
		}
	}
}

// cutToFit keeps as much of the text as fits with "…", and leaves text that
// fits alone.
func TestCutToFit(t *testing.T) {
	runes := utf8.RuneCountInString
	tests := []struct {
		s       string
		limit   int
		measure func(string) int
		want    string
	}{
		{"abcdef", 7, runes, "abcdef"},
		{"abcdef", 6, runes, "abcdef"},
		{"abcdef", 5, runes, "abcd…"},
		{"abcdef", 2, runes, "a…"},
		{"abcdef", 1, runes, "…"},
		{"ab  cdef", 4, runes, "ab…"}, // no space before "…"
		{"가나다라마", 10, smsBytes, "가나다라마"},
		{"가나다라마", 9, smsBytes, "가나다…"},
		{"가나다라마", 8, smsBytes, "가나다…"},
		{"가나다라마", 7, smsBytes, "가나…"},
		// A character drawn with several code points is kept whole or
		// cut whole: an emoji sequence joined by ZWJ, a skin tone, a
		// variation selector, a flag (two regional indicators), a
		// combining accent, Hangul in conjoining jamo (NFD).
		{"ok 👨\u200d👩\u200d👧", 5, runes, "ok…"},
		{"ok 👨\u200d👩\u200d👧", 6, runes, "ok…"},
		{"ok 👨\u200d👩\u200d👧!!", 9, runes, "ok 👨\u200d👩\u200d👧…"},
		{"hi 👍🏽👍🏽", 5, runes, "hi…"},
		{"hi ❤\ufe0f❤\ufe0f", 6, runes, "hi ❤\ufe0f…"},
		{"kr 🇰🇷🇯🇵", 5, runes, "kr…"},
		{"kr 🇰🇷🇯🇵", 6, runes, "kr 🇰🇷…"},
		{"cafe\u0301 x", 5, runes, "caf…"},
		{"\u1100\u1161\u11a8\u1102\u1161", 3, runes, "…"},
		{"\u1100\u1161\u11a8\u1102\u1161", 4, runes, "\u1100\u1161\u11a8…"},
	}
	for _, tt := range tests {
		if got := cutToFit(tt.s, tt.limit, tt.measure); got != tt.want {
			t.Errorf("cutToFit(%q, %d) = %q, want %q", tt.s, tt.limit, got, tt.want)
		}
	}
}

// fitReplies cuts the replies as little as the limit asks, down to a lone
// "…", and reports ErrTooLong when not even that fits.
func TestFitReplies(t *testing.T) {
	rs := []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "de"}}
	render := func(rs []Reply) (string, error) { return joinText(rs, "\n"), nil }
	tests := []struct {
		limit   int
		want    []Reply
		wantErr error
	}{
		{6, []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "d…"}}, nil},
		{5, []Reply{{ID: "1", Text: "abc…"}}, nil}, // "abc\nd…" is 6
		{4, []Reply{{ID: "1", Text: "abc…"}}, nil},
		{2, []Reply{{ID: "1", Text: "a…"}}, nil},
		{1, []Reply{{ID: "1", Text: "…"}}, nil},
		{0, nil, ErrTooLong},
	}
	for _, tt := range tests {
		got, err := fitReplies(rs, tt.limit, utf8.RuneCountInString, render)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("fitReplies(limit %d): err = %v, want %v", tt.limit, err, tt.wantErr)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("fitReplies(limit %d) (-want +got):\n%s", tt.limit, diff)
		}
	}
}

// fillAlimTalk fills each variable once, whatever the lengths of the body
// and the values, and names what it cannot fill.
func TestFillAlimTalk(t *testing.T) {
	v := alimTalkVars{workspace: "Acme", customer: "민지", reply: "네", link: "https://c.example/1"}
	// Values longer than the body and everything else together.
	longWorkspace := alimTalkVars{workspace: "Acme Customer Support Center", reply: "네"}
	longCustomer := alimTalkVars{workspace: "A", customer: "Alexandra Konstantinopoulou", reply: "네"}
	tests := []struct {
		body          string
		v             alimTalkVars
		want, wantErr string
	}{
		{body: "[#{workspace}] #{customer}님, #{reply}\n#{link}", v: v, want: "[Acme] 민지님, 네\nhttps://c.example/1"},
		{body: "#{workspace}", v: longWorkspace, want: "Acme Customer Support Center"},
		{body: "#{customer}", v: longCustomer, want: "Alexandra Konstantinopoulou"},
		{body: "no variables", v: v, want: "no variables"},
		{body: "#{}", v: v, wantErr: `"": unknown alimtalk template variable`},
		{body: "#{이름}님", v: v, wantErr: `"이름": unknown alimtalk template variable`},
		{body: "Hi #{customer", v: v, wantErr: `unclosed "#{": unknown alimtalk template variable`},
	}
	for _, tt := range tests {
		got, err := fillAlimTalk(tt.body, tt.v)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr || !errors.Is(err, ErrAlimTalkVariable) {
				t.Errorf("fillAlimTalk(%q): err = %v, want %s", tt.body, err, tt.wantErr)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("fillAlimTalk(%q) = %q, %v; want %q", tt.body, got, err, tt.want)
		}
	}
	// A value holding "#{...}" is not filled again.
	if got, err := fillAlimTalk("#{reply}", alimTalkVars{reply: "#{workspace}", workspace: "Acme"}); err != nil || got != "#{workspace}" {
		t.Errorf("fillAlimTalk of a reply holding a variable = %q, %v", got, err)
	}
}

// A template Kakao approved with variable names of its own (Korean ones,
// as provider consoles suggest) is used as it is, through AlimTalkNames:
// the text is filled, the variables keep the template's names for the
// provider, and the link goes on the substitute when the body has none.
func TestRenderAlimTalkNames(t *testing.T) {
	d := renderData()
	replies := d.Replies[0].Text + "\n" + d.Replies[1].Text
	tests := []struct {
		name     string
		body     string
		names    map[string]string
		wantText string
		wantVars map[string]string
		wantSub  string
	}{
		{"every name its own", "#{고객명}님, #{회사명} 답변입니다.\n#{답변}\n#{링크}",
			map[string]string{"고객명": "customer", "회사명": "workspace", "답변": "reply", "링크": "link"},
			"김민수님, Acme 답변입니다.\n" + replies + "\n" + d.Link,
			map[string]string{"고객명": "김민수", "회사명": "Acme", "답변": replies, "링크": d.Link},
			"김민수님, Acme 답변입니다.\n" + replies + "\n" + d.Link},
		{"the link on the button only", "#{이름}님, #{reply}",
			map[string]string{"이름": "customer"},
			"김민수님, " + replies,
			map[string]string{"이름": "김민수", "reply": replies},
			"김민수님, " + replies + "\n" + d.Link},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			names := maps.Clone(tt.names)
			r, err := NewRenderer(map[string]Templates{"ko": {AlimTalk: tt.body, AlimTalkNames: names}})
			if err != nil {
				t.Fatal(err)
			}
			names["고객명"] = "link" // the renderer keeps its own copy
			got, err := r.Render("ko", "ko", d)
			if err != nil {
				t.Fatal(err)
			}
			if got.AlimTalkText != tt.wantText || got.SubstituteText != tt.wantSub {
				t.Errorf("AlimTalkText %q, SubstituteText %q; want %q, %q", got.AlimTalkText, got.SubstituteText, tt.wantText, tt.wantSub)
			}
			if diff := cmp.Diff(tt.wantVars, got.AlimTalkVariables); diff != "" {
				t.Errorf("AlimTalkVariables (-want +got):\n%s", diff)
			}
		})
	}
	for _, tt := range []struct {
		name  string
		body  string
		names map[string]string
	}{
		{"a name not mapped", "#{고객명}님, #{reply}", nil},
		{"a name mapped to no variable", "#{고객명}님, #{reply}", map[string]string{"고객명": "name"}},
		{"an unused name mapped to no variable", "#{reply}", map[string]string{"상품": "product"}},
	} {
		if _, err := NewRenderer(map[string]Templates{"ko": {AlimTalk: tt.body, AlimTalkNames: tt.names}}); !errors.Is(err, ErrAlimTalkVariable) {
			t.Errorf("%s: NewRenderer = %v, want ErrAlimTalkVariable", tt.name, err)
		}
	}
}

// A host's templates that leave a field out get the built-in template for
// that field alone.
func TestRenderBuiltinForMissingField(t *testing.T) {
	d := renderData()
	d.CustomerName = "" // the AlimTalk shows DefaultCustomer
	var builtin Renderer
	want, err := builtin.Render("ko", "ko", d)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		field    string
		leaveOut func(*Templates)
	}{
		{"SMS", func(t *Templates) { t.SMS = nil }},
		{"SMSSubject", func(t *Templates) { t.SMSSubject = nil }},
		{"AlimTalk", func(t *Templates) { t.AlimTalk = "" }},
		{"DefaultCustomer", func(t *Templates) { t.DefaultCustomer = "" }},
		{"EmailSubject", func(t *Templates) { t.EmailSubject = nil }},
		{"EmailText", func(t *Templates) { t.EmailText = nil }},
		{"EmailHTML", func(t *Templates) { t.EmailHTML = nil }},
		{"PushTitle", func(t *Templates) { t.PushTitle = nil }},
		{"PushBody", func(t *Templates) { t.PushBody = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.field, func(t *testing.T) {
			custom, err := DefaultTemplates("ko")
			if err != nil {
				t.Fatal(err)
			}
			tt.leaveOut(&custom)
			r, err := NewRenderer(map[string]Templates{"ko": custom})
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.Render("ko", "ko", d)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("Render without %s (-want +got):\n%s", tt.field, diff)
			}
		})
	}
}

// A template's error names the template, cut to 32 characters as the
// "truncate" helper cuts, so not inside a character; a name that is not
// UTF-8 is cut all the same.
func TestTemplateErrorNamesTemplate(t *testing.T) {
	const withheld = " failed; its error is withheld, since it may quote the data (errors.As gives it)"
	name32 := strings.Repeat("n", 32)
	for _, tt := range []struct{ name, want string }{
		{"sms", `template "sms"` + withheld},
		{name32, `template "` + name32 + `"` + withheld},
		{name32 + "x", `template "` + name32[:31] + `…"` + withheld},
		{strings.Repeat("답", 40), `template "` + strings.Repeat("답", 31) + `…"` + withheld},
		{strings.Repeat("a", 30) + "😀xy", `template "` + strings.Repeat("a", 30) + `😀…"` + withheld},
		{strings.Repeat("\x80", 40), `template "` + strings.Repeat(`\x80`, 31) + `…"` + withheld},
	} {
		err := withhold(texttemplate.ExecError{Name: tt.name, Err: errors.New("range can't iterate over 김민지")})
		if got := err.Error(); got != tt.want {
			t.Errorf("template %q: error %q, want %q", tt.name, got, tt.want)
		}
	}
}

// An html/template.Error is shown only when it is the error itself, an
// escaping error about the template's source: one a host's template
// function returned may quote the data, and is withheld.
func TestTemplateErrorHTMLErrorInChain(t *testing.T) {
	const name = "김민지"
	check := func(s string) (string, error) {
		return "", &htmltemplate.Error{ErrorCode: htmltemplate.ErrBadHTML, Description: "cannot use " + s}
	}
	html := htmltemplate.Must(htmltemplate.New("html").Funcs(htmltemplate.FuncMap{"check": check}).
		Parse(`<p>{{check .CustomerName}}</p>`))
	r, err := NewRenderer(map[string]Templates{"ko": {EmailHTML: html}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = r.Render("ko", "ko", RenderData{CustomerName: name, Replies: []Reply{{ID: "r", Text: "네"}}})
	if err == nil || strings.Contains(err.Error(), name) {
		t.Errorf("Render: err = %v, want one that withholds the function's error", err)
	}
	var he *htmltemplate.Error
	if !errors.As(err, &he) {
		t.Errorf("Render: err = %v, errors.As does not give the function's error", err)
	}

	// An escaping error says what is wrong with the template.
	bad := htmltemplate.Must(htmltemplate.New("bad").Parse(`<a href="{{.Link}}`))
	if r, err = NewRenderer(map[string]Templates{"ko": {EmailHTML: bad}}); err != nil {
		t.Fatal(err)
	}
	_, err = r.Render("ko", "ko", RenderData{CustomerName: name, Replies: []Reply{{ID: "r", Text: "네"}}})
	if err == nil || !strings.Contains(err.Error(), "html/template:bad") {
		t.Errorf("Render with an unclosed attribute: err = %v, want html/template's own message", err)
	}
}

func TestRenderHostTemplate(t *testing.T) {
	subject := texttemplate.Must(texttemplate.New("s").Funcs(TemplateFuncs()).
		Parse(`{{.Workspace}}: {{len .Replies}} new {{if eq (len .Replies) 1}}reply{{else}}replies{{end}}`))
	r, err := NewRenderer(map[string]Templates{
		"en": {EmailSubject: subject},
		"ko": {AlimTalk: "[#{workspace}] #{reply}\n#{link}"},
	})
	if err != nil {
		t.Fatal(err)
	}
	var builtin Renderer
	for _, lang := range []string{"en", "ko", "ja"} {
		got, err := r.Render(lang, lang, renderData())
		if err != nil {
			t.Fatal(err)
		}
		want, err := builtin.Render(lang, lang, renderData())
		if err != nil {
			t.Fatal(err)
		}
		switch lang {
		case "en":
			want.EmailSubject = "Acme: 2 new replies"
		case "ko":
			d := renderData()
			want.AlimTalkText = "[Acme] " + d.Replies[0].Text + "\n" + d.Replies[1].Text + "\n" + d.Link
			want.AlimTalkVariables = map[string]string{
				"workspace": "Acme",
				"reply":     d.Replies[0].Text + "\n" + d.Replies[1].Text,
				"link":      d.Link,
			}
			want.SubstituteText = want.AlimTalkText
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s: Render (-want +got):\n%s", lang, diff)
		}
	}
}

func TestRenderHostHTMLTemplate(t *testing.T) {
	h := htmltemplate.Must(htmltemplate.New("h").Funcs(htmltemplate.FuncMap(TemplateFuncs())).
		Parse(`{{range .Replies}}<p>{{range $i, $l := lines .Text}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>{{end}}`))
	r, err := NewRenderer(map[string]Templates{"ja": {EmailHTML: h}})
	if err != nil {
		t.Fatal(err)
	}
	d := renderData()
	d.Replies = []Reply{{Text: "a<b\r\nc"}}
	c, err := r.Render("ja", "ja", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "<p>a&lt;b<br>c</p>"; c.EmailHTML != want {
		t.Errorf("EmailHTML = %q, want %q", c.EmailHTML, want)
	}
}

func TestNewRendererErrors(t *testing.T) {
	tests := []struct {
		name   string
		custom map[string]Templates
		want   error
	}{
		{"language", map[string]Templates{"fr": {}}, ErrUnknownLanguage},
		{"region", map[string]Templates{"ko-KR": {}}, ErrUnknownLanguage},
		{"variable", map[string]Templates{"ko": {AlimTalk: "#{고객명}님, #{reply}"}}, ErrAlimTalkVariable},
		{"unclosed", map[string]Templates{"en": {AlimTalk: "Hi #{customer"}}, ErrAlimTalkVariable},
	}
	for _, tt := range tests {
		if _, err := NewRenderer(tt.custom); !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	if _, err := NewRenderer(map[string]Templates{"ko": {AlimTalk: "#{customer}님 #{reply} #{link} #{workspace}"}}); err != nil {
		t.Errorf("all variables: %v", err)
	}
}

func TestRenderErrors(t *testing.T) {
	var r Renderer
	if _, err := r.Render("ko", "ko", RenderData{Workspace: "Acme"}); !errors.Is(err, ErrNoReplies) {
		t.Errorf("no replies: err = %v, want ErrNoReplies", err)
	}

	// A host template that fails names the template, never the data.
	bad := texttemplate.Must(texttemplate.New("bad").Parse(`{{index .Replies 5}}`))
	r2, err := NewRenderer(map[string]Templates{"ko": {PushBody: bad}})
	if err != nil {
		t.Fatal(err)
	}
	d := renderData()
	_, err = r2.Render("ko", "ko", d)
	if err == nil {
		t.Fatal("Render with a failing template: no error")
	}
	msg := err.Error()
	if !strings.Contains(msg, "push body") {
		t.Errorf("error %q does not name the template", msg)
	}
	for _, secret := range []string{d.CustomerName, d.Replies[0].Text, d.Link, "지수"} {
		if strings.Contains(msg, secret) {
			t.Errorf("error %q holds personal data or message text", msg)
		}
	}
}

func TestRenderDoesNotModifyData(t *testing.T) {
	d := renderData()
	d.Earlier = append(d.Earlier, Message{Text: "second"}, Message{Text: "third"})
	d.Replies[1].Text = strings.Repeat("가", 1500)
	want := renderData()
	want.Earlier = append(want.Earlier, Message{Text: "second"}, Message{Text: "third"})
	want.Replies[1].Text = strings.Repeat("가", 1500)
	var r Renderer
	if _, err := r.Render("ko", "ko", d); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("Render modified its data (-want +got):\n%s", diff)
	}
}

func TestRenderContextCaps(t *testing.T) {
	d := renderData()
	d.Earlier = nil
	for i := 1; i <= 7; i++ {
		d.Earlier = append(d.Earlier, Message{Author: "A", Text: fmt.Sprintf("m%d", i)})
	}
	var r Renderer
	c, err := r.Render("en", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 7; i++ {
		line := fmt.Sprintf("A: m%d\n", i)
		if got, want := strings.Contains(c.EmailText, line), i > 7-emailEarlier; got != want {
			t.Errorf("EmailText holds %q: %v, want %v", line, got, want)
		}
		if got, want := strings.Contains(c.SMSText, line), i > 7-smsEarlier; got != want {
			t.Errorf("SMSText holds %q: %v, want %v", line, got, want)
		}
	}
	if strings.Contains(c.AlimTalkText, "m7") {
		t.Errorf("AlimTalkText shows earlier messages")
	}
}

func TestRenderPushBody(t *testing.T) {
	d := renderData()
	d.Replies = []Reply{{Text: "Hello."}, {Text: strings.Repeat("x", 200)}}
	var r Renderer
	c, err := r.Render("en", "en", d)
	if err != nil {
		t.Fatal(err)
	}
	if want := "Hello. " + strings.Repeat("x", 92) + "…"; c.PushBody != want {
		t.Errorf("PushBody = %q, want %q", c.PushBody, want)
	}
}

func TestTemplateFuncs(t *testing.T) {
	f := TemplateFuncs()
	lines := f["lines"].(func(string) []string)
	truncate := f["truncate"].(func(int, string) string)
	joinText := f["joinText"].(func([]Reply, string) string)

	for _, tt := range []struct {
		in   string
		want []string
	}{
		{"", []string{""}},
		{"a", []string{"a"}},
		{"a\nb\r\nc\rd", []string{"a", "b", "c", "d"}},
		{"a\n\nb", []string{"a", "", "b"}},
	} {
		if diff := cmp.Diff(tt.want, lines(tt.in)); diff != "" {
			t.Errorf("lines(%q) (-want +got):\n%s", tt.in, diff)
		}
	}
	for _, tt := range []struct {
		n        int
		in, want string
	}{
		{5, "hello", "hello"},
		{4, "hello", "hel…"},
		{4, "ab cdef", "ab…"},
		{3, "안녕하세요", "안녕…"},
		{1, "hello", "…"},
		{0, "hello", ""},
		{-1, "hello", ""},
		{3, "", ""},
	} {
		if got := truncate(tt.n, tt.in); got != tt.want {
			t.Errorf("truncate(%d, %q) = %q, want %q", tt.n, tt.in, got, tt.want)
		}
	}
	oneLine := f["oneLine"].(func(string) string)
	for _, tt := range []struct{ in, want string }{
		{"", ""},
		{"a b", "a b"},
		{"a ", "a"},
		{" a", "a"},
		{"a  b", "a b"},
		{"a\n\tb\n", "a b"},
		{"a\u00a0b", "a b"},
	} {
		if got := oneLine(tt.in); got != tt.want {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	rs := []Reply{{Text: "a"}, {Text: "b"}, {Text: "c"}}
	if got := joinText(rs, ", "); got != "a, b, c" {
		t.Errorf("joinText = %q", got)
	}
	if got := joinText(nil, ", "); got != "" {
		t.Errorf("joinText(nil) = %q", got)
	}
}

func TestCutReplies(t *testing.T) {
	rs := []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "de f"}, {ID: "3", Text: "gh"}}
	tests := []struct {
		k    int
		want []Reply
	}{
		{0, []Reply{{ID: "1", Text: "…"}}},
		{2, []Reply{{ID: "1", Text: "ab…"}}},
		{3, []Reply{{ID: "1", Text: "abc…"}}},
		{4, []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "d…"}}},
		{6, []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "de…"}}}, // no space before "…"
		{8, []Reply{{ID: "1", Text: "abc"}, {ID: "2", Text: "de f"}, {ID: "3", Text: "g…"}}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, cutReplies(rs, tt.k)); diff != "" {
			t.Errorf("cutReplies(%d) (-want +got):\n%s", tt.k, diff)
		}
	}
}

func TestRenderConcurrent(t *testing.T) {
	r, err := NewRenderer(map[string]Templates{"en": {AlimTalk: "#{reply}"}})
	if err != nil {
		t.Fatal(err)
	}
	want := make(map[string]Content)
	for _, lang := range []string{"ko", "en", "ja"} {
		c, err := r.Render(lang, lang, renderData())
		if err != nil {
			t.Fatal(err)
		}
		want[lang] = c
	}
	var wg sync.WaitGroup
	for i := range 12 {
		lang := []string{"ko", "en", "ja"}[i%3]
		wg.Go(func() {
			c, err := r.Render(lang, lang, renderData())
			if err != nil {
				t.Error(err)
				return
			}
			if diff := cmp.Diff(want[lang], c); diff != "" {
				t.Errorf("%s: concurrent Render differs:\n%s", lang, diff)
			}
		})
	}
	wg.Wait()
}

func TestDefaultTemplates(t *testing.T) {
	for _, lang := range []string{"ko", "en", "ja"} {
		tm, err := DefaultTemplates(lang)
		if err != nil {
			t.Fatal(err)
		}
		// Changing the returned templates does not change the renderer's.
		tm.PushTitle = texttemplate.Must(tm.PushTitle.Parse("changed"))
		var r Renderer
		c, err := r.Render(lang, lang, renderData())
		if err != nil {
			t.Fatal(err)
		}
		if c.PushTitle == "changed" {
			t.Errorf("%s: DefaultTemplates shares its templates with Render", lang)
		}
		if tm.AlimTalk != builtinTexts[langIndex(lang)].alimTalk {
			t.Errorf("%s: AlimTalk body differs from the built-in", lang)
		}
	}
	if _, err := DefaultTemplates("fr"); !errors.Is(err, ErrUnknownLanguage) {
		t.Errorf("DefaultTemplates(fr): err = %v", err)
	}
}

func BenchmarkRender(b *testing.B) {
	var r Renderer
	d := renderData()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render("ko-KR", "ko", d); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderCut(b *testing.B) {
	var r Renderer
	d := renderData()
	d.Replies[1].Text = strings.Repeat("가나다라 ", 400)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render("ko-KR", "ko", d); err != nil {
			b.Fatal(err)
		}
	}
}

// The AlimTalk's substitute carries the AlimTalk's own content. A template
// that shows the link only on the button gets the link added, since a text
// message has no button; if that no longer fits an LMS, the text message
// goes instead.
func TestRenderSubstitute(t *testing.T) {
	r, err := NewRenderer(map[string]Templates{"ko": {AlimTalk: "#{reply}"}})
	if err != nil {
		t.Fatal(err)
	}
	short := RenderData{Replies: []Reply{{Text: "내일 출고됩니다."}}, Link: "https://c.example/1"}
	long := short
	long.Replies = []Reply{{Text: strings.Repeat("가", 1200)}}
	noLink := short
	noLink.Link = ""
	// With the link, 1,980 bytes of reply make an LMS of 2,000 bytes.
	exactLMS := short
	exactLMS.Replies = []Reply{{Text: strings.Repeat("가", 990)}}
	overLMS := short
	overLMS.Replies = []Reply{{Text: strings.Repeat("가", 990) + "a"}}
	tests := []struct {
		name     string
		d        RenderData
		wantText func(Content) string
		wantSubj func(Content) string
	}{
		{"link added, fits an SMS", short,
			func(Content) string { return "내일 출고됩니다.\nhttps://c.example/1" },
			func(Content) string { return "" }},
		{"no link to add", noLink,
			func(Content) string { return "내일 출고됩니다." },
			func(Content) string { return "" }},
		{"over an LMS with the link: the text message instead", long,
			func(c Content) string { return c.SMSText },
			func(c Content) string { return c.SMSSubject }},
		{"exactly an LMS with the link", exactLMS,
			func(Content) string { return strings.Repeat("가", 990) + "\nhttps://c.example/1" },
			func(c Content) string { return c.SMSSubject }},
		{"one byte over an LMS with the link: the text message instead", overLMS,
			func(c Content) string { return c.SMSText },
			func(c Content) string { return c.SMSSubject }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := r.Render("ko", "ko", tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if c.AlimTalkText == "" {
				t.Fatal("no AlimTalk")
			}
			if got, want := c.SubstituteText, tt.wantText(c); got != want {
				t.Errorf("SubstituteText = %q, want %q", got, want)
			}
			if got, want := c.SubstituteSubject, tt.wantSubj(c); got != want {
				t.Errorf("SubstituteSubject = %q, want %q", got, want)
			}
			if k, err := notify.KindOf(c.SubstituteText); err != nil || (k == notify.KindLMS) != (c.SubstituteSubject != "") {
				t.Errorf("SubstituteText is %v (%v) with subject %q", k, err, c.SubstituteSubject)
			}
		})
	}
}

// When the text message does not fit any LMS, the AlimTalk's substitute
// still goes, with a subject of its own.
func TestRenderSubstituteSubjectWithoutTextMessage(t *testing.T) {
	sms := texttemplate.Must(texttemplate.New("sms").Parse(strings.Repeat("가", 1001) + `{{range .Replies}}{{.Text}}{{end}}`))
	r, err := NewRenderer(map[string]Templates{"ko": {SMS: sms, AlimTalk: "#{reply}"}})
	if err != nil {
		t.Fatal(err)
	}
	d := RenderData{Workspace: "Acme", Replies: []Reply{{Text: strings.Repeat("가", 100)}}}
	c, long, err := r.render("ko", "ko", d, allChannels)
	if err != nil {
		t.Fatal(err)
	}
	if !errors.Is(long.sms, ErrTooLong) || long.alimTalk != nil {
		t.Fatalf("unfit %+v, want the text message alone too long", long)
	}
	want := Content{SubstituteText: strings.Repeat("가", 100), SubstituteSubject: "[Acme] 문의 답변 안내"}
	got := Content{SubstituteText: c.SubstituteText, SubstituteSubject: c.SubstituteSubject}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("substitute (-want +got):\n%s", diff)
	}
}
