/**
 * Child process of crash.test.ts (not product code): opens the FileStore in argv[2] and commits
 * forever, printing `committed <k>` after each commit returns. Commit k leaves exactly the state
 * `expectedState(k)` describes, so the parent can check a reopened store after SIGKILL.
 */
import { FileStore } from './file-store.js'
import { BASE_ENTRIES, counterOf, cookieOf, entryFor } from './crash-state.js'
import { uuidOf } from './store-test-data.js'

const store = await FileStore.open(process.argv[2] as string)
const snapshot = await store.load()
let k = snapshot.cookie === undefined ? 0 : counterOf(snapshot.cookie)
process.stdout.write(`ready ${k}\n`)
for (;;) {
  k++
  const tx = await store.begin()
  if (k === 1) for (let i = 0; i < BASE_ENTRIES; i++) tx.put(entryFor(uuidOf(i), i, 0))
  // Each commit moves a window: entry 1,000,000+k arrives, entry 1,000,000+k-3 leaves, and
  // base entry k mod BASE_ENTRIES is rewritten with the counter.
  tx.put(entryFor(uuidOf(1_000_000 + k), 1_000_000 + k, k))
  tx.remove(uuidOf(1_000_000 + k - 3))
  tx.put(entryFor(uuidOf(k % BASE_ENTRIES), k % BASE_ENTRIES, k))
  await tx.commit(cookieOf(k))
  process.stdout.write(`committed ${k}\n`)
}
