/**
 * The string preparation of RFC 4518, as far as DN comparison needs it: the form two attribute
 * values take before caseIgnoreMatch / caseExactMatch compares them.
 *
 * Steps (RFC 4518 §2): map (§2.2: some characters to nothing, the other spaces and line breaks
 * to SPACE, and case folding for caseIgnore rules), NFKC normalisation (§2.3), insignificant
 * space handling (§2.6.1). §2.6.1 pads with spaces so that substrings match; for equality its
 * effect is exactly "trim, and collapse every run of spaces to one", which is what we do.
 *
 * Deliberately not done: the prohibit step (§2.4) and the bidi check (§2.5), which only reject
 * values; a DN we could parse is a DN we compare. Case folding uses the locale-independent
 * `toUpperCase().toLowerCase()` round trip, which agrees with RFC 3454 table B.2 on the cases
 * that matter in names (ß → ss, final sigma, İ) without a 1,400-entry table.
 */

/** Characters that RFC 4518 §2.2 maps to nothing (Cf and the remaining Cc are added below). */
const MAP_TO_NOTHING = /[\u00AD\u1806\u034F\u180B-\u180D\uFE00-\uFE0F\uFFFC\u200B]/gu

/** §2.2: tab, LF, VT, FF, CR, NEL and every Zs / Zl / Zp code point become SPACE. */
const MAP_TO_SPACE = /[\u0009-\u000D\u0085\p{Zs}\p{Zl}\p{Zp}]/gu

/** §2.2: all other control (Cc) and format (Cf) code points map to nothing. */
const OTHER_CONTROLS = /[\p{Cc}\p{Cf}]/gu

const SPACE_RUNS = / +/g

/** Printable ASCII needs no mapping and is already in NFKC: the common case, done fast. */
const PRINTABLE_ASCII = /^[\x20-\x7E]*$/

/** Prepares an attribute value for equality matching (RFC 4518). */
export function prepareValue(value: string, foldCase: boolean): string {
  let s = value
  if (!PRINTABLE_ASCII.test(s)) {
    s = s.replace(MAP_TO_NOTHING, '').replace(MAP_TO_SPACE, ' ').replace(OTHER_CONTROLS, '')
    if (foldCase) s = s.toUpperCase().toLowerCase()
    s = s.normalize('NFKC')
  } else if (foldCase) {
    s = s.toLowerCase()
  }
  return s.replace(SPACE_RUNS, ' ').trim()
}
