/**
 * The inbound webhook URL (spec §1.1): https://PORTAL/rest/USER_ID/CODE/. The code is a password:
 * only `describe()` (portal host and user id) may reach a log line or an error message.
 */
export interface BitrixWebhook {
  /** Prefix that methods are appended to: https://portal/rest/1/code */
  base: string;
  portal: string;
  userId: string;
  /** "portal.bitrix24.com (webhook user 1)": safe to log. */
  describe(): string;
  methodUrl(method: string): string;
}

const SHAPE = /^(https?:\/\/[^/\s]+)\/rest\/(\d+)\/([^/\s?#]+)\/?$/;

export function parseWebhookUrl(url: string): BitrixWebhook | undefined {
  const m = SHAPE.exec(url.trim());
  if (!m) return undefined;
  const origin = m[1]!;
  const portal = new URL(origin).host;
  const base = `${origin}/rest/${m[2]}/${m[3]}`;
  return {
    base,
    portal,
    userId: m[2]!,
    describe: () => `${portal} (webhook user ${m[2]})`,
    methodUrl: (method) => `${base}/${method}.json`,
  };
}
