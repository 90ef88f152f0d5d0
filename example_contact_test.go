package followup_test

import (
	"errors"
	"fmt"

	"github.com/followup-go/followup"
)

func ExampleParsePhone() {
	for _, raw := range []string{"010-1234-5678", "０１０ １２３４ ５６７８", "02-123-4567", "1234"} {
		p, err := followup.ParsePhone(raw, "KR")
		if err == nil {
			err = p.TextError()
		}
		var fe *followup.FieldError
		if errors.As(err, &fe) {
			fmt.Printf("refused (%s): %s\n", fe.Code, fe.Message("ko"))
			continue
		}
		// The Phone holds the real number; printing it masks it.
		fmt.Printf("accepted %s, a %s number in %s, shown as %v\n", p.E164, p.Type, p.Region, p)
	}
	// Output:
	// accepted +821012345678, a mobile number in KR, shown as +82 **-****-5678
	// accepted +821012345678, a mobile number in KR, shown as +82 **-****-5678
	// refused (fixedLine): 유선 전화번호는 문자를 받을 수 없어요. 휴대폰 번호를 입력해 주세요.
	// refused (invalidNumber): 존재하지 않는 번호예요. 번호를 확인하고, 해외 번호라면 국가 번호를 함께 입력해 주세요.
}

func ExampleSettings_ParseContact() {
	s := followup.Settings{AskName: true, AskPhone: true, AskEmail: true}
	account := followup.Account{HasPaymentMethod: true}
	c, err := s.ParseContact(followup.ContactInput{
		Name:  "홍길동",
		Phone: "070-1234-5678",
		Email: "Gildong@Example.COM",
	}, account)
	var ve *followup.ValidationError
	if errors.As(err, &ve) {
		for _, fe := range ve.Errors {
			fmt.Printf("ask again for the %s: %s\n", fe.Field, fe.Message("en"))
		}
	}
	fmt.Println("kept:", c)
	fmt.Println("reachable:", c.Reachable())
	// Output:
	// ask again for the phone: An internet phone number cannot receive text messages. Please enter a mobile number.
	// kept: Contact{name: 홍*동, email: G***@example.com, purpose: inquiry}
	// reachable: true
}
