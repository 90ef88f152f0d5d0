package policy

// Purpose names what contact data is used for. Contact data collected by the
// follow-up feature carries the purpose it was collected for, which is always
// [PurposeInquiry]: answering the consultation the customer asked for.
//
// Any other purpose needs separate, explicit consent from the customer.
type Purpose string

// The purposes the library knows. A host may define others; any purpose that
// is not [PurposeInquiry] is treated as one that needs consent.
const (
	// PurposeInquiry is answering the inquiry the customer made: the only
	// purpose the follow-up engine itself ever uses contact data for.
	PurposeInquiry Purpose = "inquiry"
	// PurposeMarketing is sending advertising or promotional messages.
	PurposeMarketing Purpose = "marketing"
	// PurposeAnalytics is using the data for analysis beyond the inquiry.
	PurposeAnalytics Purpose = "analytics"
	// PurposeThirdParty is handing the data to a third party.
	PurposeThirdParty Purpose = "thirdParty"
)
