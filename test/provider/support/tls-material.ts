/**
 * A throwaway self-signed certificate for 127.0.0.1, made at test time with openssl (nothing
 * secret-looking is committed). Returns the PEMs and the certificate's path (for LDAPTLS_CACERT).
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const OPENSSL = '/usr/bin/openssl'

export interface TestCertificate {
  readonly cert: Buffer
  readonly key: Buffer
  readonly certPath: string
  dispose(): Promise<void>
}

export async function makeTestCertificate(): Promise<TestCertificate> {
  if (!existsSync(OPENSSL)) {
    throw new Error(`The TLS tests need ${OPENSSL} to make a throwaway certificate; install Debian's openssl package.`)
  }
  const dir = await mkdtemp(join(tmpdir(), 'syncrepl-harness-tls-'))
  const certPath = join(dir, 'cert.pem')
  const keyPath = join(dir, 'key.pem')
  await new Promise<void>((resolve, reject) => {
    execFile(OPENSSL, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath], (error) => (error ? reject(error) : resolve()))
  })
  return {
    cert: await readFile(certPath),
    key: await readFile(keyPath),
    certPath,
    dispose: () => rm(dir, { recursive: true, force: true }),
  }
}
