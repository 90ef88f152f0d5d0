package policy_test

import (
	"errors"
	"testing"

	"github.com/followup-go/followup/notify"
	"github.com/followup-go/followup/policy"
)

func TestPayable(t *testing.T) {
	tests := []struct {
		c    notify.Channel
		paid bool
	}{
		{notify.ChannelAlimTalk, true},
		{notify.ChannelSMS, true},
		{notify.ChannelEmail, false},
		{notify.ChannelPush, false},
	}
	for _, tt := range tests {
		if got := policy.Paid(tt.c); got != tt.paid {
			t.Errorf("Paid(%v) = %v", tt.c, got)
		}
		if err := policy.Payable(tt.c, true); err != nil {
			t.Errorf("Payable(%v, true) = %v", tt.c, err)
		}
		err := policy.Payable(tt.c, false)
		if tt.paid != errors.Is(err, policy.ErrPaymentMethodRequired) {
			t.Errorf("Payable(%v, false) = %v", tt.c, err)
		}
	}
}
