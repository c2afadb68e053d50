import { describe, expect, it } from 'vitest'
import { escapeAttribute, escapeText, replaceIllegalXmlChars } from './markup-escape.js'

describe('markup escaping', () => {
  it('escapes markup characters in text and, with quotes and line breaks, in attributes', () => {
    expect(escapeText('a<b>&"\'\nc\r')).toBe('a&lt;b&gt;&amp;"\'\nc&#13;')
    expect(escapeAttribute('a<b>&"\'\n\tc')).toBe('a&lt;b&gt;&amp;&quot;&#39;&#10;&#9;c')
  })

  it('replaces characters XML 1.0 forbids, keeps the ones it allows', () => {
    expect(replaceIllegalXmlChars('\u0000\u0008\u000b\u000c\u001b\u001f')).toBe('\\x00\\x08\\x0b\\x0c\\x1b\\x1f')
    expect(replaceIllegalXmlChars('\t\n\r\u007f\u00e9\u{1f600}')).toBe('\t\n\r\u007f\u00e9\u{1f600}')
    expect(replaceIllegalXmlChars('a\ud800b\udc00c\uffff')).toBe('a\ufffdb\ufffdc\ufffd')
  })
})
