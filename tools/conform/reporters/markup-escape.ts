/**
 * Escaping for every markup the reporters write (JUnit XML, SVG, HTML). Case texts, consumer
 * stderr and wire texts are untrusted: they may hold `<`, quotes, or control bytes such as ANSI
 * colour escapes. XML 1.0 (§2.2 "Characters") forbids most C0 controls even as character
 * references, so a JUnit file with a raw ESC byte is rejected by every CI parser; those characters
 * are replaced by a visible `\xNN` (lone surrogates, U+FFFE and U+FFFF by U+FFFD).
 */

// C0 controls other than TAB, LF, CR; U+FFFE/U+FFFF; unpaired UTF-16 surrogates.
const ILLEGAL_XML_CHARS =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Replaces the characters XML 1.0 does not allow with a visible stand-in. */
export function replaceIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL_XML_CHARS, (c) => {
    const code = c.charCodeAt(0)
    return code < 0x20 ? `\\x${code.toString(16).padStart(2, '0')}` : '\uFFFD'
  })
}

/** Escapes text content of an element (XML or HTML); line breaks are kept. */
export function escapeText(text: string): string {
  return replaceIllegalXmlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    // A raw CR would be normalised to LF by an XML parser; keep it as it was.
    .replace(/\r/g, '&#13;')
}

/**
 * Escapes an attribute value (XML or HTML, either quote style). Tabs and line breaks become
 * character references because XML attribute-value normalisation would turn them into spaces.
 */
export function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
}
