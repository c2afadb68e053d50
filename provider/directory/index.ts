/**
 * The mock provider's directory (docs/architecture.md "Provider, inside"): entries keyed by
 * entryUUID with a DN tree index, entryCSNs and the contextCSN from an injected clock, slapd's
 * in-memory session log, scope and filter matching with RFC 4511's three-valued logic, attribute
 * projection, LDIF and generator loading, and one change path that notifies listeners.
 */
export { Directory } from './directory.js'
export { Entry, EntrySnapshot } from './entry.js'
export type { EntryAttribute } from './entry.js'
export { DirectoryError, resultCodeOf } from './errors.js'
export type { DirectoryErrorCode, DirectoryErrorDetails } from './errors.js'
export { SearchCursor } from './search.js'
export { SessionLog } from './session-log.js'
export type { SessionLogRecord } from './session-log.js'
export { RetroChangelog } from './retro-changelog.js'
export type { RetroChangelogRecord } from './retro-changelog.js'
export { CsnClock, sidOfCsn, timestampOfCsn } from './csn-clock.js'
export { compileFilter, evaluateFilter, matchesFilter } from './filter-match.js'
export type { CompiledFilter, FilterEnvironment, FilterResult } from './filter-match.js'
export { projectEntry, selectAttributes } from './projection.js'
export type { AttributeSelection, ProjectOptions } from './projection.js'
export { OPERATIONAL_ATTRIBUTES, SUBSCHEMA_SUBENTRY } from './operational.js'
export { RULES, extensibleRule, isListedType, ruleFor } from './attribute-rules.js'
export type { AttributeRule, RuleName } from './attribute-rules.js'
export { describeAttribute } from './attribute-description.js'
export type { AttributeDescription } from './attribute-description.js'
export { loadGenerated, loadLdif, loadLdifFile } from './load.js'
export type { EntryLoader, LoadLdifOptions, LoadResult } from './load.js'
export type {
  AddChange,
  ApplyOptions,
  AttributeValue,
  AttributeValuesInput,
  AttributesInput,
  Change,
  ChangeEvent,
  ChangeKind,
  ChangeListener,
  DeleteChange,
  DirectoryOptions,
  DirectorySearch,
  ModDnChange,
  Modification,
  ModificationOperation,
  ModifyChange,
  SearchScope,
} from './types.js'
