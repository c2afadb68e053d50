/**
 * The files a scenario names (LDIF fixtures, TLS certificate and key): they must exist, and LDIF
 * fixtures must parse and hold only records that can be initial data, the way the provider's
 * loader (provider/directory/load.ts) will read them. An LDIF problem is reported at the LDIF
 * file's own line and column, with a hint naming the scenario line that lists the file.
 */
import { statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { LdifError, readLdifFile } from '../fixtures/ldif/index.js'
import type { ProblemList } from './problem-list.js'
import type { SourceRef } from './types.js'

export interface FixturePath {
  /** Absolute, for the runtime. */
  readonly absolute: string
  /** Relative to where the scenario file was named from, for messages. */
  readonly display: string
}

export function fixturePath(scenarioFile: string, written: string): FixturePath {
  return { absolute: resolve(dirname(resolve(scenarioFile)), written), display: join(dirname(scenarioFile), written) }
}

/** Reports SCENARIO_FIXTURE_MISSING unless `path` is a readable file; true when it is one. */
export function checkFixtureExists(path: FixturePath, what: string, at: SourceRef, problems: ProblemList): boolean {
  let isFile = false
  try {
    isFile = statSync(path.absolute).isFile()
  } catch {
    problems.add('SCENARIO_FIXTURE_MISSING', at, `The ${what} ${path.display} does not exist; paths are relative to the scenario file.`)
    return false
  }
  if (!isFile) problems.add('SCENARIO_FIXTURE_MISSING', at, `The ${what} ${path.display} is not a file.`)
  return isFile
}

interface LdifVerdict {
  readonly error?: LdifError
  readonly unreadable?: string
  readonly changeRecord?: { readonly kind: string; readonly dn: string; readonly index: number }
}

/** Verdicts by path, size and modification time, so that linting many scenarios reads a shared fixture once. */
const verdicts = new Map<string, LdifVerdict>()

export function checkLdifFixture(path: FixturePath, at: SourceRef, problems: ProblemList): void {
  if (!checkFixtureExists(path, 'LDIF file', at, problems)) return
  const stat = statSync(path.absolute)
  const key = `${path.absolute}\0${stat.size}\0${stat.mtimeMs}\0${path.display}`
  let verdict = verdicts.get(key)
  if (verdict === undefined) {
    verdict = judgeLdif(path)
    verdicts.set(key, verdict)
  }
  const listed = `listed at ${at.file}:${at.line}:${at.column}`
  if (verdict.error !== undefined) {
    const e = verdict.error
    const prefix = `${e.file}:${e.line}:${e.column}: `
    const sentence = e.message.startsWith(prefix) ? e.message.slice(prefix.length) : e.message
    problems.add('SCENARIO_LDIF', { file: e.file, line: e.line, column: e.column }, sentence, `${e.code}, ${listed}`)
  } else if (verdict.unreadable !== undefined) {
    problems.add('SCENARIO_FIXTURE_MISSING', at, `The LDIF file ${path.display} cannot be read: ${verdict.unreadable}.`)
  } else if (verdict.changeRecord !== undefined) {
    const { kind, dn, index } = verdict.changeRecord
    problems.add('SCENARIO_LDIF', at,
      `The LDIF file ${path.display} holds a ${kind} change record (record ${index + 1}, "${dn}"); initial data can only be content records and "changetype: add" records.`)
  }
}

function judgeLdif(path: FixturePath): LdifVerdict {
  try {
    const records = readLdifFile(path.absolute, { file: path.display })
    const index = records.findIndex((r) => r.kind !== 'content' && r.kind !== 'add')
    const record = records[index]
    return record === undefined ? {} : { changeRecord: { kind: record.kind, dn: record.dn, index } }
  } catch (e) {
    if (e instanceof LdifError) return { error: e }
    return { unreadable: (e as Error).message }
  }
}
