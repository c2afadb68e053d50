/**
 * `npm run bench -- provider`: the provider against real consumers and against slapd.
 *
 * 1. A full refreshOnly of 100,000 generated people (102,003 entries with the suffix, OUs and
 *    groups) to ldapsearch, our provider against slapd 2.5 syncprov serving the same LDIF.
 * 2. The provider's RSS with 1,000,000 generated people loaded.
 * 3. The provider's RSS while a consumer stops reading in the middle of a refresh.
 *
 * Both servers run in their own processes (ours: provider-child.ts), so every RSS is one
 * process's own and the refresh comparison is process against process. Runs in under 2 minutes on
 * the 2-core reference box.
 */
import type { BenchResult } from './harness.js'
import { refreshAgainstSlapd } from './provider-refresh.js'
import { rssAfterLoading, rssWhileConsumerStalls } from './provider-rss.js'

export async function providerBenchmarks(): Promise<BenchResult[]> {
  const results: BenchResult[] = []
  results.push(...(await refreshAgainstSlapd(100_000)))
  results.push(await rssAfterLoading(1_000_000))
  results.push(await rssWhileConsumerStalls(100_000))
  return results
}
