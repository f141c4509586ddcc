export interface MikroColumn {
  readonly name: string;
  /** identity = the <prefix>_RECno column, never written; date = datetime literal 'YYYYMMDD[ hh:mm:ss.mmm]'. */
  readonly kind: 'identity' | 'text' | 'number' | 'date';
  readonly length?: number;
}

// Declared in core, at the connector/mapper seam; re-exported here while imports move there.
export type { MikroRow } from '@mikrosync/core';

