/** A local Slack-compatible webhook that keeps every alert message it receives, with its arrival time. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AlertHook {
  url: string;
  messages: { text: string; at: number }[];
  close(): Promise<void>;
}

/** `path`: the URL's path (a test of secret masking puts its marker there). */
export async function startAlertHook(path = '/services/T0/B0/fault-hook'): Promise<AlertHook> {
  const messages: AlertHook['messages'] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        messages.push({ text: String((JSON.parse(body) as { text?: unknown }).text ?? ''), at: Date.now() });
      } catch {
        messages.push({ text: body, at: Date.now() });
      }
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    messages,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
