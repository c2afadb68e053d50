/**
 * "slapd as a consumer": OpenLDAP slapd 2.5's own syncrepl consumer, driven by the consumer
 * command contract (docs/consumer-contract.md), so the conformance runner can grade it:
 *
 *   syncrepl-harness conform --consumer "node --import tsx examples/consumers/slapd/consumer.ts" --unsupported handshake
 *
 * README.md beside this file explains what it does and what it cannot do.
 */

// SIGTERM ends a persist run (and may come twice: the runner signals the whole process group,
// and an `npx tsx` wrapper relays it as well); SIGINT and SIGHUP are treated alike. The handlers
// come first, before the rest of the adapter is loaded (a dynamic import below: static imports
// would be evaluated before this module's body): until they are in place a SIGTERM kills the
// process, and loading and compiling the adapter takes a while on a busy machine.
const terminated = new Promise<NodeJS.Signals>((resolve) => {
  for (const name of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(name, () => resolve(name))
})

const say = (text: string): void => {
  process.stderr.write(`[slapd-consumer] ${text}\n`)
}

const { runSlapdConsumer } = await import('./consumer-run.js')
const code = await runSlapdConsumer(process.env, say, terminated)
process.exit(code)
