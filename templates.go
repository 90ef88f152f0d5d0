package followup

// The built-in templates, in Korean, English and Japanese. Each text below is
// parsed once, the first time a message in its language is rendered, with
// the helpers of [TemplateFuncs]; [DefaultTemplates] returns them parsed, and
// the tests compare the exact text each one produces.
//
// The SMS texts, and the AlimTalk texts, which their substitute SMS repeats,
// use only characters that EUC-KR can encode, so that a Korean carrier
// delivers them as written: the Japanese ones avoid kanji and marks that are
// not in KS X 1001 (様, 担, 当, 届, 続, ー, ・).

// Korean.
const (
	koSMS = `{{if .Workspace}}[{{.Workspace}}] {{end}}문의하신 내용에 답변이 도착했습니다.
{{with .Earlier}}
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}고객님{{else}}상담원{{end}}: {{.Text}}
{{end}}{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}상담원{{end}}: {{.Text}}
{{end}}{{if .Link}}
상담 이어가기: {{.Link}}{{end}}`

	koSMSSubject = `{{if .Workspace}}[{{.Workspace}}] {{end}}문의 답변 안내`

	koAlimTalk = `안녕하세요, #{customer}님.
#{workspace}에 문의하신 내용에 답변이 도착했습니다.

#{reply}

아래 링크에서 상담을 이어가실 수 있습니다.
#{link}`

	koDefaultCustomer = "고객"

	koEmailSubject = `{{if .Workspace}}[{{.Workspace}}] {{end}}문의하신 내용에 답변이 도착했습니다`

	koEmailText = `안녕하세요, {{if .CustomerName}}{{.CustomerName}}님{{else}}고객님{{end}}.
{{if .Workspace}}{{.Workspace}}에 {{end}}문의하신 내용에 답변이 도착했습니다.
{{with .Earlier}}
이전 대화
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}고객님{{else}}상담원{{end}}: {{.Text}}
{{end}}
새 답변{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}상담원{{end}}: {{.Text}}
{{end}}{{if .Link}}
아래 링크에서 상담을 이어가실 수 있습니다.
{{.Link}}
{{end}}
본 메일은 고객님의 문의에 대한 답변을 알려 드리기 위해 발송되었습니다.`

	koEmailHTML = `<!DOCTYPE html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Workspace}}[{{.Workspace}}] {{end}}문의하신 내용에 답변이 도착했습니다</title>
</head>
` + htmlBodyOpen + `
<p style="margin:0 0 16px">안녕하세요, {{if .CustomerName}}{{.CustomerName}}님{{else}}고객님{{end}}.<br>{{if .Workspace}}{{.Workspace}}에 {{end}}문의하신 내용에 답변이 도착했습니다.</p>
{{- with .Earlier}}
` + htmlSection + `이전 대화</p>
{{- range .}}
` + htmlEarlier + `{{if .Author}}{{.Author}}{{else if .FromCustomer}}고객님{{else}}상담원{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
` + htmlSection + `새 답변</p>
{{- end}}
{{- range .Replies}}
` + htmlReply + `{{if .Author}}{{.Author}}{{else}}상담원{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
{{- if .Link}}
` + htmlButton + `상담 이어가기</a></p>
{{- end}}
` + htmlFooter + `본 메일은 고객님의 문의에 대한 답변을 알려 드리기 위해 발송되었습니다.</p>
` + htmlBodyClose

	koPushTitle = `{{if .Workspace}}{{.Workspace}}에서 답변이 도착했습니다{{else}}답변이 도착했습니다{{end}}`

	koPushBody = pushBody
)

// English.
const (
	enSMS = `{{if .Workspace}}[{{.Workspace}}] {{end}}You have a new reply to your inquiry.
{{with .Earlier}}
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}You{{else}}Support{{end}}: {{.Text}}
{{end}}{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}Support{{end}}: {{.Text}}
{{end}}{{if .Link}}
Continue the conversation: {{.Link}}{{end}}`

	enSMSSubject = `{{if .Workspace}}[{{.Workspace}}] {{end}}Reply to your inquiry`

	enAlimTalk = `Hi #{customer},

#{workspace} has replied to your inquiry.

#{reply}

Continue the conversation here:
#{link}`

	enDefaultCustomer = "there"

	enEmailSubject = `{{if .Workspace}}[{{.Workspace}}] {{end}}New reply to your inquiry`

	enEmailText = `{{if .CustomerName}}Hi {{.CustomerName}},{{else}}Hello,{{end}}

{{if .Workspace}}{{.Workspace}} has replied to your inquiry.{{else}}You have a new reply to your inquiry.{{end}}
{{with .Earlier}}
Earlier in the conversation
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}You{{else}}Support{{end}}: {{.Text}}
{{end}}
New reply{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}Support{{end}}: {{.Text}}
{{end}}{{if .Link}}
Continue the conversation here:
{{.Link}}
{{end}}
This email was sent to let you know about a reply to your inquiry.`

	enEmailHTML = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Workspace}}[{{.Workspace}}] {{end}}New reply to your inquiry</title>
</head>
` + htmlBodyOpen + `
<p style="margin:0 0 16px">{{if .CustomerName}}Hi {{.CustomerName}},{{else}}Hello,{{end}}</p>
<p style="margin:0 0 16px">{{if .Workspace}}{{.Workspace}} has replied to your inquiry.{{else}}You have a new reply to your inquiry.{{end}}</p>
{{- with .Earlier}}
` + htmlSection + `Earlier in the conversation</p>
{{- range .}}
` + htmlEarlier + `{{if .Author}}{{.Author}}{{else if .FromCustomer}}You{{else}}Support{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
` + htmlSection + `New reply</p>
{{- end}}
{{- range .Replies}}
` + htmlReply + `{{if .Author}}{{.Author}}{{else}}Support{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
{{- if .Link}}
` + htmlButton + `Continue the conversation</a></p>
{{- end}}
` + htmlFooter + `This email was sent to let you know about a reply to your inquiry.</p>
` + htmlBodyClose

	enPushTitle = `{{if .Workspace}}{{.Workspace}} replied to your inquiry{{else}}You have a new reply{{end}}`

	enPushBody = pushBody
)

// Japanese.
const (
	jaSMS = `{{if .Workspace}}【{{.Workspace}}】{{end}}お問い合わせへの返信がありました。
{{with .Earlier}}
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}お客さま{{else}}窓口{{end}}：{{.Text}}
{{end}}{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}窓口{{end}}：{{.Text}}
{{end}}{{if .Link}}
チャットはこちら：{{.Link}}{{end}}`

	jaSMSSubject = `{{if .Workspace}}【{{.Workspace}}】{{end}}お問い合わせへの返信`

	jaAlimTalk = `#{customer}さま

#{workspace}へのお問い合わせに、窓口から返信がありました。

#{reply}

チャットは、以下のリンクから再開できます。
#{link}`

	jaDefaultCustomer = "お客"

	jaEmailSubject = `{{if .Workspace}}【{{.Workspace}}】{{end}}お問い合わせへの返信が届きました`

	jaEmailText = `{{if .CustomerName}}{{.CustomerName}}様{{else}}お客様{{end}}

{{if .Workspace}}{{.Workspace}}への{{end}}お問い合わせについて、担当者から返信が届きました。
{{with .Earlier}}
これまでのやり取り
{{range .}}{{if .Author}}{{.Author}}{{else if .FromCustomer}}お客様{{else}}担当者{{end}}：{{.Text}}
{{end}}
新しい返信{{end}}
{{range .Replies}}{{if .Author}}{{.Author}}{{else}}担当者{{end}}：{{.Text}}
{{end}}{{if .Link}}
チャットの続きは、以下のリンクからどうぞ。
{{.Link}}
{{end}}
このメールは、お問い合わせへの返信をお知らせするためにお送りしています。`

	jaEmailHTML = `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if .Workspace}}【{{.Workspace}}】{{end}}お問い合わせへの返信が届きました</title>
</head>
` + htmlBodyOpen + `
<p style="margin:0 0 16px">{{if .CustomerName}}{{.CustomerName}}様{{else}}お客様{{end}}</p>
<p style="margin:0 0 16px">{{if .Workspace}}{{.Workspace}}への{{end}}お問い合わせについて、担当者から返信が届きました。</p>
{{- with .Earlier}}
` + htmlSection + `これまでのやり取り</p>
{{- range .}}
` + htmlEarlier + `{{if .Author}}{{.Author}}{{else if .FromCustomer}}お客様{{else}}担当者{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
` + htmlSection + `新しい返信</p>
{{- end}}
{{- range .Replies}}
` + htmlReply + `{{if .Author}}{{.Author}}{{else}}担当者{{end}}</strong><br>` + htmlLines + `</p>
{{- end}}
{{- if .Link}}
` + htmlButton + `チャットを再開する</a></p>
{{- end}}
` + htmlFooter + `このメールは、お問い合わせへの返信をお知らせするためにお送りしています。</p>
` + htmlBodyClose

	jaPushTitle = `{{if .Workspace}}{{.Workspace}}から返信が届きました{{else}}返信が届きました{{end}}`

	jaPushBody = pushBody
)

// Pieces shared by the languages.
const (
	// pushBody is the replies on one line, cut at 100 characters.
	pushBody = `{{truncate 100 (oneLine (joinText .Replies " "))}}`

	htmlBodyOpen = `<body style="margin:0;padding:24px 12px;background:#f4f4f5;color:#18181b;font-family:sans-serif;font-size:15px;line-height:1.6">
<div style="max-width:560px;margin:0 auto;padding:24px;background:#ffffff;border-radius:8px">`
	htmlBodyClose = `</div>
</body>
</html>`
	htmlSection = `<p style="margin:24px 0 8px;font-size:13px;color:#71717a">`
	htmlEarlier = `<p style="margin:0 0 12px;color:#52525b"><strong>`
	htmlReply   = `<p style="margin:0 0 12px"><strong>`
	htmlButton  = `<p style="margin:24px 0"><a href="{{.Link}}" style="display:inline-block;padding:10px 20px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px">`
	htmlFooter  = `<p style="margin:24px 0 0;font-size:12px;color:#71717a">`
	// htmlLines writes a message's lines with <br> between them; each line
	// is escaped as text.
	htmlLines = `{{range $i, $l := lines .Text}}{{if $i}}<br>{{end}}{{$l}}{{end}}`
)
