/**
 * The timeline's directory actions: add, modify, modDn, delete and the generator's bulk adds, all
 * through `Directory.apply`, so every change gets its CSN and session-log record and every
 * persisting sync search reacts exactly as it does to an LDAP write.
 */
import { DN } from '../../protocol/index.js'
import { generateDirectory } from '../../fixtures/index.js'
import type { DirectoryAction } from '../../scenarios/types.js'
import type { Change, Directory } from '../directory/index.js'
import { ScenarioRuntimeError } from './errors.js'

/**
 * Applies one directory action.
 *
 * @throws ScenarioRuntimeError SCENARIO_ACTION_FAILED with the directory's refusal as its cause.
 */
export function applyDirectoryAction(directory: Directory, action: DirectoryAction): void {
  if (action.do === 'generate') return generate(directory, action)
  const change = changeOf(action)
  try {
    directory.apply(change)
  } catch (error) {
    throw new ScenarioRuntimeError('SCENARIO_ACTION_FAILED', `The ${action.do} of "${action.dn}" was refused: ${messageOf(error)}`, action.source, { cause: error })
  }
}

function changeOf(action: Exclude<DirectoryAction, { do: 'generate' }>): Change {
  switch (action.do) {
    case 'add':
      return { kind: 'add', dn: action.dn, attributes: action.attributes }
    case 'modify':
      return { kind: 'modify', dn: action.dn, modifications: action.changes.map((c) => ({ operation: c.operation, type: c.attribute, values: c.values })) }
    case 'modDn':
      return {
        kind: 'modDN',
        dn: action.dn,
        newRdn: action.newRdn,
        deleteOldRdn: action.deleteOldRdn,
        ...(action.newSuperior === undefined ? {} : { newSuperior: action.newSuperior }),
      }
    case 'delete':
      return { kind: 'delete', dn: action.dn }
    default: {
      const never: never = action
      throw new Error(`Unknown directory action ${JSON.stringify(never)}.`)
    }
  }
}

/**
 * `count` people from the seeded generator (same seed, same people and entryUUIDs), added one
 * by one under `parent` (default ou=people under the first suffix). An add that fails does not
 * stop the others; the failures are reported together.
 */
function generate(directory: Directory, action: Extract<DirectoryAction, { do: 'generate' }>): void {
  const suffix = DN.format(directory.suffixes[0] as DN.Dn)
  const peopleDn = `ou=people,${suffix}`
  const parent = action.parent ?? peopleDn
  const failures: string[] = []
  let added = 0
  for (const entry of generateDirectory({ count: action.count, seed: action.seed, suffix, groups: 0 })) {
    // The suffix entry and the two containers come first; only the people are wanted.
    const rdn = DN.rdn(entry.dn)
    const container = DN.parent(entry.dn)
    if (rdn === undefined || container === undefined || !DN.equals(container, peopleDn)) continue
    const dn = DN.format(DN.child(parent, rdn))
    try {
      directory.apply({ kind: 'add', dn, attributes: entry.attributes, uuid: entry.entryUUID })
      added++
    } catch (error) {
      failures.push(`"${dn}": ${messageOf(error)}`)
    }
  }
  if (failures.length > 0) {
    throw new ScenarioRuntimeError('SCENARIO_ACTION_FAILED',
      `${failures.length} of ${action.count} generated entries could not be added under "${parent}" (${added} were); the first: ${failures[0]}`, action.source)
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
