const TRANSIENT_REGISTRY_ERRORS = [
  /toomanyrequests|too many requests|\b429\b/i,
  /\b50[234]\b|bad gateway|service unavailable|gateway time-?out/i,
  /connection reset|connection refused|broken pipe|unexpected EOF|i\/o timeout|TLS handshake timeout/i,
  /net\/http: request canceled|context deadline exceeded|temporary failure in name resolution/i,
];

/** Whether a failed `docker push`/`login` looks like a network or registry hiccup worth retrying. */
export function isTransientRegistryError(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message}\n${'stderr' in error ? String(error.stderr) : ''}` : String(error);
  return TRANSIENT_REGISTRY_ERRORS.some((pattern) => pattern.test(text));
}
