/**
 * Debian's ldap-utils as write clients: the same `ldapadd` / `ldapmodify` invocation goes to a
 * real slapd and to our provider, so both receive byte-identical requests from a third party.
 */
import { spawn } from 'node:child_process'
import { HarnessError } from './errors.js'
import { ROOT_DN, ROOT_PASSWORD } from '../../tools/slapd/slapd.js'

export interface BindIdentity {
  readonly dn: string
  readonly password: string
}

export const ROOT_IDENTITY: BindIdentity = { dn: ROOT_DN, password: ROOT_PASSWORD }

/** Adds every entry of `ldif` (plain entries, no changetype) with `ldapadd -x`. */
export function loadLdif(url: string, ldif: string, bind: BindIdentity = ROOT_IDENTITY): Promise<string> {
  return runLdapModify(url, ldif, bind, true)
}

/** Applies change records (`changetype: modify | add | delete | modrdn`) with `ldapmodify -x`. */
export function ldapModify(url: string, ldif: string, bind: BindIdentity = ROOT_IDENTITY): Promise<string> {
  return runLdapModify(url, ldif, bind, false)
}

function runLdapModify(url: string, ldif: string, bind: BindIdentity, add: boolean, timeoutMs = 30_000): Promise<string> {
  const tool = add ? 'ldapadd' : 'ldapmodify'
  const args = ['-x', '-H', url, '-D', bind.dn, '-w', bind.password, ...(add ? ['-a'] : [])]
  return new Promise((resolve, reject) => {
    // ldapadd is ldapmodify -a; LDAPNOINIT keeps ~/.ldaprc and /etc/ldap/ldap.conf out of the run.
    const child = spawn('ldapmodify', args, { env: { ...process.env, LDAPNOINIT: '1' }, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')))
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')))
    child.once('error', (error) =>
      reject(new HarnessError('LDAP_TOOL_FAILED', `${tool} could not be run against ${url}: ${error.message}. Is Debian's ldap-utils installed?`, { cause: error })),
    )
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(stdout)
      const firstLines = ldif.split('\n').slice(0, 6).join('\n')
      reject(
        new HarnessError(
          'LDAP_TOOL_FAILED',
          `${tool} against ${url} failed (exit code ${code}${signal ? `, signal ${signal}` : ''}). stderr:\n${stderr.trim() || '(empty)'}\nstdout:\n${stdout.trim() || '(empty)'}\nLDIF began with:\n${firstLines}`,
        ),
      )
    })
    child.stdin.on('error', () => {
      // The tool may exit before reading all input (bad URL); its exit code tells the story.
    })
    child.stdin.end(ldif)
  })
}
