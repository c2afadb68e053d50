/**
 * Does *this* process listen on a TCP port? An LDAP connection that succeeds says only that some
 * process listens there: the port comes from `freePort()` (bound on port 0, then released), so a
 * parallel run may have been handed the same one and started its slapd on it first. slapd sets
 * SO_REUSEADDR, so two slapds can both bind the port; the second then fails in listen() and exits
 * ("listener initialization failed") — possibly after our connection reached the first one.
 *
 * Linux tells who owns a socket: /proc/net/tcp lists listening sockets (state 0A) by local port
 * with their inode, and /proc/<pid>/fd links to `socket:[inode]` for each socket the process holds.
 */
import { readdir, readFile, readlink } from 'node:fs/promises'

const LISTEN = '0A'

/** True when `pid` holds a listening IPv4 TCP socket on `port`; undefined when /proc cannot tell (not Linux, no access). */
export async function listensOn(pid: number, port: number, procRoot = '/proc'): Promise<boolean | undefined> {
  let table: string
  try {
    table = await readFile(`${procRoot}/net/tcp`, 'utf8')
  } catch {
    return undefined
  }
  let fds: string[]
  try {
    fds = await readdir(`${procRoot}/${pid}/fd`)
  } catch (error) {
    // No fd directory: the process is gone, so it listens nowhere.
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? false : undefined
  }
  const inodes = listeningInodes(table, port)
  if (inodes.size === 0) return false
  for (const fd of fds) {
    const target = await readlink(`${procRoot}/${pid}/fd/${fd}`).catch(() => '')
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1]
    if (inode !== undefined && inodes.has(inode)) return true
  }
  return false
}

/**
 * The inodes of the listening sockets on `port` in a /proc/net/tcp table. Columns: sl,
 * local_address (`ADDR:PORT`, hex), rem_address, st, tx:rx, tr:tm, retrnsmt, uid, timeout, inode.
 */
export function listeningInodes(table: string, port: number): Set<string> {
  const wanted = port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set<string>()
  for (const line of table.split('\n').slice(1)) {
    const columns = line.trim().split(/\s+/)
    const local = columns[1]
    const inode = columns[9]
    if (local === undefined || inode === undefined || columns[3] !== LISTEN) continue
    if (local.split(':')[1] === wanted && inode !== '0') inodes.add(inode)
  }
  return inodes
}

