/** A real SMTP server on a free local port that keeps every message it receives, for alert and summary mail tests. */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpReceiver {
  /** Raw messages, in the order they arrived. */
  mails: string[];
  /** An SMTP URL for ALERT_SMTP_URL that reaches this server. */
  url: string;
  close(): void;
}

export async function smtpReceiver(): Promise<SmtpReceiver> {
  const mails: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, _session, callback) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString()));
      stream.on('end', () => {
        mails.push(data);
        callback();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { mails, url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}?ignoreTLS=true`, close: () => server.close() };
}

/** Undoes quoted-printable: soft line breaks and `=XX` bytes, read as UTF-8. */
function unquote(text: string): string {
  const bytes: number[] = [];
  const s = text.replace(/=\r?\n/g, '');
  for (let i = 0; i < s.length; i++) {
    const hex = s[i] === '=' ? s.slice(i + 1, i + 3) : '';
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(s[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/**
 * The subject and text of a raw single-part message as its reader sees them: encoded words of the
 * subject (RFC 2047) and the body's quoted-printable or base64 undone, line ends as `\n`.
 */
export function readMail(raw: string): { subject: string; text: string } {
  const split = /\r?\n\r?\n/.exec(raw);
  const head = (split ? raw.slice(0, split.index) : raw).replace(/\r?\n[ \t]+/g, ' ');
  const body = split ? raw.slice(split.index + split[0].length) : '';
  const header = (name: string) => new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head)?.[1] ?? '';
  const subject = header('Subject')
    .replace(/(\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?UTF-8\?([QB])\?([^?]*)\?=/gi, (_all, enc: string, data: string) =>
      enc.toUpperCase() === 'B' ? Buffer.from(data, 'base64').toString('utf8') : unquote(data.replace(/_/g, ' ')),
    );
  const encoding = header('Content-Transfer-Encoding').toLowerCase();
  const text = encoding === 'quoted-printable' ? unquote(body) : encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : body;
  return { subject, text: text.replace(/\r\n/g, '\n') };
}
