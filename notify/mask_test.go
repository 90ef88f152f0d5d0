package notify

import "testing"

func TestMaskRecipient(t *testing.T) {
	tests := []struct{ in, want string }{
		{"+821012345678", "+82******5678"},
		{"minji@example.com", "m***@example.com"},
		{"민지@example.com", "민***@example.com"},
		{"@example.com", "@ex*****.com"},
		{"user-12", "*******"},
		{"device-token-abcdef", "dev************cdef"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := maskRecipient(tt.in); got != tt.want {
			t.Errorf("maskRecipient(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
