import { Directory } from './directory.js'
import { DirectoryError } from './errors.js'
import type { DirectoryErrorCode } from './errors.js'
import type { ChangeEvent, DirectoryOptions } from './types.js'

/** A clock the test moves by hand; it starts at 2024-01-15T09:30:12.345Z and stands still. */
export class ManualClock {
  ms = Date.UTC(2024, 0, 15, 9, 30, 12, 345)
  readonly now = (): Date => new Date(this.ms)
}

export const SUFFIX = 'dc=example,dc=com'

/**
 * A small directory every change test starts from:
 *
 *     dc=example,dc=com
 *       ou=people     uid=ann (cn Ann Lee), uid=bob (cn Bob Stone)
 *       ou=groups     cn=admins (member uid=ann)
 *
 * loaded as initial data (no events, no session log records), with a frozen clock and seeded UUIDs.
 */
export function smallDirectory(options: DirectoryOptions = {}): { directory: Directory; clock: ManualClock; events: ChangeEvent[] } {
  const clock = new ManualClock()
  const directory = new Directory({ clock: clock.now, uuidSeed: 7, sessionLogSize: 10, ...options })
  const load = (dn: string, attributes: Record<string, string | string[]>): void => {
    directory.loadEntry({ kind: 'add', dn, attributes })
  }
  load(SUFFIX, { objectClass: ['top', 'dcObject', 'organization'], dc: 'example', o: 'Example' })
  load(`ou=people,${SUFFIX}`, { objectClass: ['top', 'organizationalUnit'], ou: 'people' })
  load(`ou=groups,${SUFFIX}`, { objectClass: ['top', 'organizationalUnit'], ou: 'groups' })
  load(`uid=ann,ou=people,${SUFFIX}`, {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid: 'ann', cn: 'Ann Lee', sn: 'Lee', mail: 'ann@example.com', uidNumber: '1000',
  })
  load(`uid=bob,ou=people,${SUFFIX}`, {
    objectClass: ['top', 'person', 'organizationalPerson', 'inetOrgPerson'],
    uid: 'bob', cn: 'Bob Stone', sn: 'Stone', telephoneNumber: '+1 555 0100',
  })
  load(`cn=admins,ou=groups,${SUFFIX}`, { objectClass: ['top', 'groupOfNames'], cn: 'admins', member: `uid=ann,ou=people,${SUFFIX}` })
  const events: ChangeEvent[] = []
  directory.onChange((event) => events.push(event))
  return { directory, clock, events }
}

/** Runs `action`, expecting a DirectoryError with this code; returns it for further checks. */
export function expectDirectoryError(action: () => unknown, code: DirectoryErrorCode): DirectoryError {
  try {
    action()
  } catch (error) {
    if (!(error instanceof DirectoryError)) throw error
    if (error.code !== code) throw new Error(`Expected ${code}, got ${error.code}: ${error.message}`, { cause: error })
    return error
  }
  throw new Error(`Expected a DirectoryError ${code}, but nothing was thrown.`)
}

/** The DN texts of an iterable of entries. */
export function dnsOf(entries: Iterable<{ readonly dnText: string }>): string[] {
  return [...entries].map((e) => e.dnText)
}
