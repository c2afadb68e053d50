/**
 * slapd.conf of the consumer slapd: one back_mdb database whose suffix is the search base, filled
 * by a `syncrepl` directive pointing at the provider under test, plus the monitor database, whose
 * `cn=Consumer 001` entry says when slapd's refresh is over (see refresh-watch.ts).
 *
 * Everything (pid file, database) lives in `<stateDir>/slapd`, so the next run of the same case
 * finds slapd's own stored state: the replicated entries and the contextCSN on the suffix entry,
 * from which slapd builds its next cookie (rfc4533.md §3.9).
 */
import { join } from 'node:path'
import { DEFAULT_MAX_SIZE, SLAPD_MODULES, SLAPD_SCHEMAS } from '../../../tools/slapd/slapd-conf.js'
import type { ConsumerSettings } from './settings.js'

/** slapd's replica ID for our one syncrepl directive: cookies say `rid=001`. */
export const RID = 1
export const RID_TEXT = `rid=${String(RID).padStart(3, '0')}`

/**
 * refreshOnly: the next poll is a day away and a failed attempt is retried once, an hour later,
 * so one run sees exactly one refresh (plus slapd's immediate retry after a 4096, which does not
 * go through `retry`). refresh-watch.ts recognises the end of a run by a next connection this
 * far away.
 */
export const POLL_INTERVAL = '01:00:00:00'
export const REFRESH_ONLY_RETRY = '3600 1'
/** Anything scheduled this far ahead is "not during this run". */
export const FAR_AWAY_MS = 30 * 60 * 1000

/**
 * refreshAndPersist: reconnect after a drop (the contract asks for a reconnect with backoff):
 * every second five times, then every 5 s. slapd's `retry` takes (interval, count) pairs.
 */
export const PERSIST_RETRY = '1 5 5 +'

/** The schemas the harness's fixtures use (the same set tools/slapd gives the provider slapd). */
const SCHEMAS = ['core', 'cosine', 'inetorgperson', 'nis']

/** Paths of one state directory's slapd. */
export interface SlapdPaths {
  readonly dir: string
  readonly conf: string
  readonly db: string
  readonly log: string
}

export function slapdPaths(stateDir: string): SlapdPaths {
  const dir = join(stateDir, 'slapd')
  return { dir, conf: join(dir, 'slapd.conf'), db: join(dir, 'db'), log: join(dir, 'slapd.log') }
}

/** The slapd.conf text for `settings`. */
export function consumerConf(paths: SlapdPaths, settings: ConsumerSettings): string {
  const lines = [
    ...SCHEMAS.map((s) => `include ${SLAPD_SCHEMAS}/${s}.schema`),
    `pidfile ${join(paths.dir, 'slapd.pid')}`,
    `argsfile ${join(paths.dir, 'slapd.args')}`,
    `modulepath ${SLAPD_MODULES}`,
    'moduleload back_mdb',
    'database mdb',
    `maxsize ${DEFAULT_MAX_SIZE}`,
    `suffix ${quote(settings.base)}`,
    // syncrepl writes as the rootdn; nobody needs to bind as it, so it has no password.
    `rootdn ${quote(`cn=syncrepl-consumer,${settings.base}`)}`,
    `directory ${quote(paths.db)}`,
    'index objectClass eq',
    // syncrepl looks entries up by entryUUID; present-phase cleanup compares entryCSNs.
    'index entryUUID,entryCSN eq',
    syncreplDirective(settings),
    // The monitor database publishes cn=Consumer 001 (olmSRConnection, olmSRNextConnect).
    'database monitor',
  ]
  return `${lines.join('\n')}\n`
}

/** The `syncrepl` directive, one keyword per continuation line (slapd.conf(5): lines starting with white space continue the previous one). */
export function syncreplDirective(settings: ConsumerSettings): string {
  const words = [
    RID_TEXT,
    `provider=${settings.url}`,
    // A test provider's certificate is self-signed: encrypt, but do not verify it.
    ...(/^ldaps:/i.test(settings.url) ? ['tls_reqcert=never'] : []),
    settings.mode === 'refreshOnly' ? 'type=refreshOnly' : 'type=refreshAndPersist',
    ...(settings.mode === 'refreshOnly' ? [`interval=${POLL_INTERVAL}`, `retry=${quote(REFRESH_ONLY_RETRY)}`] : [`retry=${quote(PERSIST_RETRY)}`]),
    `searchbase=${quote(settings.base)}`,
    `scope=${settings.scope}`,
    `filter=${quote(settings.filter)}`,
    // Empty list = every user attribute. slapd adds objectClass, structuralObjectClass and
    // entryCSN to any list itself (syncrepl.c init_syncrepl), so its own bookkeeping works.
    `attrs=${quote(settings.attributes.length === 0 ? '*' : settings.attributes.join(','))}`,
    'bindmethod=simple',
    // Without binddn slapd binds anonymously (a simple bind with an empty name).
    ...(settings.bindDn === undefined ? [] : [`binddn=${quote(settings.bindDn)}`, `credentials=${quote(settings.password)}`]),
  ]
  return `syncrepl ${words.join('\n  ')}`
}

/**
 * A double-quoted slapd.conf word. slapd's tokenizer (config.c strtok_quote) drops a backslash
 * and keeps the character after it literally, so `\` and `"` are escaped with one; a filter's
 * own `\2a` escapes therefore survive as `\\2a` in the file.
 */
export function quote(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`
}
