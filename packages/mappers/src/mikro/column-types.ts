export interface MikroColumn {
  readonly name: string;
  /** identity = the <prefix>_RECno column, never written; date = datetime literal 'YYYYMMDD[ hh:mm:ss.mmm]'. */
  readonly kind: 'identity' | 'text' | 'number' | 'date';
  readonly length?: number;
}

export type { MikroRow } from '@mikrosync/core';
