/** The outcome of reading one scalar of the text form: the value, or why it is not one (a full sentence). */
export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string }

export function parsed<T>(value: T): Parsed<T> {
  return { ok: true, value }
}

export function failed<T>(error: string): Parsed<T> {
  return { ok: false, error }
}
