import { CommandFailedError } from '@satvach/exec';
import { describe, expect, it } from 'vitest';
import { isTransientRegistryError } from './retry.ts';

describe('isTransientRegistryError', () => {
  const failed = (stderr: string) =>
    new CommandFailedError({ command: 'docker push x:1', reason: 'exit', exitCode: 1, stdout: '', stderr, durationMs: 1 });

  it.each([
    ['received unexpected HTTP status: 503 Service Unavailable', true],
    ['toomanyrequests: rate limit exceeded', true],
    ['read tcp 127.0.0.1:5000: connection reset by peer', true],
    ['net/http: TLS handshake timeout', true],
    ['denied: requested access to the resource is denied', false],
    ['unauthorized: authentication required', false],
    ['name unknown: repository name not known to registry', false],
  ])('%s → %s', (stderr, transient) => {
    expect(isTransientRegistryError(failed(stderr))).toBe(transient);
  });
});
