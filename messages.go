package followup

import (
	"errors"

	"golang.org/x/text/language"
)

// lang is one of the languages the library's own texts (field messages,
// built-in templates) come in; it indexes arrays of them.
type lang = int

// The built-in languages. English is first: it is the fallback.
const (
	langEN lang = iota
	langKO
	langJA
	numLangs
)

// langNames are the built-in languages' BCP 47 tags.
var langNames = [numLangs]string{langEN: "en", langKO: "ko", langJA: "ja"}

// langOf returns the built-in language for a BCP 47 locale: Korean, English
// or Japanese by the locale's base language, English for anything else.
func langOf(locale string) lang {
	l, _ := knownLang(locale)
	return l
}

// maxLocale bounds the locale tags read at all: the customer's comes from
// their browser, and parsing a tag takes time quadratic in its length. A
// real tag, extensions and all, is well under it.
const maxLocale = 128

// parseLocale is language.Parse for a tag of at most maxLocale bytes.
func parseLocale(locale string) (language.Tag, error) {
	if len(locale) > maxLocale {
		return language.Und, errLongLocale
	}
	return language.Parse(locale)
}

// errLongLocale is parseLocale's error for a tag over maxLocale bytes. It
// is never shown: its callers only read that there is an error.
var errLongLocale = errors.New("locale too long")

// knownLang returns the built-in language of locale by its base language,
// and whether it is one; English and false for any other or invalid locale,
// or one longer than 128 bytes.
func knownLang(locale string) (lang, bool) {
	// Fast path for the plain tags hosts pass most.
	switch locale {
	case "":
		return langEN, false
	case "ko", "ko-KR":
		return langKO, true
	case "en", "en-US", "en-GB":
		return langEN, true
	case "ja", "ja-JP":
		return langJA, true
	}
	t, err := parseLocale(locale)
	if err != nil {
		return langEN, false
	}
	base, _ := t.Base()
	switch base.String() {
	case "ko":
		return langKO, true
	case "ja":
		return langJA, true
	case "en":
		return langEN, true
	}
	return langEN, false
}

// text is one sentence in every built-in language.
type text [numLangs]string

// fieldText is the customer-facing reason for one field and code; Field 0
// stands for every field.
type fieldText struct {
	field Field
	code  Code
	text  text
}

// fieldTexts are the customer-facing reasons. They are a plain array, not a
// map, so that nothing is built at package init.
var fieldTexts = [...]fieldText{
	{0, CodeNotAsked, text{
		langEN: "This question is not asked here.",
		langKO: "여기서는 묻지 않는 항목이에요.",
		langJA: "この項目はここではお伺いしていません。",
	}},
	{FieldName, CodeEmpty, text{
		langEN: "Please enter your name.",
		langKO: "이름을 입력해 주세요.",
		langJA: "お名前を入力してください。",
	}},
	{FieldName, CodeTooLong, text{
		langEN: "That name is too long. Please use at most 64 characters.",
		langKO: "이름이 너무 길어요. 64자 이내로 입력해 주세요.",
		langJA: "お名前が長すぎます。64文字以内で入力してください。",
	}},
	{FieldName, CodeInvalidEncoding, text{
		langEN: "That name contains characters we cannot read. Please type it again.",
		langKO: "이름에 읽을 수 없는 문자가 있어요. 다시 입력해 주세요.",
		langJA: "お名前に読み取れない文字が含まれています。もう一度入力してください。",
	}},
	{FieldName, CodeControlCharacter, text{
		langEN: "Please enter your name on one line, without special characters.",
		langKO: "이름은 특수 문자 없이 한 줄로 입력해 주세요.",
		langJA: "お名前は特殊文字を使わず1行で入力してください。",
	}},
	{FieldName, CodeInvisibleCharacter, text{
		langEN: "That name contains invisible characters. Please type it again.",
		langKO: "이름에 보이지 않는 문자가 있어요. 다시 입력해 주세요.",
		langJA: "お名前に見えない文字が含まれています。もう一度入力してください。",
	}},
	{FieldName, CodeContainsLink, text{
		langEN: "A name cannot contain a web address.",
		langKO: "이름에는 웹 주소를 넣을 수 없어요.",
		langJA: "お名前にURLは使えません。",
	}},
	{FieldName, CodeContainsEmail, text{
		langEN: "A name cannot contain an email address. Please enter your name only.",
		langKO: "이름에는 이메일 주소를 넣을 수 없어요. 이름만 입력해 주세요.",
		langJA: "お名前にメールアドレスは使えません。お名前のみ入力してください。",
	}},
	{FieldPhone, CodeEmpty, text{
		langEN: "Please enter your mobile phone number.",
		langKO: "휴대폰 번호를 입력해 주세요.",
		langJA: "携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodeTooLong, text{
		langEN: "That is too long for a phone number. Please check it.",
		langKO: "전화번호로 보기에는 너무 길어요. 다시 확인해 주세요.",
		langJA: "電話番号としては長すぎます。ご確認ください。",
	}},
	{FieldPhone, CodeNotANumber, text{
		langEN: "That does not look like a phone number. Please enter it in digits.",
		langKO: "전화번호 형식이 아니에요. 숫자로 입력해 주세요.",
		langJA: "電話番号の形式ではありません。数字で入力してください。",
	}},
	{FieldPhone, CodeInvalidNumber, text{
		langEN: "That number does not exist. Please check it and include the country code if you are abroad.",
		langKO: "존재하지 않는 번호예요. 번호를 확인하고, 해외 번호라면 국가 번호를 함께 입력해 주세요.",
		langJA: "存在しない番号です。番号をご確認のうえ、海外の番号は国番号から入力してください。",
	}},
	{FieldPhone, CodeAmbiguousNumber, text{
		langEN: "That number can be read in two ways. Please write it with + and the country code, such as +81 90-1234-5678.",
		langKO: "번호를 두 가지로 읽을 수 있어요. +81 90-1234-5678처럼 +와 국가 번호로 시작해 입력해 주세요.",
		langJA: "番号が二通りに読めます。+81 90-1234-5678のように、+と国番号から入力してください。",
	}},
	{FieldPhone, CodeFixedLine, text{
		langEN: "That is a landline, which cannot receive text messages. Please enter a mobile number.",
		langKO: "유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "固定電話の番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodeVoIP, text{
		langEN: "An internet phone number cannot receive text messages. Please enter a mobile number.",
		langKO: "인터넷 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "IP電話の番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodeTollFree, text{
		langEN: "A toll-free number cannot receive text messages. Please enter a mobile number.",
		langKO: "수신자 부담 번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "フリーダイヤルの番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodePremiumRate, text{
		langEN: "A premium-rate number cannot receive text messages. Please enter a mobile number.",
		langKO: "정보이용료 번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "有料情報サービスの番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodePersonalNumber, text{
		langEN: "A virtual or forwarding number cannot receive text messages. Please enter a mobile number.",
		langKO: "안심번호나 평생번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "転送用の番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodeNotMobile, text{
		langEN: "That number cannot receive text messages. Please enter a mobile number.",
		langKO: "이 번호로는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.",
		langJA: "この番号ではメッセージを受け取れません。携帯電話番号を入力してください。",
	}},
	{FieldPhone, CodeRegionNotAllowed, text{
		langEN: "We cannot send text messages to numbers in that country. Please enter a different number.",
		langKO: "해당 국가의 번호로는 문자를 보낼 수 없어요. 다른 번호를 입력해 주세요.",
		langJA: "その国の番号にはメッセージを送信できません。別の番号を入力してください。",
	}},
	{FieldEmail, CodeEmpty, text{
		langEN: "Please enter your email address.",
		langKO: "이메일 주소를 입력해 주세요.",
		langJA: "メールアドレスを入力してください。",
	}},
	{FieldEmail, CodeTooLong, text{
		langEN: "That email address is too long. Please check it.",
		langKO: "이메일 주소가 너무 길어요. 다시 확인해 주세요.",
		langJA: "メールアドレスが長すぎます。ご確認ください。",
	}},
	{FieldEmail, CodeInvalidEmail, text{
		langEN: "That does not look like an email address. Please enter it as name@example.com.",
		langKO: "이메일 주소 형식이 아니에요. name@example.com 형식으로 입력해 주세요.",
		langJA: "メールアドレスの形式ではありません。name@example.com の形式で入力してください。",
	}},
}

// genericText is the reason for a field and code the table does not know.
var genericText = text{
	langEN: "Please check your answer and try again.",
	langKO: "입력하신 내용을 확인하고 다시 입력해 주세요.",
	langJA: "入力内容をご確認のうえ、もう一度入力してください。",
}

// message returns the customer-facing reason for f and c in l.
func message(f Field, c Code, l lang) string {
	for _, ft := range fieldTexts {
		if ft.code == c && (ft.field == f || ft.field == 0) {
			return ft.text[l]
		}
	}
	return genericText[l]
}

// developerTexts are the English reasons used in error strings.
var developerTexts = [...]struct {
	code Code
	text string
}{
	{CodeEmpty, "empty"},
	{CodeTooLong, "too long"},
	{CodeNotAsked, "not asked by the settings"},
	{CodeNotANumber, "not a phone number"},
	{CodeInvalidNumber, "not a valid number in its region"},
	{CodeAmbiguousNumber, "ambiguous: \"00\" read as \"+\" and as the region's prefix give two numbers"},
	{CodeFixedLine, "a landline number cannot receive text messages"},
	{CodeVoIP, "a VoIP number cannot receive text messages"},
	{CodeTollFree, "a toll-free number cannot receive text messages"},
	{CodePremiumRate, "a premium-rate number cannot receive text messages"},
	{CodePersonalNumber, "a personal (forwarding) number cannot receive text messages"},
	{CodeNotMobile, "the number cannot receive text messages"},
	{CodeRegionNotAllowed, "text messages do not go to the number's country"},
	{CodeInvalidEmail, "not a deliverable email address"},
	{CodeInvalidEncoding, "not valid UTF-8"},
	{CodeControlCharacter, "contains a control character"},
	{CodeInvisibleCharacter, "contains an invisible formatting character"},
	{CodeContainsLink, "contains a URL"},
	{CodeContainsEmail, "contains an email address"},
}

func developerText(c Code) string {
	for _, d := range developerTexts {
		if d.code == c {
			return d.text
		}
	}
	return "refused"
}
