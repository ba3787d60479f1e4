import { type Logger, type Secret, withRetry } from '@satvach/exec';

export interface Heartbeat {
  readonly successUrl: Secret;
  readonly failureUrl: Secret;
}

export const HEARTBEAT_TIMEOUT_MS = 10_000;
const ATTEMPTS = 3;

/**
 * Tells monitoring how a run went: POST to the success or the failure URL with the run's summary as the
 * body (healthchecks.io shows it). A monitoring outage must not fail the backup: errors are logged, never
 * thrown. The URL is a secret (it authorises pings) and is never logged.
 */
export async function sendHeartbeat(heartbeat: Heartbeat | undefined, ok: boolean, summary: string, log: Logger, fetchFn: typeof fetch = fetch): Promise<boolean> {
  if (heartbeat === undefined) return false;
  const url = (ok ? heartbeat.successUrl : heartbeat.failureUrl).reveal();
  try {
    await withRetry(
      async () => {
        let response: Response;
        try {
          response = await fetchFn(url, {
            method: 'POST',
            body: summary.slice(-10_000),
            headers: { 'content-type': 'text/plain; charset=utf-8' },
            signal: AbortSignal.timeout(HEARTBEAT_TIMEOUT_MS),
          });
        } catch (error) {
          throw new Error((error as Error).name === 'TimeoutError' ? `no answer within ${HEARTBEAT_TIMEOUT_MS} ms` : ((error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message));
        }
        await response.body?.cancel();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
      },
      // Every failure is worth another try: the ping is cheap and a monitoring blip is the usual cause.
      { attempts: ATTEMPTS, baseDelayMs: 500, isTransient: () => true },
    );
  } catch (error) {
    log.warn(`heartbeat: the ${ok ? 'success' : 'failure'} ping failed after ${ATTEMPTS} attempts (${(error as Error).message}); check SATVACH_BACKUP_HEARTBEAT_URL`);
    return false;
  }
  log.info(`heartbeat: ${ok ? 'success' : 'failure'} ping sent`);
  return true;
}
