// The three places alerts are delivered to in tests, all real servers on 127.0.0.1: Mailpit (a real SMTP
// server with an HTTP API), an HTTP server that accepts what Slack's incoming webhooks accept, and
// moto's SNS (the API Alertmanager's sns_configs call) with an SMS subscription on the topic.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandFailedError, run } from '@satvach/exec';
import { motoVersion } from '@satvach/backup/testing/moto';
import { freePort, waitFor } from '@satvach/exec/testing';

export const MAILPIT_VERSION = 'v1.33.1';
const toolsDir = () => process.env.SATVACH_TOOLS_DIR ?? join(homedir(), '.cache/satvach/tools');

export interface Background {
  /** Stops the process (SIGTERM) and waits for it. */
  stop(): Promise<void>;
  readonly exited: () => boolean;
}

/** Starts a long-running program; its output is kept quiet, its failure to start is thrown. */
export function background(file: string, args: readonly string[], env?: Parameters<typeof run>[0]['env']): Background {
  const controller = new AbortController();
  let exited = false;
  const done = run({ file, args, env }, { quiet: true, signal: controller.signal }).then(
    () => undefined,
    (error: unknown) => {
      if (!(error instanceof CommandFailedError)) throw error;
    },
  );
  void done.finally(() => (exited = true)).catch(() => undefined);
  return {
    exited: () => exited,
    stop: async () => {
      controller.abort();
      await done;
    },
  };
}

export interface Serving {
  readonly process: Background;
  /** Stops the program, then removes what `cleanup` names. */
  stop(): Promise<void>;
}

/**
 * Starts a server program and waits until `readyUrl` answers 2xx; when it exits or never gets ready,
 * it is stopped, `cleanup` runs and the error names `what`.
 */
export async function startServing(what: string, file: string, args: readonly string[], options: { env?: Parameters<typeof background>[2]; readyUrl: string; cleanup: () => void }): Promise<Serving> {
  const process = background(file, args, options.env);
  const stop = async () => {
    await process.stop();
    options.cleanup();
  };
  try {
    await waitFor(what, async () => {
      if (process.exited()) throw new Error(`${file} exited; run it by hand with the same arguments to see why`);
      return (await fetch(options.readyUrl)).ok || undefined;
    }, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { process, stop };
}

export interface Delivery<T> {
  readonly receivedAt: number;
  readonly body: T;
}

// ---------- Mailpit ----------

export interface MailpitMessage {
  readonly ID: string;
  readonly Subject: string;
  readonly To: { Address: string }[];
  readonly Created: string;
}

export interface Mailpit {
  readonly smtpHost: string;
  readonly api: string;
  messages(): Promise<MailpitMessage[]>;
  /** The plain-text body of one message. */
  text(id: string): Promise<string>;
  stop(): Promise<void>;
}

export function mailpitBinary(): string {
  const binary = join(toolsDir(), `mailpit-${MAILPIT_VERSION}`, 'mailpit');
  if (!existsSync(binary)) throw new Error(`Mailpit ${MAILPIT_VERSION} is not installed at ${binary}: run \`npm run setup\` (it builds it with \`go install github.com/axllent/mailpit@${MAILPIT_VERSION}\`)`);
  return binary;
}

/**
 * Mailpit on 127.0.0.1 without TLS (PLAIN auth is allowed to loopback): accepting any SMTP login, or
 * with `auth` only that user and password (a wrong one is refused, as a real server would).
 */
export async function startMailpit(auth?: { user: string; password: string }): Promise<Mailpit> {
  const binary = mailpitBinary();
  const [smtpPort, httpPort] = [await freePort(), await freePort()];
  const dir = mkdtempSync(join(tmpdir(), 'satvach-mailpit-'));
  const authFile = join(dir, 'smtp-auth');
  if (auth) writeFileSync(authFile, `${auth.user}:${auth.password}\n`, { mode: 0o600 });
  const authArgs = auth ? ['--smtp-auth-file', authFile] : ['--smtp-auth-accept-any'];
  const api = `http://127.0.0.1:${httpPort}`;
  const { stop } = await startServing(`Mailpit on ${api}`, binary, ['--smtp', `127.0.0.1:${smtpPort}`, '--listen', `127.0.0.1:${httpPort}`, '--database', join(dir, 'mailpit.db'), ...authArgs, '--smtp-auth-allow-insecure', '--quiet', '--disable-version-check'], {
    readyUrl: `${api}/api/v1/messages`,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  });
  return {
    smtpHost: `127.0.0.1:${smtpPort}`,
    api,
    async messages() {
      const response = await fetch(`${api}/api/v1/messages?limit=500`);
      return ((await response.json()) as { messages: MailpitMessage[] }).messages;
    },
    async text(id) {
      const response = await fetch(`${api}/api/v1/message/${id}`);
      return ((await response.json()) as { Text: string }).Text;
    },
    stop,
  };
}

// ---------- Slack ----------

/** The fields of Slack's incoming-webhook payload Alertmanager sends (attachments style). */
export interface SlackPayload {
  readonly channel?: string;
  readonly username?: string;
  readonly text?: string;
  readonly blocks?: unknown[];
  readonly attachments?: { title?: string; text?: string; fallback?: string; color?: string }[];
}

export interface SlackReceiver {
  /** The webhook URL (a secret in production: its path is the credential). */
  readonly url: string;
  /** Accepted payloads, in arrival order. */
  readonly received: Delivery<SlackPayload>[];
  /** Requests refused, with the reason (what Slack would answer 400 to). */
  readonly rejected: string[];
  stop(): Promise<void>;
}

/**
 * What Slack requires of a webhook post: JSON, posted to the webhook's own path, with `text` or
 * non-empty `attachments`/`blocks`; an attachment needs `fallback` or `text`. Returns the problem, or
 * undefined when Slack would accept it.
 */
export function slackPayloadProblem(request: { method?: string; path?: string; contentType?: string; body: string }, expectedPath: string): string | undefined {
  if (request.method !== 'POST') return `method ${request.method}, Slack webhooks take POST`;
  if (request.path !== expectedPath) return `posted to ${request.path}, not the webhook's path`;
  if (!request.contentType?.startsWith('application/json')) return `content-type ${request.contentType}, Slack needs application/json`;
  let payload: SlackPayload;
  try {
    payload = JSON.parse(request.body) as SlackPayload;
  } catch {
    return 'body is not JSON (invalid_payload)';
  }
  const hasText = typeof payload.text === 'string' && payload.text.length > 0;
  const attachments = Array.isArray(payload.attachments) ? payload.attachments : [];
  const hasBlocks = Array.isArray(payload.blocks) && payload.blocks.length > 0;
  if (!hasText && attachments.length === 0 && !hasBlocks) return 'no text, attachments or blocks (no_text)';
  if (attachments.some((attachment) => !attachment.fallback && !attachment.text)) return 'an attachment without fallback or text';
  return undefined;
}

const bodyOf = (request: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const path = `/services/T0TEST/B0TEST/${randomBytes(12).toString('hex')}`;
  const received: Delivery<SlackPayload>[] = [];
  const rejected: string[] = [];
  const server = createServer((request, response) => {
    void bodyOf(request).then((body) => {
      const problem = slackPayloadProblem({ method: request.method, path: request.url, contentType: request.headers['content-type'], body }, path);
      if (problem) {
        rejected.push(problem);
        response.writeHead(400).end('invalid_payload');
        return;
      }
      received.push({ receivedAt: Date.now(), body: JSON.parse(body) as SlackPayload });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}${path}`, received, rejected, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

// ---------- SNS (moto) ----------

export interface SnsNotification {
  readonly messageId: string;
  readonly message: string;
  readonly subject: string | null;
}

export interface SnsStandIn {
  readonly endpoint: string;
  readonly region: string;
  readonly topicArn: string;
  /** The phone number subscribed to the topic by SMS. */
  readonly phone: string;
  /** What was published to the topic, read from moto's own state. */
  published(): Promise<SnsNotification[]>;
  stop(): Promise<void>;
}

const SNS_REGION = 'us-east-1';

async function snsCall(endpoint: string, params: Record<string, string>): Promise<string> {
  // moto without IAM enforcement does not check the signature, but routes by the credential scope's service.
  const authorization = `AWS4-HMAC-SHA256 Credential=AKIASATVACHSETUP001/20260101/${SNS_REGION}/sns/aws4_request, SignedHeaders=host, Signature=0`;
  const response = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization }, body: new URLSearchParams({ Version: '2010-03-31', ...params }) });
  const text = await response.text();
  if (!response.ok) throw new Error(`moto SNS ${params.Action}: HTTP ${response.status}: ${text}`);
  return text;
}

/** moto's server with an SNS topic and an SMS subscription, as an SMS provider's stand-in. */
export async function startSns(): Promise<SnsStandIn> {
  const dir = join(toolsDir(), `moto-${motoVersion()}`);
  if (!existsSync(join(dir, '.satvach-installed'))) throw new Error(`moto ${motoVersion()} is not installed in ${dir}: run \`bash tools/scripts/setup-moto.sh\` (or \`npm run setup\`)`);
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const process = background(join(dir, 'bin/moto_server'), ['-H', '127.0.0.1', '-p', String(port)]);
  try {
    await waitFor(`moto on ${endpoint}`, async () => {
      if (process.exited()) throw new Error('exited');
      return (await fetch(`${endpoint}/moto-api/data.json`)).ok || undefined;
    }, 30_000, 100);
    const created = await snsCall(endpoint, { Action: 'CreateTopic', Name: 'satvach-alerts' });
    const topicArn = /<TopicArn>([^<]+)<\/TopicArn>/.exec(created)?.[1];
    if (!topicArn) throw new Error(`moto's CreateTopic answered without a TopicArn: ${created}`);
    const phone = '+15555550100';
    await snsCall(endpoint, { Action: 'Subscribe', TopicArn: topicArn, Protocol: 'sms', Endpoint: phone });
    return {
      endpoint,
      region: SNS_REGION,
      topicArn,
      phone,
      async published() {
        const data = (await (await fetch(`${endpoint}/moto-api/data.json`)).json()) as { sns?: { Topic?: { arn: string; sent_notifications: [string, string, string | null][] }[] } };
        const topic = data.sns?.Topic?.find((candidate) => candidate.arn === topicArn);
        return (topic?.sent_notifications ?? []).map(([messageId, message, subject]) => ({ messageId, message, subject }));
      },
      stop: process.stop,
    };
  } catch (error) {
    await process.stop();
    throw error;
  }
}
