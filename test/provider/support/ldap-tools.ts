/**
 * Debian's ldap-utils (ldapsearch, ldapadd, ldapmodify, ldapmodrdn, ldapdelete) as interop
 * peers: spawned asynchronously, awaited to exit, never timed.
 */
import { spawn } from 'node:child_process'

export interface ToolResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export type LdapTool = 'ldapsearch' | 'ldapadd' | 'ldapmodify' | 'ldapmodrdn' | 'ldapdelete'

/** Runs one tool to completion; `input` goes to its stdin (LDIF for ldapadd / ldapmodify). */
export function runTool(tool: LdapTool, args: readonly string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env: { ...process.env, ...options.env } })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, stdout, stderr }))
    child.stdin.end(options.input ?? '')
  })
}

/** `-x -H url -D dn -w password`, the simple-bind arguments every tool takes. */
export function simpleAuth(url: string, dn?: string, password?: string): string[] {
  return ['-x', '-H', url, ...(dn === undefined ? [] : ['-D', dn]), ...(password === undefined ? [] : ['-w', password])]
}

/** The `attr: value` lines of LDIF output, unfolded, as [attr, value] pairs. */
export function ldifPairs(text: string): [string, string][] {
  const unfolded = text.replace(/\n /g, '')
  const out: [string, string][] = []
  for (const line of unfolded.split('\n')) {
    const m = /^([A-Za-z0-9;.-]+):(?: (.*))?$/.exec(line)
    if (m !== null) out.push([m[1] as string, m[2] ?? ''])
  }
  return out
}
