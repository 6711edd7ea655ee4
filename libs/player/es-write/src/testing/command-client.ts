import { randomUUID } from 'node:crypto';

/** The final answer to one command, after retries of 503/504 with the same Idempotency-Key. */
export interface FinalAnswer {
  readonly commandId: string;
  readonly status: number;
  readonly body: Record<string, unknown>;
  readonly attempts: number;
}

/**
 * Sends a command over REST with an Idempotency-Key and retries it with the same key while
 * the answer is 503 or 504 (the documented client behaviour), until a decision comes back.
 */
export const sendUntilDecided = async (
  baseUrl: string,
  path: string,
  body: unknown,
  {
    commandId = randomUUID(),
    maxAttempts = 40,
    retryDelayMs = 250,
  }: { commandId?: string; maxAttempts?: number; retryDelayMs?: number } = {},
): Promise<FinalAnswer> => {
  for (let attempt = 1; ; attempt += 1) {
    let status = 0;
    let parsed: Record<string, unknown> = {};
    try {
      const response = await fetch(`${baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': commandId },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    } catch {
      status = 0;
    }
    if (status !== 0 && status !== 503 && status !== 504)
      return { commandId, status, body: parsed, attempts: attempt };
    if (attempt >= maxAttempts)
      throw new Error(`${path}: no decision after ${attempt} attempts (last status ${status})`);
    await new Promise((resolve) => setTimeout(resolve, retryDelayMs));
  }
};

/** Sends a command once with an Idempotency-Key (no retry): the status and body it got, 0 when the request failed. */
export const sendOnce = async (
  baseUrl: string,
  path: string,
  body: unknown,
  commandId: string = randomUUID(),
  timeoutMs = 30_000,
): Promise<FinalAnswer> => {
  try {
    const response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': commandId },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const parsed = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { commandId, status: response.status, body: parsed, attempts: 1 };
  } catch {
    return { commandId, status: 0, body: {}, attempts: 1 };
  }
};
