/**
 * "Did you mean" suggestions for misspelt keys and names: the closest candidate by edit distance
 * (optimal string alignment: insertions, deletions, substitutions and swaps of neighbours each
 * cost 1), compared without regard to case, when it is close enough to be a plausible typo.
 */

/** Edit distance with adjacent transpositions (`pesrist` → `persist` is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[] = new Array<number>(rows * cols).fill(0)
  const at = (i: number, j: number): number => d[i * cols + j] as number
  for (let i = 0; i < rows; i++) d[i * cols] = i
  for (let j = 0; j < cols; j++) d[j] = j
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1)
      d[i * cols + j] = best
    }
  }
  return at(a.length, b.length)
}

/**
 * The candidate closest to `word`, or undefined when none is close: a case-insensitive match
 * always is; otherwise the distance may be at most a third of the longer word (at least 1,
 * at most 3), so that `dn` never suggests `do`-like accidents for long unrelated words.
 *
 * @example didYouMean('sufix', ['suffix', 'ldif']) // 'suffix'
 */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const lower = word.toLowerCase()
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const c = candidate.toLowerCase()
    if (c === lower) return candidate
    const distance = editDistance(lower, c)
    const limit = Math.min(3, Math.max(1, Math.floor(Math.max(word.length, candidate.length) / 3)))
    if (distance <= limit && distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** `did you mean "x"?` for the closest candidate, or undefined. */
export function didYouMeanHint(word: string, candidates: Iterable<string>): string | undefined {
  const match = didYouMean(word, candidates)
  return match === undefined ? undefined : `did you mean "${match}"?`
}
