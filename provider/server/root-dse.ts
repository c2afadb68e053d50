/**
 * The root DSE (RFC 4512 §5.1), as slapd 2.5 builds it in root_dse.c: objectClass is the only
 * user attribute (a search with no attribute list shows just `objectClass: top` and
 * `objectClass: OpenLDAProotDSE`); everything else is operational and comes with `+` or by name.
 * It is readable by anyone, bound or not, as in every slapd configuration that works with
 * ldapsearch's defaults.
 */
import type { EntryAttributeInput, Filter } from '../../protocol/index.js'
import { SUPPORTED_CONTROLS } from './controls.js'

export const CANCEL_OID = '1.3.6.1.1.8'
export const START_TLS_OID = '1.3.6.1.4.1.1466.20037'

/**
 * supportedFeatures this provider really has: modify-increment (RFC 4525), `+` for all
 * operational attributes (RFC 3673), absolute true/false filters `(&)` `(|)` (RFC 4526).
 */
const FEATURES = ['1.3.6.1.1.14', '1.3.6.1.4.1.4203.1.5.1', '1.3.6.1.4.1.4203.1.5.3']

interface RootAttribute {
  readonly type: string
  readonly values: readonly string[]
  readonly operational: boolean
}

export interface RootDseOptions {
  readonly suffixes: readonly string[]
  /** Whether StartTLS is offered on this listener. */
  readonly startTls: boolean
  /**
   * Further supportedExtension values, read at every root DSE search (the session-hook
   * handshake's OIDs, which a scenario may switch on and off while the provider runs).
   */
  readonly extensions?: () => readonly string[]
}

export class RootDse {
  private readonly fixed: readonly RootAttribute[]
  private readonly extensions: readonly string[]
  private readonly moreExtensions: (() => readonly string[]) | undefined

  constructor(options: RootDseOptions) {
    const extensions = options.startTls ? [CANCEL_OID, START_TLS_OID] : [CANCEL_OID]
    this.extensions = extensions
    this.moreExtensions = options.extensions
    this.fixed = [
      { type: 'objectClass', values: ['top', 'OpenLDAProotDSE'], operational: false },
      { type: 'structuralObjectClass', values: ['OpenLDAProotDSE'], operational: true },
      { type: 'namingContexts', values: options.suffixes, operational: true },
      // RFC 4533 §2: a Sync server SHOULD list the Sync Request control (SUPPORTED_CONTROLS has it).
      { type: 'supportedControl', values: SUPPORTED_CONTROLS, operational: true },
      // RFC 3909 §3 and RFC 4533 §3.7: Cancel is listed; StartTLS only where it is offered.
      { type: 'supportedExtension', values: extensions, operational: true },
      { type: 'supportedFeatures', values: FEATURES, operational: true },
      { type: 'supportedLDAPVersion', values: ['3'], operational: true },
      { type: 'entryDN', values: [''], operational: true },
      { type: 'subschemaSubentry', values: ['cn=Subschema'], operational: true },
    ]
  }

  /** The attributes as they are now (supportedExtension may grow, see `RootDseOptions.extensions`). */
  private get attributes(): readonly RootAttribute[] {
    const more = this.moreExtensions?.() ?? []
    if (more.length === 0) return this.fixed
    const values = [...this.extensions, ...more.filter((oid) => !this.extensions.includes(oid))]
    return this.fixed.map((a) => (a.type === 'supportedExtension' ? { ...a, values } : a))
  }

  /** The attributes a search with this attribute list returns (RFC 4511 §4.5.1.8, RFC 3673). */
  project(requested: readonly string[], typesOnly: boolean): EntryAttributeInput[] {
    const names = new Set(requested.map((n) => n.toLowerCase()))
    // `1.1` alone asks for no attributes; beside other names it is ignored.
    const noneAsked = names.has('1.1') && names.size === 1
    const allUser = requested.length === 0 || names.has('*')
    const allOperational = names.has('+')
    const out: EntryAttributeInput[] = []
    if (noneAsked) return out
    for (const a of this.attributes) {
      const named = names.has(a.type.toLowerCase())
      const wanted = named || (a.operational ? allOperational : allUser)
      if (wanted) out.push({ type: a.type, vals: typesOnly ? [] : a.values })
    }
    return out
  }

  /**
   * Whether the filter is TRUE for the root DSE. Presence and equality are evaluated
   * (case-insensitively: every root DSE value is an OID, a DN or a case-insensitive string);
   * other assertions are Undefined, so they never select it (RFC 4511 §4.5.1.7).
   */
  matches(filter: Filter): boolean {
    return this.evaluate(filter) === true
  }

  private evaluate(filter: Filter): boolean | undefined {
    switch (filter.kind) {
      case 'and': {
        let result: boolean | undefined = true
        for (const f of filter.filters) {
          const r = this.evaluate(f)
          if (r === false) return false
          if (r === undefined) result = undefined
        }
        return result
      }
      case 'or': {
        let result: boolean | undefined = false
        for (const f of filter.filters) {
          const r = this.evaluate(f)
          if (r === true) return true
          if (r === undefined) result = undefined
        }
        return result
      }
      case 'not': {
        const r = this.evaluate(filter.filter)
        return r === undefined ? undefined : !r
      }
      case 'present':
        return this.find(filter.attributeDesc) !== undefined
      case 'equalityMatch': {
        const a = this.find(filter.attributeDesc)
        if (a === undefined) return false
        const wanted = Buffer.from(filter.assertionValue).toString('utf8').toLowerCase()
        return a.values.some((v) => v.toLowerCase() === wanted)
      }
      default:
        return undefined
    }
  }

  private find(type: string): RootAttribute | undefined {
    const key = type.toLowerCase()
    return this.attributes.find((a) => a.type.toLowerCase() === key)
  }
}
