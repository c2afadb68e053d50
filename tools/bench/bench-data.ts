/**
 * The directory the provider benchmarks serve: the seeded generator's people under
 * dc=example,dc=com, the same seed for our provider (`generate`) and for slapd (`generateLdif`
 * through slapadd), so both serve the same entries byte for byte.
 */
import { defaultGroupCount } from '../../fixtures/index.js'

export const BENCH_DATA = {
  seed: 4533,
  base: 'dc=example,dc=com',
  rootDn: 'cn=admin,dc=example,dc=com',
  password: 'secret',
} as const

/** Entries the generator makes for `people` people: suffix, ou=people, ou=groups, the people, the groups. */
export function generatedEntries(people: number): number {
  return 3 + people + defaultGroupCount(people)
}
