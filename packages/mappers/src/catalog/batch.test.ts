/** keepLast: de-duplication of a read batch on the web key. */
import { describe, expect, it } from 'vitest';
import { keepLast } from './batch.js';

describe('de-duplication on the web key', () => {
  it('keeps the last row in read order, i.e. the greatest (lastup_date, RECno)', () => {
    const r = keepLast([{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 3 }], (x) => x.k);
    expect(r).toEqual({ rows: [{ k: 'b', v: 2 }, { k: 'a', v: 3 }], duplicates: 1 });
  });
});
