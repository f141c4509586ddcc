import { z } from 'zod';
import { int } from '../fields.js';
import { section } from '../section.js';

/** STOCK_XML_DISTRIBUTE: a JSON array of commands, or one command per line; undefined when malformed. */
export function stockXmlCommands(value: string | undefined): string[] | undefined {
  const v = value?.trim() ?? '';
  if (v === '') return [];
  if (!v.startsWith('[')) return v.split(/\r?\n/).map((c) => c.trim()).filter(Boolean);
  try {
    const parsed: unknown = JSON.parse(v);
    return Array.isArray(parsed) && parsed.every((c) => typeof c === 'string' && c.trim() !== '') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

// SSH_* and FTP_XML_NAME keep the names of the original feed script.
export const stockXml = section(
  'Stock XML feed (xml domain; npm run stock-xml)',
  {
    FTP_XML_NAME: z
      .string()
      .default('sadece-stoklar.xml')
      .refine((v) => /^[^/\\\0]+$/.test(v) && v !== '.' && v !== '..', { message: 'expected a file name without a directory, e.g. sadece-stoklar.xml' })
      .describe('local and remote file name'),
    STOCK_XML_OUTPUT_DIR: z.string().optional().describe('local directory of the feed file; empty = <os temp dir>/mikrosync-stock-xml'),
    // 1000: a page's objects die young. At 5000 they outlive the young generation and the old space
    // grows with garbage (feed of 100k items: peak RSS 98 MB against 162 MB, same time).
    STOCK_XML_PAGE_SIZE: int(1000, 1, 50_000).describe('stock cards per ERP page and per xmlurunler upsert statement'),
    SSH_HOST: z.string().optional().describe('feed server; empty = the feed is written locally and not uploaded'),
    SSH_PORT: int(22, 1, 65535),
    SSH_USER: z.string().default('root'),
    SSH_PRIVATE_KEY_PATH: z.string().optional().describe('private key file (mode 600 or stricter; passphrase-less); key auth only'),
    SSH_REMOTE_PATH: z.string().default('/var/www/html/').describe('directory of the live feed; the upload goes to a temporary name there, then is renamed'),
    SSH_HOST_FINGERPRINT: z
      .string()
      .refine((v) => v.split(',').every((f) => /^SHA256:[A-Za-z0-9+/]{43}$/.test(f.trim())), {
        message: 'expected SHA256:... as printed by ssh-keygen -lf (comma-separated for several keys)',
      })
      .optional()
      .describe("SHA256:... of the server's host key (ssh-keygen -lf); empty = any key, with a warning"),
    SSH_CONNECT_TIMEOUT_MS: int(20_000, 1000, 600_000),
    STOCK_XML_DISTRIBUTE: z
      .string()
      .refine((v) => stockXmlCommands(v) !== undefined, { message: 'expected a JSON array of shell commands, or one command per line' })
      .optional()
      .describe(
        `Commands run on the feed server (under /bin/sh) after the upload is verified and BEFORE the new file goes live;
FEED_PATH is the verified new file, FEED_LIVE_PATH the live path, FEED_NAME the file name, FEED_DIR the directory.
A JSON array, or one command per line. A non-zero exit fails the job and the live feed stays as it was.
Example (a named container; the original copied into every running container and ignored failures):
STOCK_XML_DISTRIBUTE=["docker cp \\"$FEED_PATH\\" shop-web:/usr/share/nginx/html/\\"$FEED_NAME\\""]`,
      ),
    STOCK_XML_COMMAND_TIMEOUT_MS: int(120_000, 1000, 3_600_000).describe('per distribution command'),
  },
  (e) => ({
    fileName: e.FTP_XML_NAME,
    /** Local directory of the feed file; undefined: <os tmpdir>/mikrosync-stock-xml. */
    outputDir: e.STOCK_XML_OUTPUT_DIR,
    pageSize: e.STOCK_XML_PAGE_SIZE,
    /** Shell commands run on the feed server before the new feed goes live (FEED_PATH etc. set). */
    distribute: stockXmlCommands(e.STOCK_XML_DISTRIBUTE) ?? [],
    commandTimeoutMs: e.STOCK_XML_COMMAND_TIMEOUT_MS,
    ssh: {
      /** Undefined: no upload, the feed is only written locally. */
      host: e.SSH_HOST?.trim() || undefined,
      port: e.SSH_PORT,
      user: e.SSH_USER,
      privateKeyPath: e.SSH_PRIVATE_KEY_PATH,
      remotePath: e.SSH_REMOTE_PATH,
      /** Pinned host key fingerprints; empty: any key is accepted with a warning. */
      hostFingerprints: e.SSH_HOST_FINGERPRINT ? e.SSH_HOST_FINGERPRINT.split(',').map((f) => f.trim()) : [],
      connectTimeoutMs: e.SSH_CONNECT_TIMEOUT_MS,
    },
  }),
);
