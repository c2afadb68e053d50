import { parseArgs } from 'node:util'
import { describeMessage } from '../../protocol/describe-message.js'
import { ProtocolError } from '../../protocol/errors.js'
import { LdapFramer } from '../../protocol/ldap/framer.js'
import { decodeMessage } from '../../protocol/ldap/message.js'
import { decodeEndReplicationRequest, decodeReplicationResponse, decodeStartReplicationRequest } from '../../protocol/replsession/index.js'
import {
  decodeCancelRequestValue,
  decodeSyncDoneValue,
  decodeSyncInfoValue,
  decodeSyncRequestValue,
  decodeSyncStateValue,
  formatSyncUuid,
} from '../../protocol/sync/index.js'
import { CliError } from './cli-error.js'

export const DECODE_HELP = `Usage: syncrepl-harness decode [--value KIND] [HEX…]

Decodes hex (from the arguments, or stdin when there are none) and prints one line per LDAP
message, with RFC 4533 controls and Sync Info values decoded. Whitespace, colons and a 0x
prefix in the hex are ignored; several concatenated messages are decoded one after another.

Options:
  --value KIND   Decode a bare value instead of whole LDAPMessages. KIND is one of:
                 sync-request, sync-state, sync-done, sync-info, cancel (RFC 4533 / RFC 3909),
                 repl-start, repl-response, repl-end (389-DS replication session values)
  -h, --help     Show this help

Exit codes: 0 everything decoded, 1 a decode error (reported with its code and offset),
2 a usage error.

Example (a SearchResultDone with a Sync Done control, as slapd 2.5 ends a refreshOnly):
  syncrepl-harness decode 306702010265070a010004000400a05930570418312e332e362e312e342e312e343230332e312e392e312e33043b303904347269643d3030302c63736e3d32303236313132333134323435302e3431363130315a2330303030303023303030233030303030300101ff`

const VALUE_DECODERS: Record<string, (bytes: Uint8Array) => unknown> = {
  'sync-request': (b) => decodeSyncRequestValue(b).value,
  'sync-state': (b) => {
    const v = decodeSyncStateValue(b).value
    return { ...v, entryUUID: formatSyncUuid(v.entryUUID) }
  },
  'sync-done': (b) => decodeSyncDoneValue(b).value,
  'sync-info': (b) => {
    const v = decodeSyncInfoValue(b).value
    return v.kind === 'syncIdSet' ? { ...v, syncUUIDs: v.syncUUIDs.map((u) => (u.length === 16 ? formatSyncUuid(u) : u)) } : v
  },
  cancel: (b) => decodeCancelRequestValue(b).value,
  'repl-start': (b) => decodeStartReplicationRequest(b, { version: 2 }),
  'repl-response': (b) => decodeReplicationResponse(b),
  'repl-end': (b) => decodeEndReplicationRequest(b),
}

export async function runDecode(args: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { value: { type: 'string' }, help: { type: 'boolean', short: 'h' } } })
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run \`syncrepl-harness decode --help\`.`, 2)
  }
  if (parsed.values.help) {
    process.stdout.write(DECODE_HELP + '\n')
    return 0
  }
  let text = parsed.positionals.join('')
  if (text === '') {
    if (process.stdin.isTTY) throw new CliError('Nothing to decode: give hex as arguments or on stdin. Run `syncrepl-harness decode --help` for an example.', 2)
    text = await readStdin()
  }
  const bytes = parseHex(text)
  const kind = parsed.values.value
  if (kind !== undefined) {
    const decode = VALUE_DECODERS[kind]
    if (!decode) throw new CliError(`Unknown value kind "${kind}"; use one of: ${Object.keys(VALUE_DECODERS).join(', ')}.`, 2)
    try {
      process.stdout.write(JSON.stringify(decode(bytes), jsonBytes, 2) + '\n')
      return 0
    } catch (e) {
      return reportDecodeError(e, 'the value')
    }
  }
  const framer = new LdapFramer()
  let streamOffset = 0
  try {
    for (const pdu of framer.push(bytes)) {
      try {
        process.stdout.write(describeMessage(decodeMessage(pdu)) + '\n')
      } catch (e) {
        return reportDecodeError(e, `the message at stream offset ${streamOffset}`)
      }
      streamOffset += pdu.length
    }
    framer.end()
  } catch (e) {
    return reportDecodeError(e, 'the stream')
  }
  return 0
}

function reportDecodeError(e: unknown, where: string): number {
  if (e instanceof ProtocolError) {
    process.stderr.write(`syncrepl-harness: cannot decode ${where}: ${e.code}: ${e.message}\n`)
    return 1
  }
  throw e
}

function parseHex(text: string): Uint8Array {
  const clean = text.replace(/0x/gi, '').replace(/[\s:]/g, '')
  const bad = clean.search(/[^0-9a-fA-F]/)
  if (bad >= 0) throw new CliError(`The input is not hex: character ${JSON.stringify(clean[bad])} at position ${bad + 1} (after removing spaces, colons and 0x).`, 2)
  if (clean.length % 2) throw new CliError(`The input has an odd number of hex digits (${clean.length}); every octet needs two.`, 2)
  return Buffer.from(clean, 'hex')
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of process.stdin) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

/** JSON.stringify replacer: byte arrays as text when printable ASCII, else as hex. */
function jsonBytes(_key: string, v: unknown): unknown {
  if (v instanceof Uint8Array) {
    const printable = v.every((x) => x >= 0x20 && x <= 0x7e)
    return printable ? { text: Buffer.from(v).toString('latin1') } : { hex: Buffer.from(v).toString('hex') }
  }
  return v
}
