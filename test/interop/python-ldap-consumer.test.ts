/**
 * Interop: python-ldap's own consumer (`ldap.syncrepl.SyncreplConsumer`, written by other people
 * against slapd) converges against our provider: a full refresh, a resume with the stored cookie
 * after every kind of change (RFC 4533 §3.4 refresh with a cookie), and live changes in
 * refreshAndPersist (§3.4.2) — each with the session log off (present phase, §3.4.1) and on
 * (deletes sent explicitly, §3.4.2 refreshDeletes TRUE). The replica the script saves is compared
 * with the provider's directory, entry by entry.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createProvider } from '../../provider/index.js'
import type { Change, Provider } from '../../provider/index.js'
import * as DN from '../../protocol/dn/index.js'
import { requirePeers, skipInterop } from './peers.js'
import { ConsumerProcess, refreshOnce } from './python-consumer-process.js'
import type { ConsumerEvent, ConsumerOptions } from './python-consumer-process.js'
import { readReplica } from '../support/python-replica.js'
import type { ReplicaState } from '../support/python-replica.js'
import { providerContent, replicaDifferences } from './replica-comparison.js'
import type { ContentSpec } from './replica-comparison.js'

const BASE = 'dc=example,dc=com'
const PASSWORD = 'secret'
const PEOPLE = `ou=people,${BASE}`
const ENGINEERING = `ou=engineering,${PEOPLE}`

// A small tree with a non-leaf (ou=engineering), a multi-valued and a non-ASCII value, a value
// that is not UTF-8 (jpegPhoto: a JPEG header) and employeeType for the filter case.
const LDIF = `dn: ${BASE}
objectClass: top
objectClass: dcObject
objectClass: organization
dc: example
o: Example

dn: ${PEOPLE}
objectClass: organizationalUnit
ou: people

dn: ${ENGINEERING}
objectClass: organizationalUnit
ou: engineering
description: a non-leaf entry

dn: uid=alice,${ENGINEERING}
objectClass: inetOrgPerson
uid: alice
cn: Alice Smith
sn: Smith
employeeType: staff

dn: uid=bob,${ENGINEERING}
objectClass: inetOrgPerson
uid: bob
cn: Bob Jones
sn: Jones
employeeType: contractor

dn: uid=carol,${PEOPLE}
objectClass: inetOrgPerson
uid: carol
cn: Carol Zoë Brown
cn: Carol Brown
sn: Brown
mail: carol@example.com
mail: cbrown@example.com
employeeType: staff
jpegPhoto:: /9j/4AAQSkZJRgABAQ==

dn: uid=dave,${PEOPLE}
objectClass: inetOrgPerson
uid: dave
cn: Dave King
sn: King
employeeType: staff

dn: ou=archive,${BASE}
objectClass: organizationalUnit
ou: archive
`

const person = (uid: string, employeeType: string) => ({
  objectClass: ['inetOrgPerson'], uid, cn: `${uid} New`, sn: 'New', employeeType,
})

const tmp = mkdtempSync(join(tmpdir(), 'python-ldap-consumer-'))
let stateCount = 0
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

async function withProvider(options: { sessionLog: number; generate?: number }, body: (p: Provider) => Promise<void>): Promise<void> {
  requirePeers('python-ldap')
  const provider = await createProvider({
    ...(options.generate === undefined ? { ldif: LDIF } : { generate: { count: options.generate, seed: 'python-ldap consumer' } }),
    password: PASSWORD,
    sessionLog: options.sessionLog,
  })
  // slapd 2.5 uses its session log only for a cookie at or after the first change it logged
  // (sl_mincsn; loaded data is never logged), so one write before the first refresh lets the
  // resumes below take the log path. Made with the log off too, so only the log differs.
  provider.directory.apply({ kind: 'modify', dn: BASE, modifications: [{ operation: 'add', type: 'description', values: ['warm-up write'] }] })
  try {
    await body(provider)
  } finally {
    await provider.close()
  }
}

function consumerOptions(provider: Provider, spec: ContentSpec): Omit<ConsumerOptions, 'mode'> {
  return {
    url: provider.url,
    bindDn: provider.bindDn ?? '',
    password: PASSWORD,
    base: spec.base,
    state: join(tmp, `replica-${++stateCount}.json`),
    ...(spec.filter === undefined ? {} : { filter: spec.filter }),
    ...(spec.attrs === undefined ? {} : { attrs: spec.attrs }),
  }
}

function expectConverged(provider: Provider, spec: ContentSpec, statePath: string): ReplicaState {
  const replica = readReplica(statePath)
  expect(replicaDifferences(replica, providerContent(provider.directory, spec))).toEqual([])
  return replica
}

const uuidOf = (provider: Provider, dn: string): string => {
  const entry = provider.directory.getByDn(dn)
  if (entry === undefined) throw new Error(`The test data has no entry ${dn}.`)
  return entry.uuid
}

/** The python-ldap callback that ends a refreshOnly: present(None, refreshDeletes=<Done's flag>). */
function finalPresent(events: readonly ConsumerEvent[]): Extract<ConsumerEvent, { event: 'present' }> {
  const last = events.filter((e) => e.event === 'present' && e.uuids === null).at(-1)
  if (last === undefined || last.event !== 'present') throw new Error(`No present(None, ...) callback: ${JSON.stringify(events)}`)
  return last
}

const updatedUuids = (events: readonly ConsumerEvent[]) => events.flatMap((e) => (e.event === 'entry' ? [e.uuid] : []))
const deletedUuids = (events: readonly ConsumerEvent[]) => events.flatMap((e) => (e.event === 'delete' ? e.uuids : []))
const removedByPresent = (events: readonly ConsumerEvent[]) => events.flatMap((e) => (e.event === 'present' ? e.removed : []))

interface ResumeCase {
  readonly name: string
  readonly filter?: string
  /** The changes, made between the two runs; returns the UUIDs the resume must send as entries and as gone. */
  readonly change: (provider: Provider) => { readonly updated: readonly string[]; readonly gone: readonly string[] }
}

const apply = (provider: Provider, change: Change) => provider.directory.apply(change)

const RESUME_CASES: readonly ResumeCase[] = [
  {
    name: 'an add',
    change: (p) => ({ updated: [apply(p, { kind: 'add', dn: `uid=erin,${PEOPLE}`, attributes: person('erin', 'staff') }).uuid], gone: [] }),
  },
  {
    name: 'a modify (replace, add and delete of values, the non-UTF-8 value replaced)',
    change: (p) => ({
      updated: [apply(p, {
        kind: 'modify',
        dn: `uid=carol,${PEOPLE}`,
        modifications: [
          { operation: 'replace', type: 'mail', values: ['carol.brown@example.com'] },
          { operation: 'add', type: 'description', values: ['moved desks', 'Ünïcode'] },
          { operation: 'delete', type: 'cn', values: ['Carol Brown'] },
          { operation: 'replace', type: 'jpegPhoto', values: [Uint8Array.from([0xff, 0xd8, 0xff, 0xdb, 0x80])] },
        ],
      }).uuid],
      gone: [],
    }),
  },
  {
    name: 'a rename (modDN newRdn, deleteOldRdn)',
    change: (p) => ({ updated: [apply(p, { kind: 'modDN', dn: `uid=dave,${PEOPLE}`, newRdn: 'uid=david', deleteOldRdn: true }).uuid], gone: [] }),
  },
  {
    name: 'a move of a leaf to another parent (newSuperior)',
    change: (p) => ({
      updated: [apply(p, { kind: 'modDN', dn: `uid=bob,${ENGINEERING}`, newRdn: 'uid=bob', deleteOldRdn: false, newSuperior: `ou=archive,${BASE}` }).uuid],
      gone: [],
    }),
  },
  {
    name: 'a delete',
    change: (p) => ({ updated: [], gone: [apply(p, { kind: 'delete', dn: `uid=carol,${PEOPLE}` }).uuid] }),
  },
  {
    name: 'an entry leaving and one entering the filter (employeeType=staff)',
    filter: '(employeeType=staff)',
    change: (p) => {
      const leaving = apply(p, { kind: 'modify', dn: `uid=alice,${ENGINEERING}`, modifications: [{ operation: 'replace', type: 'employeeType', values: ['contractor'] }] })
      const entering = apply(p, { kind: 'modify', dn: `uid=bob,${ENGINEERING}`, modifications: [{ operation: 'replace', type: 'employeeType', values: ['staff'] }] })
      return { updated: [entering.uuid], gone: [leaving.uuid] }
    },
  },
]

describe.skipIf(skipInterop('python-ldap'))("python-ldap's SyncreplConsumer converges against our provider", () => {
  for (const sessionLog of [0, 100]) {
    const logged = sessionLog > 0
    describe(`session log ${logged ? 'ON (100)' : 'OFF'}`, () => {
      it('full initial refresh (refreshOnly) of the small tree', async () => {
        await withProvider({ sessionLog }, async (p) => {
          const spec = { base: BASE }
          const options = consumerOptions(p, spec)
          const events = await refreshOnce(options)
          const replica = expectConverged(p, spec, options.state)
          expect(Object.keys(replica.entries)).toHaveLength(p.directory.size)
          // The JPEG header is not UTF-8: python-ldap handed over the exact bytes.
          expect(replica.entries[uuidOf(p, `uid=carol,${PEOPLE}`)]?.base64).toEqual(['jpegPhoto'])
          // Initial content ends with Done{cookie, refreshDeletes TRUE}, as slapd's does (docs/provider.md).
          expect(finalPresent(events).refreshDeletes).toBe(true)
          expect(replica.cookie).not.toBeNull()
        })
      })

      it('full initial refresh of 300 generated entries with operational attributes (*, +)', async () => {
        await withProvider({ sessionLog, generate: 300 }, async (p) => {
          const spec = { base: BASE, attrs: ['*', '+'] }
          const options = consumerOptions(p, spec)
          await refreshOnce(options)
          const replica = expectConverged(p, spec, options.state)
          expect(Object.keys(replica.entries)).toHaveLength(p.directory.size)
          // The syncUUID python-ldap keys by is the entry's own entryUUID attribute (RFC 4533 §2.1.1).
          for (const [uuid, entry] of Object.entries(replica.entries)) expect(entry.attributes.entryUUID).toEqual([uuid])
        })
      })

      for (const c of RESUME_CASES) {
        it(`resume with the stored cookie after ${c.name}`, async () => {
          await withProvider({ sessionLog }, async (p) => {
            const spec = { base: BASE, ...(c.filter === undefined ? {} : { filter: c.filter }) }
            const options = consumerOptions(p, spec)
            await refreshOnce(options)
            const before = expectConverged(p, spec, options.state)
            const { updated, gone } = c.change(p)
            const events = await refreshOnce(options)
            expect(events[0]).toEqual({ event: 'start', cookie: before.cookie })
            const after = expectConverged(p, spec, options.state)
            expect(after.cookie).not.toBe(before.cookie)
            // Only the changed entries come back as entries (an incremental refresh, not a reload).
            expect(new Set(updatedUuids(events))).toEqual(new Set(updated))
            // With the log, deletes arrive as syncIdSet{refreshDeletes TRUE} (syncrepl_delete) and
            // the refresh ends refreshDeletes TRUE; without it, a present phase ends with
            // refreshDeletes FALSE and python-ldap's present(None, False) removes the rest.
            expect(finalPresent(events).refreshDeletes).toBe(logged)
            for (const uuid of gone) {
              expect(logged ? deletedUuids(events) : removedByPresent(events)).toContain(uuid)
            }
            expect(removedByPresent(events).filter((u) => !gone.includes(u))).toEqual([])
          })
        })
      }

      it('resume after a move and rename of a NON-LEAF entry: the children keep stale DNs', async () => {
        await withProvider({ sessionLog }, async (p) => {
          const spec = { base: BASE }
          const options = consumerOptions(p, spec)
          await refreshOnce(options)
          const alice = uuidOf(p, `uid=alice,${ENGINEERING}`)
          const bob = uuidOf(p, `uid=bob,${ENGINEERING}`)
          const moved = apply(p, { kind: 'modDN', dn: ENGINEERING, newRdn: 'ou=research', deleteOldRdn: true, newSuperior: BASE })
          const events = await refreshOnce(options)
          // The provider, as slapd (back-mdb renames a subtree without touching the children's
          // entryCSNs), sends only the renamed entry; the children come back at most as present
          // UUIDs (no log) or not at all (log). python-ldap's SyncreplConsumer hands the app a DN
          // per entry and nothing else, so a consumer that stores DNs by UUID, as python-ldap's
          // docs and tests do, keeps the children's old DNs: a known weakness of that consumer
          // model (it would have to rewrite descendants' DNs itself), not a provider bug.
          expect(updatedUuids(events)).toEqual([moved.uuid])
          const stale = readReplica(options.state)
          expect(stale.entries[moved.uuid]?.dn).toBe(`ou=research,${BASE}`)
          expect(stale.entries[alice]?.dn).toBe(`uid=alice,${ENGINEERING}`)
          expect(stale.entries[bob]?.dn).toBe(`uid=bob,${ENGINEERING}`)
          expect(replicaDifferences(stale, providerContent(p.directory, spec))).toEqual([
            `${alice}: the replica has DN "uid=alice,${ENGINEERING}", the provider "uid=alice,ou=research,${BASE}".`,
            `${bob}: the replica has DN "uid=bob,${ENGINEERING}", the provider "uid=bob,ou=research,${BASE}".`,
          ])
          // A reload without a cookie (data kept) resends every entry and repairs the DNs.
          writeFileSync(options.state, JSON.stringify({ ...stale, cookie: null }))
          await refreshOnce(options)
          expectConverged(p, spec, options.state)
        })
      })

      it('resume over 300 generated entries after deletes and adds (present lists in batches)', async () => {
        await withProvider({ sessionLog, generate: 300 }, async (p) => {
          const spec = { base: BASE }
          const options = consumerOptions(p, spec)
          await refreshOnce(options)
          const people = [...p.directory.search({ base: `ou=people,${BASE}`, scope: 'one' })].slice(0, 3)
          const gone = people.map((e) => apply(p, { kind: 'delete', dn: e.dnText }).uuid)
          const added = apply(p, { kind: 'add', dn: `uid=zed,ou=people,${BASE}`, attributes: person('zed', 'staff') }).uuid
          const events = await refreshOnce(options)
          expectConverged(p, spec, options.state)
          expect(updatedUuids(events)).toEqual([added])
          const presentBatches = events.filter((e) => e.event === 'present' && e.uuids !== null && e.uuids.length > 1)
          if (logged) {
            expect(new Set(deletedUuids(events))).toEqual(new Set(gone))
            expect(presentBatches).toHaveLength(0)
          } else {
            // syncIdSet{refreshDeletes FALSE} batches of 256 UUIDs (slapd's), accumulated by python-ldap.
            expect(presentBatches.length).toBeGreaterThanOrEqual(2)
            expect(new Set(removedByPresent(events))).toEqual(new Set(gone))
          }
        })
      })

      it('refreshAndPersist: live add, modify, rename and delete, each seen, then an idle resume', async () => {
        await withProvider({ sessionLog }, async (p) => {
          const spec = { base: BASE }
          const options = consumerOptions(p, spec)
          const consumer = new ConsumerProcess({ ...options, mode: 'refreshAndPersist' })
          try {
            let at = await consumer.until('refreshDone', (e) => e.event === 'refreshDone')
            const added = apply(p, { kind: 'add', dn: `uid=erin,${PEOPLE}`, attributes: person('erin', 'staff') })
            at = await consumer.until(`entry ${added.uuid} (add)`, (e) => e.event === 'entry' && e.uuid === added.uuid, at + 1)
            const modified = apply(p, { kind: 'modify', dn: `uid=carol,${PEOPLE}`, modifications: [{ operation: 'add', type: 'mail', values: ['c@example.org'] }] })
            at = await consumer.until(`entry ${modified.uuid} (modify)`, (e) => e.event === 'entry' && e.uuid === modified.uuid, at + 1)
            const renamed = apply(p, { kind: 'modDN', dn: `uid=dave,${PEOPLE}`, newRdn: 'uid=david', deleteOldRdn: true })
            at = await consumer.until(`entry ${renamed.uuid} (rename)`,
              (e) => e.event === 'entry' && e.uuid === renamed.uuid && DN.equals(e.dn, `uid=david,${PEOPLE}`), at + 1)
            const deleted = apply(p, { kind: 'delete', dn: `uid=erin,${PEOPLE}` })
            await consumer.until(`delete ${deleted.uuid}`, (e) => e.event === 'delete' && e.uuids.includes(deleted.uuid), at + 1)
            consumer.stop('stdin')
            const events = await consumer.finished()
            // The search ended by Cancel (RFC 3909): resultCode 118, which python-ldap raises as CANCELLED.
            expect(events.some((e) => e.event === 'cancelled')).toBe(true)
          } finally {
            consumer.kill()
          }
          const replica = expectConverged(p, spec, options.state)
          // The last persist message's cookie names the newest change (the contextCSN).
          expect(Buffer.from(replica.cookie ?? '', 'base64').toString('latin1')).toContain(`csn=${p.directory.contextCsnVector().join(';')}`)
          // Nothing changed since that cookie: the resume sends no entry and no delete, and its
          // Done carries no cookie (as slapd's), so python-ldap keeps the stored one.
          const events = await refreshOnce(options)
          expect(updatedUuids(events)).toEqual([])
          expect(deletedUuids(events)).toEqual([])
          expect(events.some((e) => e.event === 'cookie')).toBe(false)
          expect(readReplica(options.state)).toEqual(replica)
          expectConverged(p, spec, options.state)
        })
      })

      it('refreshAndPersist ended by SIGTERM saves a cookie that a later refreshOnly resumes from', async () => {
        await withProvider({ sessionLog }, async (p) => {
          const spec = { base: BASE }
          const options = consumerOptions(p, spec)
          const consumer = new ConsumerProcess({ ...options, mode: 'refreshAndPersist' })
          try {
            const at = await consumer.until('refreshDone', (e) => e.event === 'refreshDone')
            const modified = apply(p, { kind: 'modify', dn: `uid=dave,${PEOPLE}`, modifications: [{ operation: 'replace', type: 'sn', values: ['Kingsley'] }] })
            await consumer.until(`entry ${modified.uuid}`, (e) => e.event === 'entry' && e.uuid === modified.uuid, at + 1)
            consumer.stop('SIGTERM')
            expect((await consumer.finished()).some((e) => e.event === 'cancelled')).toBe(true)
          } finally {
            consumer.kill()
          }
          expectConverged(p, spec, options.state)
          const gone = apply(p, { kind: 'delete', dn: `uid=alice,${ENGINEERING}` }).uuid
          const added = apply(p, { kind: 'add', dn: `uid=erin,${PEOPLE}`, attributes: person('erin', 'contractor') }).uuid
          const events = await refreshOnce(options)
          expectConverged(p, spec, options.state)
          expect(updatedUuids(events)).toEqual([added])
          expect(logged ? deletedUuids(events) : removedByPresent(events)).toEqual([gone])
        })
      })
    })
  }
})
