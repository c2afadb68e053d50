export { BerReader } from './reader.js'
export { BerWriter, encodeWith } from './writer.js'
export { Tag, TagClass, CONSTRUCTED, context, contextConstructed, application } from './tags.js'
