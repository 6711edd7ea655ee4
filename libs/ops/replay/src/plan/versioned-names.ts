/**
 * Generations of a view are collections `${view}_v${n}`. The unsuffixed collection the
 * fleet starts with is generation 1, so the first rebuild writes `${view}_v2`.
 */
export const versionedCollection = (view: string, version: number): string => `${view}_v${version}`;

/** The generation a collection holds for view: 1 for the plain name, n for `${view}_v${n}`, null for anything else. */
export const versionOfCollection = (view: string, collection: string): number | null => {
  if (collection === view) return 1;
  if (!collection.startsWith(`${view}_v`)) return null;
  const digits = collection.slice(view.length + 2);
  if (!/^[1-9]\d{0,8}$/.test(digits)) return null;
  return Number(digits);
};

/** The next free generation: one above every generation in use or planned (at least 2). */
export const nextVersion = (inUse: readonly number[]): number => Math.max(1, ...inUse) + 1;
