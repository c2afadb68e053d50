/**
 * `{ [key]: value }` when value is defined, else `{}`: spread into an object literal so that an
 * optional member of scenarios/types.ts is absent rather than present and `undefined` (the
 * runtime and the tests tell the two apart with `in` and toEqual).
 */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V }
}
