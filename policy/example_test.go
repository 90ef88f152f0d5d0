package policy_test

import (
	"fmt"
	"time"

	"github.com/followup-go/followup/policy"
)

// A workspace that answers live during office hours accepts anyone then, but
// outside them only customers who leave a phone number or an email address,
// because the answer can only reach them as a follow-up.
func ExampleGate() {
	seoul, _ := policy.LoadZone("Asia/Seoul")
	office, _ := policy.ParseHours("mon-fri 09:00-18:00")
	gate := policy.Gate{
		Mode:        policy.GateOutsideOfficeHours,
		OfficeHours: policy.Schedule{Zone: seoul, Hours: []policy.Hours{office}},
	}

	tuesdayNoon := time.Date(2026, 11, 24, 12, 0, 0, 0, seoul.Location())
	tuesdayNight := time.Date(2026, 11, 24, 23, 0, 0, 0, seoul.Location())

	fmt.Println("noon, no contact:  ", gate.Admit(tuesdayNoon, false))
	fmt.Println("night, no contact: ", gate.Admit(tuesdayNight, false))
	fmt.Println("night, gave email: ", gate.Admit(tuesdayNight, true))
	fmt.Println("night, left early: ", gate.Leave(tuesdayNight, false))
	// Output:
	// noon, no contact:   open
	// night, no contact:  awaitContact
	// night, gave email:  open
	// night, left early:  discard
}
