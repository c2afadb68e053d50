/**
 * The messages between the benchmark runner and a provider it runs in a child process
 * (provider-child.ts), over Node's IPC channel. The provider lives in its own process so that its
 * RSS is its own, measured from outside (/proc/<pid>/status), like slapd's.
 */

/** What the child is started with (JSON in argv[2]). */
export interface ProviderChildConfig {
  readonly count: number
  readonly seed: number
  readonly password: string
}

/** Runner → child. */
export type ToProviderChild = { readonly kind: 'stats' } | { readonly kind: 'close' }

/** The child's own view of its memory and its connections. */
export interface ProviderChildStats {
  readonly rss: number
  readonly heapUsed: number
  readonly queuedBytes: number
  readonly connections: number
}

/** Child → runner. */
export type FromProviderChild =
  | {
      readonly kind: 'ready'
      readonly url: string
      readonly entries: number
      readonly loadMs: number
      /** Whether `global.gc` was exposed and run after loading. */
      readonly gcForced: boolean
      readonly stats: ProviderChildStats
    }
  | { readonly kind: 'stats'; readonly stats: ProviderChildStats }
  /** A provider `backpressure` event, with the provider's queued bytes at that moment. */
  | { readonly kind: 'backpressure'; readonly state: 'stalled' | 'resumed'; readonly writableLength: number; readonly queuedBytes: number }
  | { readonly kind: 'failed'; readonly message: string }
