/**
 * The protocolOp CHOICE tags of RFC 4511 §4.2–§4.14 (Appendix B), as identifier octets.
 * Requests and responses that carry a SEQUENCE are constructed (0x60 | n); UnbindRequest (NULL),
 * DelRequest (LDAPDN) and AbandonRequest (MessageID) are primitive (0x40 | n).
 */
export const OpTag = {
  bindRequest: 0x60,
  bindResponse: 0x61,
  unbindRequest: 0x42,
  searchRequest: 0x63,
  searchResultEntry: 0x64,
  searchResultDone: 0x65,
  modifyRequest: 0x66,
  modifyResponse: 0x67,
  addRequest: 0x68,
  addResponse: 0x69,
  delRequest: 0x4a,
  delResponse: 0x6b,
  modDNRequest: 0x6c,
  modDNResponse: 0x6d,
  compareRequest: 0x6e,
  compareResponse: 0x6f,
  abandonRequest: 0x50,
  searchResultReference: 0x73,
  extendedRequest: 0x77,
  extendedResponse: 0x78,
  intermediateResponse: 0x79,
} as const

export type OpName = keyof typeof OpTag
