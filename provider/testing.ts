/**
 * `syncrepl-harness/testing`: vitest helpers that give each test its own provider and close it
 * afterwards, so no socket outlives its test.
 *
 * @example
 * // hooks style
 * const provider = useProvider({ generate: { count: 10, seed: 1 }, password: 'secret' })
 * it('serves', () => { expect(provider.current.url).toMatch(/^ldap:/) })
 *
 * // fixture style
 * const it = test.extend({ provider: providerFixture({ anonymous: true }) })
 * it('serves', ({ provider }) => { ... })
 */
import { afterEach, beforeEach } from 'vitest'
import { createProvider } from './index.js'
import type { Provider, ProviderOptions } from './index.js'

export interface ProviderRef {
  /** The current test's provider (throws outside a test). */
  readonly current: Provider
}

/**
 * Registers beforeEach / afterEach hooks in the calling suite: every test gets a fresh provider
 * built from `options` (or from what the function returns, evaluated per test).
 */
export function useProvider(options: ProviderOptions | (() => ProviderOptions) = {}): ProviderRef {
  let provider: Provider | undefined
  beforeEach(async () => {
    provider = await createProvider(typeof options === 'function' ? options() : options)
  })
  afterEach(async () => {
    const p = provider
    provider = undefined
    await p?.close()
  })
  return {
    get current(): Provider {
      if (provider === undefined) {
        throw new Error('useProvider(): there is no provider outside a running test; read `.current` inside it, beforeEach or afterEach.')
      }
      return provider
    },
  }
}

/**
 * A vitest fixture (for `test.extend`) that starts a provider for the test that uses it and
 * closes it when the test ends, pass or fail.
 */
export function providerFixture(options: ProviderOptions = {}) {
  return async ({}, use: (provider: Provider) => Promise<void>): Promise<void> => {
    const provider = await createProvider(options)
    try {
      await use(provider)
    } finally {
      await provider.close()
    }
  }
}

export type { Provider, ProviderOptions } from './index.js'
