import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { type Secret } from '@satvach/exec';
import type { BucketObservation, StorageObservation } from '../observations.ts';
import { reasonOf } from './http.ts';

export interface StorageTarget {
  readonly endpoint: string;
  readonly buckets: readonly string[];
  readonly accessKeyId: string;
  readonly secretAccessKey: Secret;
}

const NO_ANSWER = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'TimeoutError']);

/** HEAD of each bucket with the backend's identity: refused, missing and denied are told apart. */
export async function probeStorage(target: StorageTarget): Promise<StorageObservation> {
  const client = new S3Client({
    endpoint: target.endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: target.accessKeyId, secretAccessKey: target.secretAccessKey.reveal() },
  });
  try {
    const buckets: BucketObservation[] = [];
    for (const name of target.buckets) {
      try {
        await client.send(new HeadBucketCommand({ Bucket: name }), { abortSignal: AbortSignal.timeout(5000) });
        buckets.push({ name, state: 'ok' });
      } catch (error) {
        const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
        const code = (error as { code?: string }).code ?? (error as Error).name;
        if (status === undefined && NO_ANSWER.has(code)) return { kind: 'unreachable', endpoint: target.endpoint, reason: reasonOf(error) };
        if (status === 404) buckets.push({ name, state: 'missing' });
        else if (status === 403) buckets.push({ name, state: 'denied' });
        else buckets.push({ name, state: 'error', detail: status === undefined ? reasonOf(error) : `HTTP ${status}` });
      }
    }
    return { kind: 'answered', endpoint: target.endpoint, buckets };
  } finally {
    client.destroy();
  }
}
