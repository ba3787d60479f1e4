/** A full commit id: 40 hex digits (SHA-1 repositories) or 64 (SHA-256 ones), lowercase as git prints it. */
export function isFullGitSha(value: string): boolean {
  return /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(value);
}
