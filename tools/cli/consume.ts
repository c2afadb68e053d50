import { parseArgs } from 'node:util'
import { FileStore, HandshakeError, LdapClientError, LdapResultError, MemoryStore, SyncProtocolError, SyncreplConsumer, exportJson, exportLdif } from '../../consumer/index.js'
import type { ReplicaStore, SessionHooksOptions } from '../../consumer/index.js'
import { formatResponseCode } from '../../protocol/replsession/index.js'
import { CliError } from './cli-error.js'
import { runConsumeContract } from './consume-contract.js'
import { describeHookPayload, hookOptions, HOOK_PARSE_OPTIONS } from './consume-hooks.js'

export const CONSUME_HELP = `Usage: syncrepl-harness consume --url URL --base DN [options]
       syncrepl-harness consume --state DIR --dump ldif|json
       syncrepl-harness consume --contract

Runs the reference RFC 4533 consumer against a provider: one refreshOnly sync (default), or a
refreshAndPersist session until Ctrl-C. With --state it keeps the replica and cookie in DIR
(crash-safe) and resumes from the stored cookie next time; --dump prints the stored replica
without contacting any provider.

Options:
  --url URL             ldap://host:port or ldaps://host:port
  --base DN             Search base of the synchronised content
  --scope S             base | one | sub (default sub)
  --filter F            RFC 4515 filter (default (objectClass=*))
  --attrs A,B,…         Attributes to synchronise (default all user attributes)
  --mode M              refreshOnly (default) | refreshAndPersist
  --bind-dn DN          Simple bind identity
  --password PW         Its password
  --start-tls           Issue StartTLS before binding
  --state DIR           Keep the replica and cookie in DIR (default: in memory, nothing kept)
  --reload-hint         Send reloadHint TRUE (ask for a full reload instead of 4096)
  --timeout SECONDS     Give up on a refreshOnly that has not finished by then
  --progress            Show entries and entries/s on stderr even when it is not a terminal
  --dump FORMAT         With --state: print the stored replica as ldif or json and exit
  --contract            Read the SYNCREPL_* variables and follow docs/consumer-contract.md:
                        report.json and events.jsonl in SYNCREPL_STATE_DIR
  -h, --help            Show this help

Session hooks (389-DS style handshake before the sync, on the same connection; any --hook-*
option turns it on; in syncrepl the consumer plays the 389 supplier's hook role):
  --hook-guid GUID      Payload format identifier sent in the Start request (needs data)
  --hook-data TEXT      Payload data, as UTF-8 text
  --hook-data-hex HEX   Payload data, as hex octets (instead of --hook-data)
  --hook-data-nul       Append one NUL octet to the data, as 389 peers send C strings
  --hook-on-unsupported fail|skip
                        Provider without 2.16.840.1.113730.3.5.12: fail (default) or sync
                        without the handshake, as 389 does
  --hook-timeout SECONDS
                        Wait this long for the handshake's answers (default 120)

Exit codes: 0 synchronised (or dumped, or persist stopped by Ctrl-C); 1 the provider answered
with an error result or the sync could not complete (timeout, connection lost); 2 usage error;
3 the provider broke RFC 4533 (the session was ended, the store left as last committed);
4 the session handshake did not succeed but may be retried later (0x0E backoff, 0x01 busy,
0x03, a timeout, a lost connection); 5 the session handshake failed for good (0x0C disabled,
another fatal code, no 3.5.12 under fail, an undecodable answer). After 4 and 5 no sync search
was sent and the store is exactly as it was.`

export async function runConsume(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args,
      options: {
        url: { type: 'string' },
        base: { type: 'string' },
        scope: { type: 'string' },
        filter: { type: 'string' },
        attrs: { type: 'string' },
        mode: { type: 'string' },
        'bind-dn': { type: 'string' },
        password: { type: 'string' },
        'start-tls': { type: 'boolean' },
        state: { type: 'string' },
        'reload-hint': { type: 'boolean' },
        timeout: { type: 'string' },
        progress: { type: 'boolean' },
        dump: { type: 'string' },
        contract: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
        ...HOOK_PARSE_OPTIONS,
      },
    })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness consume --help\`.`, 2)
  }
  const v = parsed.values
  if (v.help) {
    process.stdout.write(CONSUME_HELP + '\n')
    return 0
  }
  if (v.contract) return runConsumeContract(Object.keys(v).filter((k) => k !== 'contract'))
  if (v.dump !== undefined) {
    if (v.state === undefined) throw new CliError('--dump needs --state DIR: it prints the replica stored there.', 2)
    if (v.dump !== 'ldif' && v.dump !== 'json') throw new CliError(`--dump takes ldif or json, not ${JSON.stringify(v.dump)}.`, 2)
    const store = await openStore(v.state)
    const snapshot = await store.load()
    process.stdout.write(v.dump === 'ldif' ? exportLdif(snapshot) : exportJson(snapshot))
    await store.close()
    return 0
  }
  if (v.url === undefined || v.base === undefined) throw new CliError('consume needs --url and --base (or --state DIR --dump FORMAT). Run `syncrepl-harness consume --help`.', 2)
  const scope = v.scope ?? 'sub'
  if (scope !== 'base' && scope !== 'one' && scope !== 'sub') throw new CliError(`--scope takes base, one or sub, not ${JSON.stringify(scope)}.`, 2)
  const mode = v.mode ?? 'refreshOnly'
  if (mode !== 'refreshOnly' && mode !== 'refreshAndPersist') throw new CliError(`--mode takes refreshOnly or refreshAndPersist, not ${JSON.stringify(mode)}.`, 2)
  const timeoutMs = v.timeout === undefined ? undefined : Number(v.timeout) * 1000
  if (timeoutMs !== undefined && !(timeoutMs > 0)) throw new CliError(`--timeout takes a number of seconds above 0, not ${JSON.stringify(v.timeout)}.`, 2)

  const sessionHooks: SessionHooksOptions | undefined = hookOptions(v)

  const store: ReplicaStore = v.state === undefined ? new MemoryStore() : await openStore(v.state)
  let consumer: SyncreplConsumer
  try {
    consumer = await SyncreplConsumer.connect({
      url: v.url,
      store,
      ...(v['bind-dn'] === undefined ? {} : { bindDn: v['bind-dn'] }),
      ...(v.password === undefined ? {} : { password: v.password }),
      ...(v['start-tls'] ? { startTls: true } : {}),
      ...(sessionHooks === undefined ? {} : { sessionHooks }),
    })
  } catch (e) {
    await store.close()
    return reportFailure(e)
  }
  const started = Date.now()
  const counts = { entries: 0, deletes: 0 }
  const showProgress = v.progress === true || process.stderr.isTTY === true
  let lastDraw = 0
  let handshake: string | undefined
  consumer.onEvent((e) => {
    if (e.kind === 'handshakeAccepted') handshake = `handshake: READY; provider payload ${describeHookPayload(e.providerGuid, e.providerData)}`
    if (e.kind === 'handshakeSkipped') handshake = 'handshake: skipped (the provider does not list 2.16.840.1.113730.3.5.12)'
    if (e.kind === 'entry') counts.entries++
    if (e.kind === 'delete') counts.deletes += e.uuids.length
    if (showProgress && Date.now() - lastDraw > 250) {
      lastDraw = Date.now()
      const rate = counts.entries / Math.max(0.001, (Date.now() - started) / 1000)
      process.stderr.write(`\r${counts.entries} entries, ${counts.deletes} deletes, ${Math.round(rate)} entries/s   `)
    }
    if (mode === 'refreshAndPersist' && e.kind === 'refreshDone') process.stderr.write(`${showProgress ? '\n' : ''}refresh done, persisting (Ctrl-C stops)\n`)
  })
  const stop = () => void consumer.cancel().catch(() => {})
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  try {
    await consumer.syncSearch({
      base: v.base,
      scope,
      mode,
      ...(v.filter === undefined ? {} : { filter: v.filter }),
      ...(v.attrs === undefined ? {} : { attrs: v.attrs.split(',').map((a) => a.trim()).filter(Boolean) }),
      ...(v['reload-hint'] ? { reloadHint: true } : {}),
    })
    const outcome = await consumer.poll(timeoutMs === undefined ? {} : { timeoutMs })
    if (showProgress) process.stderr.write('\n')
    const replica = await consumer.replica()
    const seconds = ((Date.now() - started) / 1000).toFixed(2)
    const cookie = replica.cookie === undefined ? '(none)' : Buffer.from(replica.cookie).toString('latin1')
    if (outcome.kind === 'timeout') {
      process.stderr.write(`syncrepl-harness: the sync did not finish within ${v.timeout} s; the store keeps its last committed state.\n`)
      return 1
    }
    const ok = outcome.kind === 'refreshDone' || outcome.resultCode === 0 || (mode === 'refreshAndPersist' && outcome.resultCode === 118)
    process.stdout.write(
      `${ok ? 'synchronised' : 'sync ended'}: ${replica.entries.size} entries held, ${counts.entries} received, ${counts.deletes} deleted in ${seconds} s` +
        `${outcome.kind === 'done' && outcome.resultCode !== 0 ? `; result ${outcome.resultCode}${outcome.diagnosticMessage ? ` (${outcome.diagnosticMessage})` : ''}` : ''}\ncookie: ${cookie}\n` +
        (handshake === undefined ? '' : `${handshake}\n`),
    )
    return ok ? 0 : 1
  } catch (e) {
    return reportFailure(e)
  } finally {
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    await consumer.close().catch(() => {})
  }
}

async function openStore(dir: string): Promise<ReplicaStore> {
  try {
    return await FileStore.open(dir)
  } catch (e) {
    throw new CliError(`Cannot open the state directory ${JSON.stringify(dir)}: ${(e as Error).message}`, 1)
  }
}

function reportFailure(e: unknown): number {
  if (e instanceof HandshakeError) {
    const code = e.code === undefined ? '' : `, ${e.codeName ?? 'code'} ${formatResponseCode(e.code)}`
    process.stderr.write(`syncrepl-harness: session handshake failed (${e.reason}, phase ${e.phase}${code}, retry ${e.retry}): ${e.message}\n`)
    return e.retryable ? 4 : 5
  }
  if (e instanceof SyncProtocolError) {
    process.stderr.write(`syncrepl-harness: the provider broke RFC 4533 (${e.code}): ${e.message}\n`)
    return 3
  }
  if (e instanceof LdapResultError || e instanceof LdapClientError) {
    process.stderr.write(`syncrepl-harness: ${e.message}\n`)
    return 1
  }
  throw e
}
