/**
 * The durable replica store. The committed state (entries and cookie) lives in one file,
 * `replica.jsonl` (format in replica-file.ts), replaced atomically on every commit:
 *   1. write the whole new state to a temp file in the same directory,
 *   2. fsync the temp file,
 *   3. rename it over `replica.jsonl` (atomic on POSIX file systems),
 *   4. fsync the directory so the rename itself is durable.
 * A crash before step 3 leaves the old file untouched (the temp file is removed on the next
 * open); a crash after it leaves the new one. The replica is kept in memory (a MemoryStore) and
 * only becomes visible there once the file is in place, so data and cookie commit together.
 * One process at a time may open a directory.
 */
import { randomBytes } from 'node:crypto'
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises'
import type { FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { ReplicaSnapshot, ReplicaStore, ReplicaTransaction } from '../types.js'
import { StoreError } from './errors.js'
import { MemoryStore } from './memory-store.js'
import type { PendingCommit } from './memory-store.js'
import { decodeReplicaFile, replicaFileChunks } from './replica-file.js'

/** The committed replica's file name inside the store directory. */
export const REPLICA_FILE = 'replica.jsonl'
/** Temp files are `replica.jsonl.tmp-<pid>-<random>`; any left over is from a crash. */
const TEMP_PREFIX = `${REPLICA_FILE}.tmp-`

export class FileStore implements ReplicaStore {
  private constructor(
    /** The store directory. */
    readonly dir: string,
    private readonly memory: MemoryStore,
  ) {}

  /** The path of the committed replica file. */
  get file(): string {
    return join(this.dir, REPLICA_FILE)
  }

  /**
   * Opens (creating if needed) the store in `dir`: removes temp files left by a crash and loads
   * the last committed state. A damaged replica file is a STORE_CORRUPT error, never an empty
   * replica.
   *
   * @example
   * const store = await FileStore.open('/var/lib/consumer')
   * const { cookie, entries } = await store.load()
   */
  static async open(dir: string): Promise<FileStore> {
    const file = join(dir, REPLICA_FILE)
    const initial = await io(`create the store directory ${dir}`, dir, async () => {
      await mkdir(dir, { recursive: true })
      for (const name of await readdir(dir)) {
        if (name.startsWith(TEMP_PREFIX)) await unlink(join(dir, name))
      }
      try {
        return await readFile(file)
      } catch (error) {
        if (isCode(error, 'ENOENT')) return undefined
        throw error
      }
    })
    const snapshot: ReplicaSnapshot | undefined = initial === undefined ? undefined : decodeReplicaFile(initial, file)
    const memory = new MemoryStore({
      ...(snapshot === undefined ? {} : { initial: snapshot }),
      persist: (pending) => writeReplica(dir, pending),
    })
    return new FileStore(dir, memory)
  }

  load(): Promise<ReplicaSnapshot> {
    return this.memory.load()
  }

  begin(): Promise<ReplicaTransaction> {
    return this.memory.begin()
  }

  close(): Promise<void> {
    return this.memory.close()
  }
}

/** Steps 1–4 of the module comment. On failure the temp file is removed and nothing changed. */
async function writeReplica(dir: string, pending: PendingCommit): Promise<void> {
  const file = join(dir, REPLICA_FILE)
  const temp = join(dir, `${TEMP_PREFIX}${process.pid}-${randomBytes(6).toString('hex')}`)
  let handle: FileHandle | undefined
  let renamed = false
  try {
    await io(`write the replica to ${temp}`, temp, async () => {
      handle = await open(temp, 'wx')
      for (const chunk of replicaFileChunks(pending)) await writeAll(handle, chunk)
      await handle.sync()
      await handle.close()
      handle = undefined
    })
    await io(`rename ${temp} over ${file}`, file, () => rename(temp, file))
    renamed = true
    await io(`fsync the store directory ${dir}`, dir, () => syncDirectory(dir))
  } finally {
    if (handle !== undefined) await handle.close().catch(() => undefined)
    if (!renamed) await unlink(temp).catch(() => undefined)
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer): Promise<void> {
  let offset = 0
  while (offset < chunk.length) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset)
    offset += bytesWritten
  }
}

/** Makes a rename durable (POSIX: fsync the directory). Windows cannot open directories. */
async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}

async function io<T>(what: string, path: string, action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (error) {
    if (error instanceof StoreError) throw error
    const detail = error instanceof Error ? error.message : String(error)
    throw new StoreError('STORE_IO', `Could not ${what}: ${detail}. Check the path, permissions and free space.`,
      { file: path, cause: error })
  }
}

function isCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code
}
