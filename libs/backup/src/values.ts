import { Cron } from 'croner';
import { z } from 'zod';

/**
 * The backup's values as one rule each, for every place that checks them: the backup tool's own
 * configuration and the stack's env (libs/compose), which passes them into the backup container.
 * Each returns what is wrong (without the key: the caller names it), or undefined when the value is good.
 * Light on purpose (croner and zod only): `@satvach/backup/values` is imported where the S3 client is not wanted.
 */

/** An S3 bucket name (the AWS rule MinIO, R2 and B2 share): 3-63 of a-z 0-9 . -, a letter or digit at both ends. */
export function bucketNameProblem(value: string): string | undefined {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(value) ? undefined : 'must be an S3 bucket name: 3-63 lowercase letters, digits, . or -, starting and ending with a letter or digit';
}

/** An age X25519 recipient as age-keygen prints it: age1 and 58 bech32 characters (what the backup image's age can encrypt to). */
export function ageRecipientProblem(value: string): string | undefined {
  return /^age1[02-9ac-hj-np-z]{58}$/.test(value) ? undefined : 'must be an age public key (age1…); make one with `age-keygen` and use the "public key" line';
}

/** A five-field cron expression croner (the backup container's scheduler) accepts in the IANA zone `timezone`. */
export function scheduleProblem(cron: string, timezone = 'UTC'): string | undefined {
  if (cron.trim().split(/\s+/).length !== 5) return 'must be five cron fields (minute hour day month weekday), such as "0 3 * * *"';
  try {
    const job = new Cron(cron, { timezone, paused: true });
    job.nextRun(); // an unknown time zone shows only when a date is computed
    job.stop();
    return undefined;
  } catch (error) {
    return `${(error as Error).message}; use five cron fields such as "0 3 * * *" and an IANA zone such as Europe/Berlin`;
  }
}

/** A zod string checked by one of these rules; the schema reports the message under its key. */
export function checkedBy(problemOf: (value: string) => string | undefined) {
  return z.string().check((ctx) => {
    const problem = problemOf(ctx.value);
    if (problem !== undefined) ctx.issues.push({ code: 'custom', input: ctx.value, message: problem });
  });
}
