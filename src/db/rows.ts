// Result rows of a raw statement: postgres.js returns an array, PGlite an object with `rows`.
// Its own module so that repositories can use it without importing the client (which imports them).

/** postgres.js returns an array of rows, PGlite an object with `rows`: normalise. */
export function rows<T>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  const r = (result as { rows?: T[] }).rows;
  return r ?? [];
}
