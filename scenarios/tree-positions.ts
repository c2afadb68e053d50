import type { SourceRef } from './types.js'

interface ContainerInfo {
  readonly self: SourceRef
  readonly values: Map<string | number, SourceRef>
  readonly keys: Map<string, SourceRef>
  readonly sources: Map<string | number, string>
}

/**
 * Where each part of the checked tree came from. The validator turns YAML nodes into plain
 * objects, arrays and scalars; this remembers, for every object and array, its own position,
 * the position of each key and value in it, and the source text of number and boolean scalars
 * (an attribute value `0123` stays "0123", not 123).
 */
export class TreePositions {
  private readonly info = new WeakMap<object, ContainerInfo>()

  constructor(private readonly fallback: SourceRef) {}

  container(container: object, self: SourceRef): void {
    this.info.set(container, { self, values: new Map(), keys: new Map(), sources: new Map() })
  }

  child(container: object, key: string | number, value: SourceRef, keyRef?: SourceRef, source?: string): void {
    const info = this.info.get(container)
    if (info === undefined) return
    info.values.set(key, value)
    if (keyRef !== undefined && typeof key === 'string') info.keys.set(key, keyRef)
    if (source !== undefined) info.sources.set(key, source)
  }

  /** The container's own position. */
  of(container: unknown): SourceRef {
    return (typeof container === 'object' && container !== null ? this.info.get(container)?.self : undefined) ?? this.fallback
  }

  /** The position of `container[key]`'s value, or of the container when that is unknown. */
  at(container: unknown, key: string | number): SourceRef {
    if (typeof container !== 'object' || container === null) return this.fallback
    const info = this.info.get(container)
    return info?.values.get(key) ?? info?.self ?? this.fallback
  }

  /** The position of the key `key` in a mapping, or of the mapping. */
  keyAt(container: unknown, key: string): SourceRef {
    if (typeof container !== 'object' || container === null) return this.fallback
    const info = this.info.get(container)
    return info?.keys.get(key) ?? info?.self ?? this.fallback
  }

  /** Whether the mapping had the key `key` written in it (valid or not). */
  written(container: unknown, key: string): boolean {
    if (typeof container !== 'object' || container === null) return false
    return this.info.get(container)?.keys.has(key) ?? false
  }

  /** The source text of a scalar child, as written in the file. */
  sourceText(container: unknown, key: string | number): string | undefined {
    if (typeof container !== 'object' || container === null) return undefined
    return this.info.get(container)?.sources.get(key)
  }
}
