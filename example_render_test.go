package followup_test

import (
	"fmt"
	"log"
	"text/template"

	"github.com/followup-go/followup"
)

func ExampleRenderer_Render() {
	var r followup.Renderer // the zero value uses the built-in templates
	c, err := r.Render("ko-KR", "ko", followup.RenderData{
		Workspace:    "Acme",
		CustomerName: "김민수",
		Earlier: []followup.Message{
			{FromCustomer: true, Text: "주문한 상품이 언제 배송되나요?"},
		},
		Replies: []followup.Reply{
			{Author: "지수", Text: "주문하신 상품은 내일 출고됩니다."},
		},
		Link: "https://chat.example.com/c/123",
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.Locale)
	fmt.Println("--- AlimTalk")
	fmt.Println(c.AlimTalkText)
	fmt.Println("--- SMS/LMS:", c.SMSSubject)
	fmt.Println(c.SMSText)
	fmt.Println("--- Email:", c.EmailSubject)
	// Output:
	// ko
	// --- AlimTalk
	// 안녕하세요, 김민수님.
	// Acme에 문의하신 내용에 답변이 도착했습니다.
	//
	// 주문하신 상품은 내일 출고됩니다.
	//
	// 아래 링크에서 상담을 이어가실 수 있습니다.
	// https://chat.example.com/c/123
	// --- SMS/LMS: [Acme] 문의 답변 안내
	// [Acme] 문의하신 내용에 답변이 도착했습니다.
	//
	// 고객님: 주문한 상품이 언제 배송되나요?
	//
	// 지수: 주문하신 상품은 내일 출고됩니다.
	//
	// 상담 이어가기: https://chat.example.com/c/123
	// --- Email: [Acme] 문의하신 내용에 답변이 도착했습니다
}

func ExampleNewRenderer() {
	// Replace the English push title; everything else stays built in.
	title := template.Must(template.New("push-title").Funcs(followup.TemplateFuncs()).
		Parse(`{{.Workspace}}: {{len .Replies}} new {{if eq (len .Replies) 1}}reply{{else}}replies{{end}}`))
	r, err := followup.NewRenderer(map[string]followup.Templates{
		"en": {PushTitle: title},
	})
	if err != nil {
		log.Fatal(err)
	}
	c, err := r.Render("en-US", "", followup.RenderData{
		Workspace: "Acme",
		Replies:   []followup.Reply{{Text: "Hi!"}, {Text: "Your refund was approved."}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(c.PushTitle)
	fmt.Println(c.PushBody)
	// Output:
	// Acme: 2 new replies
	// Hi! Your refund was approved.
}

func ExampleDefaultTemplates() {
	// The AlimTalk body to register with Kakao for Korean customers.
	t, err := followup.DefaultTemplates("ko")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(t.AlimTalk)
	// Output:
	// 안녕하세요, #{customer}님.
	// #{workspace}에 문의하신 내용에 답변이 도착했습니다.
	//
	// #{reply}
	//
	// 아래 링크에서 상담을 이어가실 수 있습니다.
	// #{link}
}
