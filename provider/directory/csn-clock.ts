import { MAX_CSN_SID, csnFromDate } from '../../protocol/sync/csn.js'
import { DirectoryError } from './errors.js'

/**
 * Issues OpenLDAP CSNs (`YYYYmmddHHMMSS.uuuuuuZ#cccccc#sss#000000`, RFC 4533 digest §3.3) from
 * an injected clock, strictly increasing whatever the clock does.
 *
 * Like slapd's lutil_gettime, the clock's time is used while it moves forward; when it stands
 * still or goes backwards, the last time is kept and the counter field `cccccc` goes up. Our
 * clock gives milliseconds, so the microsecond digits are the millisecond times 1000; should the
 * counter ever pass 0xffffff the time advances by one microsecond. CSNs are compared as text, and
 * every field is fixed width, so text order is issue order.
 */
export class CsnClock {
  private readonly clock: () => Date
  /** Microseconds since the epoch of the last CSN issued (-1 before the first). */
  private lastMicros = -1
  private counter = 0
  /** `YYYYmmddHHMMSS.uuuuuuZ` for lastMicros, formatted once per distinct time. */
  private timeText = ''

  constructor(clock: () => Date) {
    this.clock = clock
  }

  /** The next CSN, for serverID `sid` (0..4095). */
  next(sid: number): string {
    checkSid(sid)
    const now = this.clock().getTime()
    if (!Number.isFinite(now)) {
      throw new DirectoryError('DIRECTORY_BAD_OPTION', `The directory clock returned an invalid Date (${String(now)}); it must return a real moment.`)
    }
    const micros = now * 1000
    if (micros > this.lastMicros) {
      this.setTime(micros)
      this.counter = 0
    } else if (this.counter < 0xffffff) {
      this.counter++
    } else {
      this.setTime(this.lastMicros + 1)
      this.counter = 0
    }
    // join makes one flat string; a template literal would keep a tree of pieces per CSN.
    return [this.timeText, hex(this.counter, 6), hex(sid, 3), '000000'].join('#')
  }

  private setTime(micros: number): void {
    this.lastMicros = micros
    const ms = Math.floor(micros / 1000)
    this.timeText = csnFromDate(new Date(ms), { microseconds: micros - ms * 1000 }).slice(0, 22)
  }
}

/** GeneralizedTime `YYYYmmddHHMMSSZ` of a CSN: slapd stamps modifyTimestamp and entryCSN from one clock reading. */
export function timestampOfCsn(csn: string): string {
  return csn.slice(0, 14) + 'Z'
}

/** The serverID field of a CSN we issued (or any modern-form CSN). */
export function sidOfCsn(csn: string): number {
  return parseInt(csn.slice(30, 33), 16)
}

export function checkSid(sid: number): void {
  if (!(Number.isInteger(sid) && sid >= 0 && sid <= MAX_CSN_SID)) {
    throw new DirectoryError('DIRECTORY_BAD_OPTION', `A serverID must be an integer in 0..${MAX_CSN_SID} (three hex digits in a CSN), not ${String(sid)}.`)
  }
}

function hex(value: number, width: number): string {
  return value.toString(16).padStart(width, '0')
}
