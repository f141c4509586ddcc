/**
 * Generates packages/mappers/src/mikro/columns.generated.ts from the Mikro schema
 * (spec/schema/mikro.json): the ordered column list of every Mikro table we write,
 * so that every INSERT sets the whole column list in the Mikro client's own order (spec rule 1).
 *
 * Run through scripts/generate.ts (`npm run generate`).
 */
import { generatedHeader } from './generated-header.js';
import { readSchemaJson, schemaInput } from './schema-inputs.js';

/** Output paths relative to the repository root. */
export const OUTPUT_FILES = {
  columns: 'packages/mappers/src/mikro/columns.generated.ts',
} as const;

const WRITTEN_TABLES = [
  'CARI_HESAP_HAREKETLERI',
  'STOK_HAREKETLERI',
  'ODEME_EMIRLERI',
  'STOKLAR',
  'STOK_SATIS_FIYAT_LISTELERI',
  'CARI_HESAPLAR',
  'BARKOD_TANIMLARI',
  'SAYIM_SONUCLARI',
  'STOK_REYONLARI',
];

interface SchemaColumn {
  name: string;
  type?: string;
  identity?: boolean;
  length?: number;
}

export function kindOf(col: SchemaColumn): 'identity' | 'text' | 'number' | 'date' {
  const t = (col.type ?? 'nvarchar').toLowerCase();
  if (col.identity || t.includes('identity')) return 'identity';
  if (t.startsWith('nvarchar') || t.startsWith('varchar') || t.startsWith('uniqueidentifier')) return 'text';
  if (t.startsWith('datetime')) return 'date';
  return 'number';
}

export function generateMikroColumns(mikro: Record<string, { columns?: SchemaColumn[] }>): string {
  const lines = [
    ...generatedHeader('//', { generator: 'scripts/generate-mikro-columns.ts', inputs: [schemaInput('mikro.json')] }),
    "import type { MikroColumn } from './column-types.js';",
    '',
    'export const MIKRO_COLUMNS = {',
  ];
  for (const table of WRITTEN_TABLES) {
    const cols = mikro[table]?.columns;
    if (!cols) throw new Error(`mikro.json has no table ${table}`);
    lines.push(`  ${table}: [`);
    for (const c of cols) {
      const len = c.length ? `, length: ${c.length}` : '';
      lines.push(`    { name: '${c.name}', kind: '${kindOf(c)}'${len} },`);
    }
    lines.push('  ],');
  }
  lines.push('} as const satisfies Record<string, readonly MikroColumn[]>;', '', 'export type MikroTable = keyof typeof MIKRO_COLUMNS;', '');
  return lines.join('\n');
}

/** Repository-relative path -> full text of every file this generator owns. */
export function outputs(): Record<string, string> {
  return { [OUTPUT_FILES.columns]: generateMikroColumns(readSchemaJson<Record<string, { columns?: SchemaColumn[] }>>('mikro.json')) };
}
