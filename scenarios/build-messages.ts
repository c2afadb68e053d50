/**
 * `send:` messages of script mode (scenarios/types.ts ScriptMessage): the exact RFC 4533 and
 * RFC 4511 messages to write, including malformed ones, so nothing here is checked against the
 * protocol. Only the text form is checked (hex, UUIDs, ranges), by the validator.
 */
import { arrayAt, booleanAt, numberAt, objectAt, soleKey, stringAt } from './checked-tree.js'
import type { CheckedObject } from './checked-tree.js'
import { attributesOf, bytesOf, resultCodeOf, uuidOf } from './build-values.js'
import { optional } from './optional-member.js'
import type { TreePositions } from './tree-positions.js'
import type { ScriptEncoding, ScriptMessage } from './types.js'

type SyncInfo = Extract<ScriptMessage, { kind: 'syncInfo' }>['info']

export const MESSAGE_KEYS = ['entry', 'syncInfo', 'done', 'extended', 'raw'] as const
const SYNC_INFO_KEYS = ['newcookie', 'refreshDelete', 'refreshPresent', 'syncIdSet'] as const

/** The message, or undefined when a part of it was invalid (and reported). */
export function buildMessage(send: CheckedObject | undefined, positions: TreePositions): ScriptMessage | undefined {
  const kind = soleKey(send, MESSAGE_KEYS)
  switch (kind) {
    case undefined:
      return undefined
    case 'entry':
      return entryMessage(objectAt(send, 'entry'), positions)
    case 'syncInfo':
      return syncInfoMessage(objectAt(send, 'syncInfo'))
    case 'done':
      return doneMessage(objectAt(send, 'done'))
    case 'extended':
      return extendedMessage(objectAt(send, 'extended'))
    case 'raw': {
      const bytes = bytesOf(send?.raw)
      return bytes === undefined ? undefined : { kind: 'raw', bytes }
    }
    default: {
      const unreachable: never = kind
      throw new Error(`Unhandled message kind ${String(unreachable)}.`)
    }
  }
}

function entryMessage(o: CheckedObject | undefined, positions: TreePositions): ScriptMessage | undefined {
  const dn = stringAt(o, 'dn')
  const state = o?.state
  const uuid = uuidOf(o?.uuid)
  if (dn === undefined || (typeof state !== 'string' && typeof state !== 'number') || uuid === undefined) return undefined
  return {
    kind: 'entry',
    dn,
    state: state as 'present' | 'add' | 'modify' | 'delete' | number,
    uuid,
    ...optional('cookie', bytesOf(o?.cookie)),
    attributes: attributesOf(o?.attributes, positions),
    stateControl: (stringAt(o, 'stateControl') ?? 'one') as 'one' | 'none' | 'duplicate',
    ...common(o),
  }
}

function syncInfoMessage(o: CheckedObject | undefined): ScriptMessage | undefined {
  const type = soleKey(o, SYNC_INFO_KEYS)
  let info: SyncInfo | undefined
  switch (type) {
    case undefined:
      return undefined
    case 'newcookie': {
      const cookie = bytesOf(o?.newcookie)
      info = cookie === undefined ? undefined : { type, cookie }
      break
    }
    case 'refreshDelete':
    case 'refreshPresent': {
      const phase = objectAt(o, type)
      info = phase === undefined ? undefined : { type, ...optional('cookie', bytesOf(phase.cookie)), refreshDone: booleanAt(phase, 'refreshDone') ?? true }
      break
    }
    case 'syncIdSet': {
      const set = objectAt(o, type)
      const uuids = arrayAt(set, 'uuids')?.map(uuidOf)
      if (set === undefined || uuids === undefined || uuids.some((u) => u === undefined)) return undefined
      info = { type, ...optional('cookie', bytesOf(set.cookie)), refreshDeletes: booleanAt(set, 'refreshDeletes') ?? false, uuids: uuids as Uint8Array[] }
      break
    }
    default: {
      const unreachable: never = type
      throw new Error(`Unhandled Sync Info choice ${String(unreachable)}.`)
    }
  }
  return info === undefined ? undefined : { kind: 'syncInfo', info, ...common(o) }
}

function doneMessage(o: CheckedObject | undefined): ScriptMessage | undefined {
  if (o === undefined) return undefined
  const syncDone = objectAt(o, 'syncDone')
  return {
    kind: 'done',
    resultCode: resultCodeOf(o.resultCode) ?? 0,
    diagnosticMessage: stringAt(o, 'diagnosticMessage') ?? '',
    ...optional('matchedDn', stringAt(o, 'matchedDn')),
    ...optional('syncDone', syncDone === undefined ? undefined : {
      ...optional('cookie', bytesOf(syncDone.cookie)),
      refreshDeletes: booleanAt(syncDone, 'refreshDeletes') ?? false,
    }),
    ...common(o),
  }
}

function extendedMessage(o: CheckedObject | undefined): ScriptMessage | undefined {
  if (o === undefined) return undefined
  return {
    kind: 'extended',
    resultCode: resultCodeOf(o.resultCode) ?? 0,
    diagnosticMessage: stringAt(o, 'diagnosticMessage') ?? '',
    ...optional('name', stringAt(o, 'name')),
    ...optional('value', bytesOf(o.value)),
    ...optional('messageId', numberAt(o, 'messageId')),
  }
}

/** `encoding` and `messageId`, each only when written. */
function common(o: CheckedObject | undefined): { encoding?: ScriptEncoding; messageId?: number } {
  const e = objectAt(o, 'encoding')
  const encoding: ScriptEncoding | undefined = e === undefined ? undefined : {
    ...optional('explicitDefaults', booleanAt(e, 'explicitDefaults')),
    ...optional('trueOctet', numberAt(e, 'trueOctet')),
    ...optional('lengthOctets', numberAt(e, 'lengthOctets')),
  }
  return { ...optional('encoding', encoding), ...optional('messageId', numberAt(o, 'messageId')) }
}
