/** Where alerts go: a Slack-compatible incoming webhook and/or e-mail over SMTP. Both optional. */
import nodemailer from 'nodemailer';
import type { Config, Logger } from '@mikrosync/core';

export interface AlertMessage {
  subject: string;
  text: string;
}

export interface AlertChannel {
  name: string;
  send(m: AlertMessage): Promise<void>;
}

export function webhookChannel(url: string): AlertChannel {
  return {
    name: 'webhook',
    async send(m) {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ text: `*${m.subject}*\n${m.text}` }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    },
  };
}

export function emailChannel(smtpUrl: string, from: string, to: string[]): AlertChannel {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    name: 'email',
    async send(m) {
      await transport.sendMail({ from, to, subject: `[mikrosync] ${m.subject}`, text: m.text });
    },
  };
}

export function configuredChannels(config: Config, log: Logger): AlertChannel[] {
  const channels: AlertChannel[] = [];
  if (config.ops.alertWebhookUrl) channels.push(webhookChannel(config.ops.alertWebhookUrl));
  if (config.ops.alertSmtpUrl) {
    if (config.ops.alertEmailTo.length === 0) log.warn('ALERT_SMTP_URL is set but ALERT_EMAIL_TO is empty: no e-mail alerts');
    else channels.push(emailChannel(config.ops.alertSmtpUrl, config.ops.alertEmailFrom, config.ops.alertEmailTo));
  }
  return channels;
}
