/**
 * Script mode's messages as bytes: exactly what a `send` step says, including what RFC 4533
 * forbids (a state outside 0..3, a syncUUID of any length, a missing or doubled Sync State
 * control), in the encoding it asks for (explicit DEFAULT members, TRUE as 0x01, long-form
 * lengths). Written with our codec's lenient encoder options, never by hand, so a valid message
 * is byte for byte what the engine would send.
 */
import { SYNC_DONE_OID, SYNC_INFO_OID, SYNC_STATE_OID, decodeMessage, describeMessage, encodeMessage, encodeSyncInfoValue, writeSyncDoneValue, writeSyncStateValue } from '../../protocol/index.js'
import type { BooleanForm, ControlInput, LdapEncodeOptions, PartialAttribute, SyncInfoValue } from '../../protocol/index.js'
import type { ScriptEncoding, ScriptMessage } from '../../scenarios/types.js'

export interface EncodedScriptMessage {
  readonly bytes: Buffer
  /** The messageID written (undefined for raw bytes). */
  readonly messageId?: number
  /** One line for the event log. */
  readonly description: string
}

/**
 * Encodes one script message. `defaultMessageId` is the triggering operation's (a sync search's,
 * or a bind's); a message without its own `messageId` needs one.
 *
 * @example
 * encodeScriptMessage({ kind: 'syncInfo', info: { type: 'refreshDelete', refreshDone: true } }, 1).bytes
 * // 30 23 02 01 01 79 1e 80 18 <1.3.6.1.4.1.4203.1.9.1.4> 81 02 a1 00
 * @throws Error when the message needs a message ID and none is known (the caller reports it).
 */
export function encodeScriptMessage(message: ScriptMessage, defaultMessageId: number | undefined): EncodedScriptMessage {
  if (message.kind === 'raw') {
    return { bytes: Buffer.from(message.bytes), description: `${message.bytes.length} raw octets` }
  }
  const messageId = message.messageId ?? defaultMessageId
  if (messageId === undefined) {
    throw new Error(`A ${message.kind} message needs a message ID, and its step's trigger carries no operation to answer; give the message a messageId.`)
  }
  const bytes = encodeMessage(envelope(message, messageId), undefined, ldapOptions(message.kind === 'extended' ? undefined : message.encoding))
  return { bytes, messageId, description: describe(bytes) }
}

type Envelope = Parameters<typeof encodeMessage>[0]

function envelope(message: Exclude<ScriptMessage, { kind: 'raw' }>, messageId: number): Envelope {
  switch (message.kind) {
    case 'entry': {
      const lengthOctets = message.encoding?.lengthOctets ?? 0
      const state = { kind: 'syncState', state: message.state, entryUUID: message.uuid, ...(message.cookie === undefined ? {} : { cookie: message.cookie }) } as const
      // Script mode sends what the RFC forbids on purpose: any state number, any UUID length.
      const control: ControlInput = { type: SYNC_STATE_OID, critical: false, writeValue: (w) => writeSyncStateValue(w, state, { allowInvalid: true, lengthOctets }) }
      const controls = message.stateControl === 'none' ? undefined : message.stateControl === 'duplicate' ? [control, control] : [control]
      return { messageId, op: { kind: 'searchResultEntry', objectName: message.dn, attributes: attributesOf(message.attributes) }, ...(controls === undefined ? {} : { controls }) }
    }
    case 'syncInfo': {
      const enc = message.encoding
      const bool = booleanForm(enc)
      const value = encodeSyncInfoValue(syncInfoValue(message.info), { allowInvalid: true, lengthOctets: enc?.lengthOctets ?? 0, refreshDone: bool, refreshDeletes: bool })
      return { messageId, op: { kind: 'intermediateResponse', responseName: SYNC_INFO_OID, responseValue: value } }
    }
    case 'done': {
      const enc = message.encoding
      const done = message.syncDone
      const controls: ControlInput[] | undefined =
        done === undefined
          ? undefined
          : [{
              type: SYNC_DONE_OID,
              critical: false,
              writeValue: (w) =>
                writeSyncDoneValue(w, { kind: 'syncDone', refreshDeletes: done.refreshDeletes, ...(done.cookie === undefined ? {} : { cookie: done.cookie }) }, {
                  lengthOctets: enc?.lengthOctets ?? 0,
                  refreshDeletes: booleanForm(enc),
                }),
            }]
      const op = { kind: 'searchResultDone', resultCode: message.resultCode, matchedDN: message.matchedDn ?? '', diagnosticMessage: message.diagnosticMessage } as const
      return { messageId, op, ...(controls === undefined ? {} : { controls }) }
    }
    case 'extended':
      return {
        messageId,
        op: {
          kind: 'extendedResponse',
          resultCode: message.resultCode,
          matchedDN: '',
          diagnosticMessage: message.diagnosticMessage,
          ...(message.name === undefined ? {} : { responseName: message.name }),
          ...(message.value === undefined ? {} : { responseValue: message.value }),
        },
      }
    default: {
      const never: never = message
      throw new Error(`Unknown script message kind ${JSON.stringify((never as { kind: string }).kind)}.`)
    }
  }
}

function syncInfoValue(info: Extract<ScriptMessage, { kind: 'syncInfo' }>['info']): SyncInfoValue {
  const cookie = info.type !== 'newcookie' && info.cookie !== undefined ? { cookie: info.cookie } : {}
  switch (info.type) {
    case 'newcookie':
      return { kind: 'newcookie', cookie: info.cookie }
    case 'refreshDelete':
    case 'refreshPresent':
      return { kind: info.type, refreshDone: info.refreshDone, ...cookie }
    case 'syncIdSet':
      return { kind: 'syncIdSet', refreshDeletes: info.refreshDeletes, syncUUIDs: info.uuids, ...cookie }
    default: {
      const never: never = info
      throw new Error(`Unknown Sync Info type ${JSON.stringify((never as { type: string }).type)}.`)
    }
  }
}

/** The encoding choices for the RFC 4533 value's BOOLEAN DEFAULT members. */
function booleanForm(enc: ScriptEncoding | undefined): BooleanForm {
  return { ...(enc?.explicitDefaults === undefined ? {} : { explicit: enc.explicitDefaults }), ...(enc?.trueOctet === undefined ? {} : { trueOctet: enc.trueOctet }) }
}

/**
 * The same choices for the LDAPMessage around it: long-form lengths for the message and its
 * protocolOp, the controls' criticality written even when FALSE, and the TRUE octet.
 */
function ldapOptions(enc: ScriptEncoding | undefined): LdapEncodeOptions | undefined {
  if (enc === undefined) return undefined
  return {
    ...(enc.lengthOctets === undefined ? {} : { lengthOctets: enc.lengthOctets }),
    ...(enc.explicitDefaults === undefined ? {} : { explicitDefaults: enc.explicitDefaults }),
    ...(enc.trueOctet === undefined ? {} : { trueOctet: enc.trueOctet }),
  }
}

function attributesOf(attributes: Readonly<Record<string, readonly string[]>>): PartialAttribute[] {
  return Object.entries(attributes).map(([type, values]) => ({ type, vals: values.map((v) => Buffer.from(v, 'utf8')) }))
}

/** Our codec's one-line description, or a plain one when the bytes do not decode (on purpose). */
function describe(bytes: Buffer): string {
  try {
    return describeMessage(decodeMessage(bytes))
  } catch (error) {
    return `${bytes.length} octets our decoder rejects (${error instanceof Error ? error.message : String(error)})`
  }
}
