import { describe, expect, it } from 'vitest'
import { LdapClientError } from './errors.js'
import { parseLdapUrl } from './url.js'

describe('parseLdapUrl', () => {
  it.each([
    ['ldap://127.0.0.1:1389', { secure: false, host: '127.0.0.1', port: 1389 }],
    ['ldaps://ldap.example.com', { secure: true, host: 'ldap.example.com', port: 636 }],
    ['ldap://ldap.example.com/', { secure: false, host: 'ldap.example.com', port: 389 }],
    ['LDAP://[::1]:10389', { secure: false, host: '::1', port: 10389 }],
  ])('reads %s', (url, expected) => {
    expect(parseLdapUrl(url)).toEqual(expected)
  })

  it.each([
    ['https://host', 'scheme "https"'],
    ['ldap:host', 'no "//"'],
    ['ldap://', 'has no host'],
    ['ldap://host:', 'empty port'],
    ['ldap://host:0', 'outside 1..65535'],
    ['ldap://host:65536', 'outside 1..65535'],
    ['ldap://host:12x', 'not a number'],
    ['ldap://user:pw@host', 'user information'],
    ['ldap://host/dc=example,dc=com', 'DN or other path ("/dc=example,dc=com")'],
    ['ldap://host/??sub?(cn=x)', 'query or fragment'],
    ['', 'is not a URL'],
  ])('refuses %j with CLIENT_BAD_URL', (url, phrase) => {
    let error: unknown
    try {
      parseLdapUrl(url)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(LdapClientError)
    expect((error as LdapClientError).code).toBe('CLIENT_BAD_URL')
    expect((error as LdapClientError).message).toContain(phrase)
  })
})
