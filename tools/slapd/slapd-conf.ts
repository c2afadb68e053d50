/**
 * The slapd.conf of a throwaway slapd: Debian's schemas and modules, one back_mdb database under
 * dc=example,dc=com with the syncprov overlay, everything else (pid file, database) inside the
 * slapd's own temp dir so that it never touches the packaged service or /etc/ldap/slapd.d.
 * slapadd reads the same file, so a preloaded database has exactly the indexes slapd expects.
 */
import { join } from 'node:path'

export const SLAPD_MODULES = '/usr/lib/ldap'
export const SLAPD_SCHEMAS = '/etc/ldap/schema'
export const SUFFIX = 'dc=example,dc=com'
export const ROOT_DN = `cn=admin,${SUFFIX}`
export const ROOT_PASSWORD = 'secret'
/** A small map: a test DIT is tiny, and a sparse 64 MiB file costs nothing. */
export const DEFAULT_MAX_SIZE = 64 * 1024 * 1024

/** What slapd.conf depends on (the launcher's options, defaults applied by the caller where noted). */
export interface SlapdConfOptions {
  /** `syncprov-sessionlog <size>`; false, 0 or undefined = no session log. */
  readonly sessionLog?: number | false
  /** `syncprov-reloadhint TRUE` when true. */
  readonly reloadHint?: boolean
  /** `syncprov-checkpoint <ops> <minutes>`; undefined = contextCSN written at shutdown only. */
  readonly checkpoint?: { readonly ops: number; readonly minutes: number }
  /** Global `serverID`; 0 or undefined = none (no `sid=` in cookies). */
  readonly serverId?: number
  /** back_mdb `maxsize` in bytes. */
  readonly maxSize: number
  readonly rootPassword: string
}

/** slapd.conf for a slapd whose pid file, args file and database (`<dir>/db`) live in `dir`. */
export function slapdConf(dir: string, options: SlapdConfOptions): string {
  const lines = [
    ...['core', 'cosine', 'inetorgperson', 'nis'].map((s) => `include ${SLAPD_SCHEMAS}/${s}.schema`),
    `pidfile ${join(dir, 'slapd.pid')}`,
    `argsfile ${join(dir, 'slapd.args')}`,
    `modulepath ${SLAPD_MODULES}`,
    'moduleload back_mdb',
    'moduleload syncprov',
  ]
  if (options.serverId) lines.push(`serverID ${options.serverId}`)
  lines.push(
    'database mdb',
    // The map is sparse: a generous maxsize costs nothing until the data is there.
    `maxsize ${options.maxSize}`,
    `suffix "${SUFFIX}"`,
    `rootdn "${ROOT_DN}"`,
    `rootpw ${options.rootPassword}`,
    `directory ${join(dir, 'db')}`,
    'index objectClass eq',
    // slapo-syncprov(5) recommends these indexes; the present phase searches on entryCSN.
    'index entryCSN,entryUUID eq',
    // rfc4533.md §3.7: refresh entries count against limits; lift them for the sync identity.
    `limits dn.exact="${ROOT_DN}" size=unlimited time=unlimited`,
    'overlay syncprov',
  )
  if (options.checkpoint) lines.push(`syncprov-checkpoint ${options.checkpoint.ops} ${options.checkpoint.minutes}`)
  if (options.sessionLog) lines.push(`syncprov-sessionlog ${options.sessionLog}`)
  if (options.reloadHint) lines.push('syncprov-reloadhint TRUE')
  return `${lines.join('\n')}\n`
}
