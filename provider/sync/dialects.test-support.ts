import { expect } from 'vitest'
import { parse as parseDn } from '../../protocol/dn/index.js'
import { parseFilter } from '../../protocol/ldap/filter-string.js'
import { Directory } from '../directory/index.js'
import type { Change } from '../directory/index.js'
import type { SyncMessage, SyncOperation, SyncSearchRequest } from './types.js'

export const SUFFIX = 'dc=example,dc=com'
export const person = (i: number): string => `uid=p${i},ou=people,${SUFFIX}`

export const rename = (i: number, to: string, newSuperior?: string): Change => ({ kind: 'modDN', dn: person(i), newRdn: to, deleteOldRdn: true, ...(newSuperior ? { newSuperior } : {}) })
export const setCn = (i: number, cn: string): Change => ({ kind: 'modify', dn: person(i), modifications: [{ operation: 'replace', type: 'cn', values: [cn] }] })

/** The suffix, ou=people, ou=other and `people` inetOrgPersons (odd ones staff), all written through apply(). */
export function directory(people = 5, sessionLogSize = 0): Directory {
  let t = Date.parse('2026-01-01T00:00:00Z')
  const d = new Directory({ suffixes: [SUFFIX], sessionLogSize, clock: () => new Date((t += 1)), uuidSeed: 1 })
  d.apply({ kind: 'add', dn: SUFFIX, attributes: { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' } })
  d.apply({ kind: 'add', dn: `ou=people,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'people' } })
  d.apply({ kind: 'add', dn: `ou=other,${SUFFIX}`, attributes: { objectClass: 'organizationalUnit', ou: 'other' } })
  for (let i = 1; i <= people; i++) d.apply({ kind: 'add', dn: person(i), attributes: { objectClass: 'inetOrgPerson', uid: `p${i}`, cn: `P ${i}`, sn: 'P', employeeType: i % 2 ? 'staff' : 'contractor' } })
  return d
}

export interface RequestOptions {
  readonly cookie?: Uint8Array
  readonly filter?: string
  readonly base?: string
  readonly bindDn?: string
  readonly reloadHint?: boolean
  readonly sizeLimit?: number
}

export function request(mode: 'refreshOnly' | 'refreshAndPersist', options: RequestOptions = {}): SyncSearchRequest {
  return {
    messageId: 7,
    base: parseDn(options.base ?? SUFFIX),
    scope: 'sub',
    filter: parseFilter(options.filter ?? '(objectClass=*)'),
    attributes: [],
    sizeLimit: options.sizeLimit ?? 0,
    ...(options.bindDn === undefined ? {} : { bindDn: options.bindDn }),
    sync: { kind: 'syncRequest', mode, reloadHint: options.reloadHint ?? false, ...(options.cookie ? { cookie: options.cookie } : {}) },
  }
}

export function drain(it: Iterator<SyncMessage>): SyncMessage[] {
  const out: SyncMessage[] = []
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value)
  return out
}

/** Runs a refresh to its end and collects persist messages from then on. */
export function run(op: SyncOperation): SyncMessage[] {
  const out = drain(op.refresh())
  if (op.persisting) op.onPersist((m) => out.push(m))
  return out
}

export const last = (ms: readonly SyncMessage[]): SyncMessage => ms[ms.length - 1] as SyncMessage

/** One word per message: `add <dn>`, `delete <dn>`, `syncIdSet`, `refreshDelete`, `done 4096`… */
export const kinds = (ms: readonly SyncMessage[]): string[] => ms.map((m) => (m.kind === 'entry' ? `${m.state} ${m.dn}` : m.kind === 'info' ? m.info.kind : `done ${m.resultCode}`))

/** The cookie a refresh ended with (Done, or a terminating info), required to be there. */
export function cookieOf(ms: readonly SyncMessage[]): Uint8Array {
  const m = last(ms)
  const c = m.kind === 'done' ? m.syncDone?.cookie : m.kind === 'info' ? m.info.cookie : m.cookie
  expect(c, 'the refresh ended without a cookie').toBeDefined()
  return c as Uint8Array
}

export const text = (b: Uint8Array | undefined): string => (b === undefined ? '(absent)' : Buffer.from(b).toString('latin1'))
export const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'))
