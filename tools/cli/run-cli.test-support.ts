import { vi } from 'vitest'
import { main } from './main.js'

/** Runs the CLI in this process (as the built command does), capturing its output. */
export async function runCli(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true))
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true))
  try {
    return { status: await main(args), stdout, stderr }
  } finally {
    vi.restoreAllMocks()
  }
}
