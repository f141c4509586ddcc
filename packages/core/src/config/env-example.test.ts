import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { outputs } from '../../../../scripts/generate-env-example.js';

describe('.env.example', () => {
  it('is what the configuration sections generate', () => {
    for (const [path, text] of Object.entries(outputs())) {
      const committed = readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');
      expect(committed, `${path} is stale: run npm run generate`).toBe(text);
    }
  });

  it('shows each variable with its default, and a one-line description after it', () => {
    const text = Object.values(outputs())[0]!;
    expect(text).toMatch(/^BITRIX_RATE_PER_SECOND=2 +# leaky bucket drain/m);
    expect(text).toMatch(/^TRANSIENT_RETRY_FOR=24h +# /m);
    expect(text).toMatch(/^SCHEDULE_CATALOG=\*\/15 \* \* \* \* +# /m);
    expect(text).toMatch(/^# --- Workers -+\n/m);
  });
});
