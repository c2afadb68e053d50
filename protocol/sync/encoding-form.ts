import type { BerWriter } from '../ber/index.js'
import { Tag } from '../ber/index.js'

/**
 * How the sync values are (or were) laid out on the wire, beyond their fields.
 *
 * RFC 4511 §5.1 asks for DER-like output: DEFAULT members left out, TRUE as 0xFF, minimal
 * lengths. Our encoders do that unless told otherwise. Real peers differ (RFC 4533 digest §1.3):
 * slapd's consumer writes reloadHint explicitly, python-ldap (pyasn1) writes TRUE as 0x01, generic
 * BER writers use long-form lengths. The provider must be able to reproduce each of those, and the
 * decoders report which of them they saw, so `encode(decoded.value, decoded.form)` gives back the
 * input byte for byte whenever the input used one length style throughout.
 */

/** How one `BOOLEAN DEFAULT x` member is written. */
export interface BooleanForm {
  /**
   * Write the member even when it equals its DEFAULT (RFC 4511 §5.1 says to leave it out).
   * Decoders set this to whether the member was on the wire at all.
   */
  readonly explicit?: boolean
  /**
   * The content octet for TRUE; 0xFF as DER and RFC 4511 §5.1 require, 0x01 as python-ldap
   * sends. Decoders set it to the octet seen when TRUE was on the wire.
   */
  readonly trueOctet?: number
}

/** The length style of every element of a value. */
export interface LengthForm {
  /**
   * 0 (default) = minimal lengths; 1..4 = every length of the value (outer SEQUENCE or CHOICE tag,
   * each member, each syncUUID) in long form with exactly that many length octets.
   */
  readonly lengthOctets?: number
}

/**
 * Encoder-only switch, never set by a decoder: write a value the RFC forbids (a syncUUID that is
 * not 16 octets, a state outside 0..3, a cancelID outside 0..2^31-1), because the provider's
 * script mode sends such values on purpose to test consumers. Without it the encoders refuse
 * them with the same error code the decoders use.
 */
export interface AllowInvalid {
  readonly allowInvalid?: boolean
}

/** What a decoder returns: the value, the form it saw, and whether that form can be replayed. */
export interface Decoded<V, F> {
  readonly value: V
  readonly form: F
  /**
   * True when every length in the input follows the one style recorded in `form.lengthOctets`,
   * so re-encoding with `form` reproduces the input. False for inputs that mixed styles (for
   * example a minimal SEQUENCE length around a long-form cookie length).
   */
  readonly uniformLengths: boolean
}

/** Writes a `BOOLEAN DEFAULT dflt` member, leaving it out when it equals the default unless told. */
export function writeDefaultBoolean(
  w: BerWriter,
  value: boolean,
  dflt: boolean,
  form: BooleanForm | undefined,
  lengthOctets: number,
): void {
  if (value === dflt && form?.explicit !== true) return
  w.writeBoolean(value, Tag.Boolean, form?.trueOctet ?? 0xff, lengthOctets)
}

/** The BooleanForm a decoder reports for a member that was on the wire with this content octet. */
export function observedBoolean(octet: number): BooleanForm {
  return octet === 0 ? { explicit: true } : { explicit: true, trueOctet: octet }
}

/** The BooleanForm a decoder reports for a member that was absent (its DEFAULT applies). */
export const ABSENT_BOOLEAN: BooleanForm = Object.freeze({ explicit: false })

/**
 * Watches the headers of every element a decoder reads and works out which single
 * `lengthOctets` setting would reproduce all of them.
 *
 * A length written in k long-form octets is reproduced by `lengthOctets: k`; it is also what the
 * minimal style writes when k is the smallest count that holds a length of 128 or more. A short
 * form length is reproduced only by the minimal style. The candidate styles are kept as a bit
 * mask (bit k = `lengthOctets: k`, k = 0..4) and narrowed at every element.
 */
export class LengthStyle {
  private compatible = 0b11111

  note(start: number, contentStart: number, end: number): void {
    const lengthField = contentStart - start - 1
    if (lengthField === 1) {
      this.compatible &= 0b00001
      return
    }
    const k = lengthField - 1
    const len = end - contentStart
    let bits = k <= 4 ? 1 << k : 0
    if (len >= 0x80 && k === minimalLongFormOctets(len)) bits |= 1
    this.compatible &= bits
  }

  /** The style to record in the form: minimal if it fits, else the smallest long-form count that does. */
  get lengthOctets(): number {
    if (this.compatible & 1) return 0
    for (let k = 1; k <= 4; k++) if (this.compatible & (1 << k)) return k
    return 0
  }

  get uniform(): boolean {
    return this.compatible !== 0
  }
}

function minimalLongFormOctets(len: number): number {
  if (len < 0x100) return 1
  if (len < 0x10000) return 2
  if (len < 0x1000000) return 3
  return 4
}
