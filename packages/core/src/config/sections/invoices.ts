import { z } from 'zod';
import { int, list } from '../fields.js';
import { section } from '../section.js';

export const invoices = section(
  'Invoices (sales, returns, purchases)',
  {
    ERP_DEPOT_NO: int(1, 0, 32767).describe('depot of every invoice line (sth_giris_depo_no / sth_cikis_depo_no)'),
    VAT_POINTERS: z
      .string()
      .regex(/^\s*\d+(\.\d+)?:\d+\s*(,\s*\d+(\.\d+)?:\d+\s*)*$/, { message: 'expected rate:pointer pairs, e.g. 0:1,1:2,10:3,20:4,26:5' })
      .default('0:1,1:2,10:3,20:4,26:5')
      .describe('VAT rate -> Mikro VAT pointer, used in both directions'),
    INVOICE_EDIT_POLICY: z
      .enum(['repost', 'reject'], { message: 'expected repost or reject' })
      .default('repost')
      .describe('repost: an edited posted invoice replaces its ERP rows (same number); reject: conflict'),
    SALES_POST_STATUSES: list('tamamlandi').describe('sales are posted when their status is one of these (comma-separated)'),
  },
  (e) => ({
    depotNo: e.ERP_DEPOT_NO,
    /** "rate:pointer,..." (parsed by the mappers). */
    vatPointers: e.VAT_POINTERS,
    /** What an edit of a posted document does: re-post in place, or reject as a conflict. */
    editPolicy: e.INVOICE_EDIT_POLICY,
    /** Sales whose status (durum / satis_durumu) is in this list are posted; others wait. */
    salesPostStatuses: e.SALES_POST_STATUSES,
  }),
);
