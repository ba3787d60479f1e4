import { type Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { type S3Config } from './config.ts';

/** Multipart part size: memory is about partSize × (queueSize + 1) whatever the dump's size. */
export const PART_SIZE = 8 * 1024 * 1024;
export const QUEUE_SIZE = 2;

export class StoreError extends Error {
  override readonly name = 'StoreError';
}

/** The S3 client options, as data: path style for MinIO, checksums only when required (see real-parts.md). */
export function s3ClientConfig(config: S3Config): S3ClientConfig {
  return {
    region: config.region,
    ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
    forcePathStyle: config.forcePathStyle,
    // With the SDK's default (WHEN_SUPPORTED) a streamed body is sent aws-chunked, which MinIO stand-ins
    // may store with the framing bytes; our own SHA-256 in the manifest is the integrity check.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
    ...(config.accessKeyId === undefined || config.secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey.reveal() } }),
  };
}

/** Names a target by endpoint and bucket (never its keys): `replica bucket "b" at https://…`. */
export function where(config: S3Config): string {
  return `${config.target === 'primary' ? '' : `${config.target} `}bucket "${config.bucket}" at ${config.endpoint ?? 'AWS S3'}`;
}

/** Turns SDK and socket errors into one sentence that says what is wrong and what to do. */
export function describeS3Error(error: unknown, config: S3Config, action: string): StoreError {
  const err = error as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number }; cause?: { code?: string } };
  const status = err.$metadata?.httpStatusCode;
  const code = err.code ?? err.cause?.code ?? '';
  const name = err.name ?? '';
  if (name === 'NoSuchBucket' || (name === 'NotFound' && action === 'check the bucket') || (status === 404 && action === 'check the bucket')) {
    return new StoreError(`${where(config)} does not exist: create it (e.g. \`mc mb\`) or fix ${config.keyPrefix}_BUCKET`);
  }
  if (['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'AccessDenied', 'Forbidden', 'InvalidToken'].includes(name) || status === 403) {
    const denied = name === 'AccessDenied' || (name === '' && status === 403);
    const key = `access key id "${config.accessKeyId ?? '(none)'}"`;
    return new StoreError(
      denied
        ? `cannot ${action}: S3 denied it to ${key} on ${where(config)} (AccessDenied): the key's policy does not allow it — check ${config.keyPrefix}_ACCESS_KEY_ID is the identity meant for this`
        : `S3 rejected the credentials for ${where(config)}, ${key} (${name || status}): check ${config.keyPrefix}_ACCESS_KEY_ID / ${config.keyPrefix}_SECRET_ACCESS_KEY`,
    );
  }
  if (['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE'].includes(code) || name === 'TimeoutError') {
    return new StoreError(`cannot ${action}: ${where(config)} is unreachable (${code || name}); check ${config.keyPrefix}_ENDPOINT_URL and that the server runs`);
  }
  if (name === 'CredentialsProviderError') {
    return new StoreError(`no S3 credentials for ${where(config)}: set ${config.keyPrefix}_ACCESS_KEY_ID and ${config.keyPrefix}_SECRET_ACCESS_KEY`);
  }
  return new StoreError(`cannot ${action} (${where(config)}): ${name ? `${name}: ` : ''}${err.message ?? String(error)}`);
}

export interface StoredObject {
  readonly key: string;
  readonly size: number;
  readonly lastModified: Date | undefined;
}

/** The few object operations backups need, with errors that name the bucket and the fix. */
export class BackupStore {
  readonly config: S3Config;
  readonly client: S3Client;

  constructor(config: S3Config, client: S3Client = new S3Client(s3ClientConfig(config))) {
    this.config = config;
    this.client = client;
  }

  async #call<T>(action: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw describeS3Error(error, this.config, action);
    }
  }

  /** Fails early with a clear message when the bucket is missing, the credentials wrong or the server down. */
  async checkBucket(): Promise<void> {
    await this.#call('check the bucket', () => this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket })));
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const objects: StoredObject[] = [];
    let token: string | undefined;
    do {
      const page = await this.#call('list the backups', () =>
        this.client.send(new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: `${prefix}/`, ContinuationToken: token })),
      );
      for (const item of page.Contents ?? []) if (item.Key !== undefined) objects.push({ key: item.Key, size: item.Size ?? 0, lastModified: item.LastModified });
      token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return objects;
  }

  async getText(key: string): Promise<string | undefined> {
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return (await response.Body?.transformToString('utf8')) ?? '';
    } catch (error) {
      if ((error as { name?: string }).name === 'NoSuchKey') return undefined;
      throw describeS3Error(error, this.config, `read ${key}`);
    }
  }

  async putJson(key: string, value: unknown): Promise<void> {
    const body = `${JSON.stringify(value, null, 2)}\n`;
    await this.#call(`write ${key}`, () =>
      this.client.send(new PutObjectCommand({ Bucket: this.config.bucket, Key: key, Body: body, ContentType: 'application/json' })),
    );
  }

  async download(key: string): Promise<Readable> {
    const response = await this.#call(`download ${key}`, () => this.client.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key })));
    if (response.Body === undefined) throw new StoreError(`${key} in ${where(this.config)} has no body`);
    return response.Body as Readable;
  }

  /**
   * Streams `body` to `key` with a multipart upload. The object appears only when the upload completes;
   * on any error (the body stream failing included) the multipart upload is aborted, so no partial object
   * is left.
   */
  async upload(key: string, body: Readable, contentType = 'application/octet-stream'): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: key, Body: body, ContentType: contentType },
      partSize: PART_SIZE,
      queueSize: QUEUE_SIZE,
      leavePartsOnError: false,
    });
    try {
      await upload.done();
    } catch (error) {
      await upload.abort().catch(() => undefined);
      if (error instanceof StoreError) throw error;
      throw describeS3Error(error, this.config, `upload ${key}`);
    }
  }

  /** Deletes keys one by one, in the given order: a prune cut short never leaves a manifest without its dump. */
  async delete(keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      await this.#call(`delete ${key}`, () => this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key })));
    }
  }
}
