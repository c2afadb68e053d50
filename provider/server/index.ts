/**
 * The provider's LDAP server layer: ldapjs accepts and routes, our code owns every outgoing byte
 * (docs/architecture.md "Provider, inside": server).
 */
export { ProviderServer } from './server.js'
export type { ListeningAddress, ProviderServerOptions, TlsMaterial } from './server.js'
export { ProviderEvents } from './events.js'
export type {
  BackpressureEvent,
  CloseReason,
  ConnectionClosedEvent,
  ConnectionOpenedEvent,
  EventOfType,
  HandshakeEvent,
  HandshakeViolationEvent,
  MessageSentEvent,
  NoticeEvent,
  OperationEndedEvent,
  OperationOutcome,
  ProtocolViolationEvent,
  ProviderEvent,
  ProviderEventType,
  RequestReceivedEvent,
  ScenarioErrorEvent,
  ScenarioStepEvent,
  TlsStartedEvent,
} from './events.js'
export type { HandshakeHooks, ServerConfig, ServerHooks, SyncEngineLike, SyncSearchHandle } from './session.js'
export type { WireFault, WriteUnits } from './wire-faults.js'
export { writeSyncMessage, describeSyncMessage } from './encode-sync.js'
export { CANCEL_OID, START_TLS_OID } from './root-dse.js'
export { MANAGE_DSA_IT_OID, SUPPORTED_CONTROLS } from './controls.js'
