/**
 * Measuring and waiting on the benchmarks' child processes: RSS and CPU time from /proc, sleeps
 * and timeouts. Starting and stopping them (tracked by PID, killed by an exit hook) is
 * tools/process/tracked.ts.
 */
import { readFileSync } from 'node:fs'

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS, Linux). */
export function readVmRss(pid: number): number {
  let status: string
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8')
  } catch (error) {
    throw new Error(`Could not read /proc/${pid}/status to measure the RSS of process ${pid} (${String(error)}); this benchmark needs Linux's /proc and a running process.`)
  }
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)
  if (match === null) throw new Error(`/proc/${pid}/status has no VmRSS line; is process ${pid} a zombie?`)
  return Number(match[1]) * 1024
}

/**
 * CPU time a process has used so far (user + system, all threads), in seconds, from
 * /proc/<pid>/stat. Less sensitive to a busy machine than wall time, so it helps to judge noise.
 */
export function readCpuSeconds(pid: number): number {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch (error) {
    throw new Error(`Could not read /proc/${pid}/stat to measure the CPU time of process ${pid} (${String(error)}).`)
  }
  // proc(5): the command name is in parentheses and may itself hold spaces or ')'; utime and
  // stime are fields 14 and 15, i.e. the 12th and 13th after the closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  const ticks = Number(fields[11]) + Number(fields[12])
  if (!Number.isFinite(ticks)) throw new Error(`/proc/${pid}/stat has no readable utime/stime: ${stat.slice(0, 200)}`)
  // USER_HZ is 100 on every Linux architecture Node runs on (sysconf(_SC_CLK_TCK)).
  return ticks / 100
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Rejects with `message` after `ms`, unless `promise` settles first. */
export async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}
