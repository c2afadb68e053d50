import { describe, expect, it } from 'vitest'
import { parseCsn } from './csn.js'
import { composeOpenLdapCookie, parseOpenLdapCookie, type OpenLdapCookie } from './openldap-cookie.js'
import { readSlapdTraces, thrown } from './sync-oracle.test-support.js'

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'))
const text = (b: Uint8Array): string => Buffer.from(b).toString('latin1')
const parse = (s: string): OpenLdapCookie => parseOpenLdapCookie(bytes(s))

const C0 = '20261123142512.557362Z#000000#000#000000'
const C1 = '20261123142513.000001Z#000000#001#000000'
const C2 = '20261123142511.000002Z#000000#002#000000'
const C3 = '20261123142510.000003Z#000000#003#000000'

/** Every cookie the slapd traces carry, with where it came from. */
function traceCookies(): { file: string; where: string; cookie: string }[] {
  const out: { file: string; where: string; cookie: string }[] = []
  for (const { file, lines } of readSlapdTraces()) {
    for (const l of lines) {
      if (typeof l.cookie === 'string') out.push({ file, where: l.type, cookie: l.cookie })
      for (const c of (l.controls as { cookie?: unknown }[] | undefined) ?? []) {
        if (typeof c.cookie === 'string') out.push({ file, where: `${l.type} control`, cookie: c.cookie })
      }
    }
  }
  return out
}

describe("OpenLDAP cookies as slapd 2.5's syncprov parses and composes them", () => {
  it('parses every cookie in the slapd traces, and recomposes the well-formed ones byte for byte', () => {
    const cookies = traceCookies()
    expect(cookies.length).toBe(66)
    const outcomes = new Map<string, string>()
    for (const { file, cookie } of cookies) {
      const c = parse(cookie)
      outcomes.set(cookie, c.outcome)
      switch (cookie) {
        case 'hello':
        case `csn=${C0}`:
          expect(c.outcome, file).toBe('ridMissing')
          break
        case `rid=4096,csn=${C0}`:
        case 'rid=4096,csn=20261123142513.029869Z#000000#000#000000':
          expect(c.outcome, file).toBe('ridOutOfRange')
          break
        case '':
          expect(c.outcome, file).toBe('tooShort')
          break
        case 'rid=000,csn=garbage':
          expect(c.outcome).toBe('ok')
          expect(c.csns).toStrictEqual([])
          expect(c.invalidCsns).toStrictEqual([{ component: 'csn', offset: 12, text: 'garbage' }])
          break
        default: {
          expect(c.outcome, `${file}: ${cookie}`).toBe('ok')
          expect(c.usable).toBe(true)
          expect(c.csns.length).toBe(1)
          expect(c.invalidCsns).toStrictEqual([])
          const again = composeOpenLdapCookie({
            rid: c.rid,
            ...(c.sid === undefined ? {} : { sid: c.sid }),
            csns: c.csns,
            ...(c.delcsn === undefined ? {} : { delcsn: c.delcsn }),
          })
          expect(text(again)).toBe(cookie)
        }
      }
    }
    expect(new Set(outcomes.values())).toStrictEqual(new Set(['ok', 'ridMissing', 'ridOutOfRange', 'tooShort']))
  })

  it('composes the reply cookies slapd sent in the bad-cookie traces (f2, f3, f4, f7, f8) from the request cookie', () => {
    let checked = 0
    for (const { file, lines } of readSlapdTraces()) {
      const request = lines.find((l) => l.type === '_request')
      const done = lines.find((l) => l.type === 'SearchResultDone' && (l.syncDone as { cookie?: unknown } | undefined)?.cookie != null)
      if (typeof request?.cookie !== 'string' || done === undefined) continue
      const doneCookie = (done.syncDone as { cookie: string }).cookie
      const contextCsn = /csn=([^,;]+)/.exec(doneCookie)?.[1]
      const req = parse(request.cookie)
      const reply = composeOpenLdapCookie({ rid: req.replyRid, csns: contextCsn === undefined ? [] : [contextCsn] })
      expect(text(reply), file).toBe(doneCookie)
      checked++
    }
    expect(checked).toBeGreaterThanOrEqual(12)
  })

  it('rid=4096: out of range, parse fails, yet slapd echoes the rid (trace f8)', () => {
    const c = parse(`rid=4096,csn=${C0}`)
    expect(c).toMatchObject({ outcome: 'ridOutOfRange', usable: false, rid: 4096, replyRid: 4096, csns: [] })
    expect(text(composeOpenLdapCookie({ rid: c.replyRid, csns: [C1] }))).toBe(`rid=4096,csn=${C1}`)
  })

  it('csn=garbage: parses, but the invalid CSN ends the list, so no state (trace f2)', () => {
    const c = parse('rid=000,csn=garbage')
    expect(c).toMatchObject({ outcome: 'ok', usable: true, rid: 0, csns: [], replyRid: 0 })
    const later = parse(`rid=000,csn=${C1};garbage;${C2}`)
    expect(later.csns.map((x) => x.text)).toStrictEqual([C1])
    // slapd measures a CSN from its first '#' to the next ';' or ',': here that '#' lies in the
    // following CSN, so the rejected text runs to the end
    expect(later.invalidCsns).toStrictEqual([{ component: 'csn', offset: 53, text: `garbage;${C2}` }])
    const badDate = parse(`rid=000,csn=${C1.replace('1123', '1131')}`)
    expect(badDate.csns).toStrictEqual([])
    expect(badDate.invalidCsns[0]?.text).toBe(C1.replace('1123', '1131'))
  })

  it('no rid: no usable cookie, and a zero-length reply cookie (traces f4, f7)', () => {
    for (const s of [`csn=${C0}`, 'hello', `sid=001,csn=${C0}`]) {
      const c = parse(s)
      expect(c.outcome, s).toBe('ridMissing')
      expect(c.usable).toBe(false)
      expect(c.replyRid).toBeUndefined()
      expect(composeOpenLdapCookie({ rid: c.replyRid, csns: [C0] }).length).toBe(0)
    }
    expect(parse(`csn=${C0}`).csns.map((x) => x.text)).toStrictEqual([C0]) // read, though slapd then ignores it
  })

  it('a cookie of 4 bytes or fewer fails before any rid is read (reply rid is slapd’s zeroed default)', () => {
    for (const s of ['', 'rid=', 'abc']) {
      expect(parse(s)).toMatchObject({ outcome: 'tooShort', usable: false, rid: undefined, replyRid: 0 })
    }
    expect(parse('rid=5')).toMatchObject({ outcome: 'ok', rid: 5, csns: [] })
  })

  it('sorts several CSNs by serverID', () => {
    const c = parse(`rid=001,sid=002,csn=${C3};${C1};${C2}`)
    expect(c.outcome).toBe('ok')
    expect(c.sid).toBe(2)
    expect(c.csns.map((x) => x.sid)).toStrictEqual([1, 2, 3])
    expect(text(composeOpenLdapCookie({ rid: c.rid, sid: c.sid, csns: c.csns }))).toBe(`rid=001,sid=002,csn=${C1};${C2};${C3}`)
  })

  it('takes components in any order and skips unknown ones', () => {
    const c = parse(`csn=${C1},foo=bar,sid=00a,x,rid=005,delcsn=${C2},tail`)
    expect(c).toMatchObject({ outcome: 'ok', rid: 5, sid: 10 })
    expect(c.csns.map((x) => x.text)).toStrictEqual([C1])
    expect(c.delcsn?.text).toBe(C2)
  })

  it('reads numbers the way C strtol does, stored in an int', () => {
    expect(parse('rid= 12')).toMatchObject({ outcome: 'ok', rid: 12 })
    expect(parse('rid=+7,')).toMatchObject({ outcome: 'ok', rid: 7 })
    expect(parse('rid=,csn=x')).toMatchObject({ outcome: 'ok', rid: 0 }) // no digits: 0, end pointer unmoved
    expect(parse('rid=12x')).toMatchObject({ outcome: 'ridInvalid', rid: 12, replyRid: 12 })
    expect(parse('rid=abc')).toMatchObject({ outcome: 'ridInvalid', rid: 0, replyRid: 0 })
    expect(parse('rid=-1,csn=x')).toMatchObject({ outcome: 'ridOutOfRange', rid: -1, replyRid: undefined })
    expect(parse('rid=-5')).toMatchObject({ outcome: 'ridOutOfRange', rid: -5, replyRid: -5 })
    expect(text(composeOpenLdapCookie({ rid: -5 }))).toBe('rid=-05')
    expect(parse('rid=4294967296')).toMatchObject({ outcome: 'ok', rid: 0 }) // 2^32 wraps to 0 in an int
    expect(parse('rid=99999999999999999999')).toMatchObject({ outcome: 'ridOutOfRange', rid: -1, replyRid: undefined })
    expect(parse('rid=001,sid=0x1f')).toMatchObject({ outcome: 'ok', sid: 31 })
    expect(parse('rid=001,sid=fff')).toMatchObject({ outcome: 'ok', sid: 4095 })
    expect(parse('rid=001,sid=1000')).toMatchObject({ outcome: 'sidOutOfRange', sid: 4096, replyRid: 1 })
    expect(parse('rid=001,sid=zz')).toMatchObject({ outcome: 'sidInvalid', replyRid: 1 })
    expect(parse('sid=zz,rid=001')).toMatchObject({ outcome: 'sidInvalid', rid: undefined, replyRid: undefined })
    // a NUL right after the number ends it like the end of the string does
    expect(parse(`rid=003\0junk,csn=${C1}`)).toMatchObject({ outcome: 'ok', rid: 3 })
  })

  it('normalizes CSNs in the cookie, legacy form included', () => {
    const c = parse('rid=000,csn=20040101120000Z#000001#0A#00000F')
    expect(c.csns.map((x) => x.text)).toStrictEqual(['20040101120000.000000Z#000001#00a#00000f'])
  })

  it('composes as slap_compose_sync_cookie does', () => {
    expect(text(composeOpenLdapCookie({ rid: 0 }))).toBe('rid=000')
    expect(text(composeOpenLdapCookie({ rid: 7, sid: 1 }))).toBe('rid=007,sid=001')
    expect(text(composeOpenLdapCookie({ rid: 0, csns: [C0], delcsn: C1 }))).toBe(`rid=000,csn=${C0},delcsn=${C1}`)
    expect(text(composeOpenLdapCookie({ rid: 0, delcsn: C1 }))).toBe('rid=000') // delcsn needs a csn
    expect(text(composeOpenLdapCookie({ rid: 123, sid: 0xabc, csns: [parseCsn(C1), C2] }))).toBe(`rid=123,sid=abc,csn=${C1};${C2}`)
    expect(composeOpenLdapCookie({ rid: undefined, sid: 1, csns: [C1] })).toStrictEqual(new Uint8Array(0))
    expect(thrown(() => composeOpenLdapCookie({ rid: 1, csns: ['garbage'] })).code).toBe('SYNC_BAD_CSN')
    expect(thrown(() => composeOpenLdapCookie({ rid: 1.5 })).code).toBe('SYNC_BAD_COOKIE')
    expect(thrown(() => composeOpenLdapCookie({ rid: 1, sid: -1 })).code).toBe('SYNC_BAD_COOKIE')
  })
})
