import { describe, expect, it } from 'vitest'
import { nextCookie } from './cookie-policy.js'

const b = (s: string) => Buffer.from(s, 'latin1')
const t = (c: Uint8Array | undefined) => (c === undefined ? undefined : Buffer.from(c).toString('latin1'))
const csn = (time: string, sid: string) => `20261123${time}.000000Z#000000#${sid}#000000`

describe('nextCookie (which cookie a consumer keeps)', () => {
  it('never stores an absent or zero-length cookie (rfc4533.md §2.6; traces b, f4, f7)', () => {
    expect(t(nextCookie(b('rid=000,csn=x'), undefined))).toBe('rid=000,csn=x')
    expect(t(nextCookie(b('rid=000,csn=x'), new Uint8Array(0)))).toBe('rid=000,csn=x')
    expect(nextCookie(undefined, new Uint8Array(0))).toBeUndefined()
  })

  it('merges OpenLDAP CSN vectors per serverID and never goes backwards (python-ldap#562)', () => {
    const held = b(`rid=001,csn=${csn('100000', '001')};${csn('100000', '002')}`)
    // a persist cookie carrying one newer CSN of provider 002
    expect(t(nextCookie(held, b(`rid=001,csn=${csn('110000', '002')}`)))).toBe(`rid=001,csn=${csn('100000', '001')};${csn('110000', '002')}`)
    // an older CSN for 001 does not regress it
    expect(t(nextCookie(held, b(`rid=001,csn=${csn('090000', '001')}`)))).toBe(`rid=001,csn=${csn('100000', '001')};${csn('100000', '002')}`)
  })

  it('keeps the provider’s own bytes when the new vector already dominates, and rid-only cookies do not erase state (§5 case 30)', () => {
    const fresh = b(`rid=123,csn=${csn('120000', '000')}`)
    expect(nextCookie(b(`rid=000,csn=${csn('100000', '000')}`), fresh)).toEqual(Uint8Array.from(fresh))
    expect(t(nextCookie(b(`rid=000,csn=${csn('100000', '000')}`), b('rid=000,sid=001')))).toBe(`rid=000,csn=${csn('100000', '000')}`)
  })

  it('replaces opaque cookies byte for byte (389-DS style, binary)', () => {
    const opaque = Uint8Array.of(0x68, 0x23, 0x00, 0xff, 0x3a)
    expect(nextCookie(b('host:389#cn=dm:dc=x:(objectClass=*)#12'), opaque)).toEqual(opaque)
  })
})
