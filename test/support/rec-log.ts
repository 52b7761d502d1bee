/**
 * The record type of the checkpoint package's record-log tests: `{ id, n }`, valid when `id`
 * names its key.
 */

/** A test record. */
export interface Rec {
  id: string;
  n: number;
}

/** Reads a Rec (throws on anything else), as a record log's `parse`. */
export const parseRec = (data: unknown): Rec => {
  const r = data as Rec;
  if (typeof r?.id !== 'string' || typeof r.n !== 'number') throw new Error('not a Rec');
  return { id: r.id, n: r.n };
};

/** A record log's `check`: a Rec must name its key. */
export const checkRec = (value: Rec, key: string): void => {
  if (value.id !== key) throw new Error(`names ${value.id}`);
};
