/** RFC 4511 LDAPMessage envelope, controls and the PDUs the harness uses. */
export type { LdapEncodeOptions } from './encode-options.js'
export { OpTag } from './op-tags.js'
export type { OpName } from './op-tags.js'
export { CONTROLS_TAG, readControl, readControls, writeControl, writeControls } from './control.js'
export type { Control, ControlInput, ControlWithValueWriter } from './control.js'
export { ResultCode, describeResultCode, isSyncRefreshRequired, resultCodeName } from './result-codes.js'
export type { KnownResultCode, ResultCodeName } from './result-codes.js'
export { REFERRAL_TAG, readReferral, readResultHead, writeResultComponents } from './ldap-result.js'
export type { LdapResult } from './ldap-result.js'
export { readBindRequest, readBindResponse, writeBindRequest, writeBindResponse } from './bind.js'
export type { AuthenticationChoice, BindRequest, BindResponse, SaslAuthentication, SimpleAuthentication } from './bind.js'
export { readUnbindRequest, writeUnbindRequest } from './unbind.js'
export type { UnbindRequest } from './unbind.js'
export { MAX_MESSAGE_ID, readAbandonRequest, writeAbandonRequest } from './abandon.js'
export type { AbandonRequest } from './abandon.js'
export { FilterTag, MAX_FILTER_DEPTH, readFilter, writeFilter } from './filter.js'
export type {
  AndFilter,
  ApproxMatchFilter,
  EqualityMatchFilter,
  ExtensibleMatchFilter,
  Filter,
  FilterKind,
  GreaterOrEqualFilter,
  LessOrEqualFilter,
  NotFilter,
  OrFilter,
  PresentFilter,
  SubstringsFilter,
} from './filter.js'
export { formatFilter, formatValue, parseFilter } from './filter-string.js'
export { DerefAliases, SearchScope, derefAliasesName, readSearchRequest, searchScopeName, writeSearchRequest } from './search-request.js'
export type { SearchRequest } from './search-request.js'
export { readSearchResultEntry, writeSearchResultEntry, writeSearchResultEntryMessage } from './search-result-entry.js'
export { decodeAttributeList, encodeAttributeList, isPlainAttributeList } from './attribute-list.js'
export type { EntryAttributeInput, PartialAttribute, SearchResultEntry } from './search-result-entry.js'
export { readSearchResultReference, writeSearchResultReference } from './search-result-reference.js'
export type { SearchResultReference } from './search-result-reference.js'
export { readSearchResultDone, writeSearchResultDone } from './search-result-done.js'
export type { SearchResultDone } from './search-result-done.js'
export { readExtendedRequest, readExtendedResponse, writeExtendedRequest, writeExtendedResponse } from './extended.js'
export type { ExtendedRequest, ExtendedResponse } from './extended.js'
export { readIntermediateResponse, writeIntermediateResponse } from './intermediate-response.js'
export type { IntermediateResponse } from './intermediate-response.js'
export { UNSUPPORTED_OP_TAGS, readUnsupportedOp, writeUnsupportedOp } from './unsupported-op.js'
export type { UnsupportedOp } from './unsupported-op.js'
export { decodeMessage, encodeMessage, readMessage } from './message.js'
export type { LdapMessage, LdapMessageInput, ProtocolOp, ProtocolOpKind } from './message.js'
export { LdapFramer } from './framer.js'
export type { FramerOptions } from './framer.js'
