/**
 * OpenLDAP's ldapsearch as the consumer of the refresh benchmark: a full refreshOnly Sync search
 * (`-E '!sync=ro'`, RFC 4533 §3.3 with no cookie: initial content), timed from spawn to exit, and
 * a counting run that proves the server really sent every entry.
 */
import { spawnTracked, stopTracked } from '../process/tracked.js'
import { withTimeout } from './child-processes.js'

export const LDAPSEARCH = '/usr/bin/ldapsearch'

export interface LdapsearchTarget {
  readonly url: string
  readonly bindDn: string
  readonly password: string
  readonly base: string
}

export function ldapsearchArgs(target: LdapsearchTarget): string[] {
  return ['-x', '-H', target.url, '-D', target.bindDn, '-w', target.password, '-b', target.base, '-E', '!sync=ro']
}

/** The command as a person would type it, output to /dev/null as in the timed runs. */
export function ldapsearchCommand(target: LdapsearchTarget): string {
  return `ldapsearch ${ldapsearchArgs(target)
    .map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a}'`))
    .join(' ')} > /dev/null`
}

/** One run with stdout on /dev/null; the wall time from spawn to exit, in seconds. Fails unless it exits 0. */
export async function timeLdapsearch(target: LdapsearchTarget, timeoutMs: number): Promise<number> {
  const started = process.hrtime.bigint()
  // stdio 'ignore' is /dev/null: ldapsearch writes its LDIF there, as with `> /dev/null`.
  const run = spawnTracked(LDAPSEARCH, ldapsearchArgs(target), { stdio: ['ignore', 'ignore', 'pipe'] })
  const { code, signal } = await finish(run, target, timeoutMs)
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  if (code !== 0) throw new Error(`ldapsearch against ${target.url} exited with code ${code} (signal ${signal}) after ${seconds.toFixed(2)} s. Its stderr:\n${run.output() || '(nothing)'}`)
  return seconds
}

export interface LdapsearchCount {
  /** Lines of the output that start with `dn:` (or `dn::`, base64). */
  readonly dnLines: number
  /** ldapsearch's own `# numEntries:` summary; undefined if it printed none. */
  readonly numEntries: number | undefined
}

/** One extra run whose output is read (not timed): counts the entries it printed. */
export async function countLdapsearch(target: LdapsearchTarget, timeoutMs: number): Promise<LdapsearchCount> {
  const run = spawnTracked(LDAPSEARCH, ldapsearchArgs(target), { stdio: ['ignore', 'pipe', 'pipe'] })
  let dnLines = 0
  let numEntries: number | undefined
  let partial = ''
  const countLine = (line: string) => {
    if (line.startsWith('dn:')) dnLines++
    else if (line.startsWith('# numEntries: ')) numEntries = Number(line.slice('# numEntries: '.length))
  }
  run.child.stdout?.setEncoding('latin1')
  run.child.stdout?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n')
    partial = lines.pop() ?? ''
    for (const line of lines) countLine(line)
  })
  const stdoutDone = new Promise<void>((resolve) => run.child.stdout?.once('close', () => resolve()))
  const { code, signal } = await finish(run, target, timeoutMs)
  await stdoutDone
  countLine(partial)
  if (code !== 0) throw new Error(`The counting ldapsearch against ${target.url} exited with code ${code} (signal ${signal}). Its stderr:\n${run.output() || '(nothing)'}`)
  return { dnLines, numEntries }
}

async function finish(run: ReturnType<typeof spawnTracked>, target: LdapsearchTarget, timeoutMs: number) {
  try {
    return await withTimeout(run.exited, timeoutMs, `ldapsearch against ${target.url} did not finish within ${timeoutMs / 1000} s.`)
  } catch (error) {
    await stopTracked(run, 1_000)
    throw error
  }
}
