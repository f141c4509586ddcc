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
