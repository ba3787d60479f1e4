import { z } from 'zod';

/** The policy in SECURITY.md: a critical security PR must not stay open longer than this. */
export const SECURITY_SLA_HOURS = 24;
/** The label Renovate puts on vulnerability-fix PRs (renovate.json `vulnerabilityAlerts.labels`). */
export const SECURITY_LABEL = 'security';
/** Labels that mark a PR critical: Renovate's `severity:{{vulnerabilitySeverity}}` or a human's `critical`. */
export const CRITICAL_LABELS = ['severity:critical', 'critical'] as const;

/** The fields of GitHub's `GET /repos/{owner}/{repo}/pulls` items the policy reads. */
export const PullRequest = z
  .object({
    number: z.number().int(),
    title: z.string(),
    html_url: z.string(),
    state: z.string().optional(),
    draft: z.boolean().optional(),
    created_at: z.iso.datetime({ offset: true }),
    labels: z.array(z.object({ name: z.string() }).loose()),
  })
  .loose();
export type PullRequest = z.infer<typeof PullRequest>;

export interface SlaViolation {
  readonly number: number;
  readonly title: string;
  readonly url: string;
  readonly createdAt: string;
  readonly ageHours: number;
}

export interface SlaReport {
  /** Open security PRs of any severity, for the summary. */
  readonly securityPrs: readonly { number: number; title: string; critical: boolean; ageHours: number }[];
  /** Critical security PRs open for more than the SLA. */
  readonly violations: readonly SlaViolation[];
}

export interface SlaOptions {
  readonly now: Date;
  readonly maxAgeHours?: number;
}

/** Parses an API response (or fixture) into pull requests; the error names the item and field. */
export function parsePullRequests(json: unknown): PullRequest[] {
  const parsed = z.array(PullRequest).safeParse(json);
  if (!parsed.success) throw new Error(`not a GitHub pull request list:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

const labelNames = (pr: PullRequest) => pr.labels.map((label) => label.name.trim().toLowerCase());

/**
 * Applies the 24-hour policy to open pull requests: a PR labelled `security` and `severity:critical`
 * (or `critical`) that has been open for MORE than `maxAgeHours` is a violation. Exactly 24 h is still
 * within the policy. Closed PRs in the input are ignored.
 */
export function checkSecuritySla(prs: readonly PullRequest[], options: SlaOptions): SlaReport {
  const maxAgeHours = options.maxAgeHours ?? SECURITY_SLA_HOURS;
  const securityPrs: SlaReport['securityPrs'][number][] = [];
  const violations: SlaViolation[] = [];
  for (const pr of prs) {
    if (pr.state !== undefined && pr.state !== 'open') continue;
    const labels = labelNames(pr);
    if (!labels.includes(SECURITY_LABEL)) continue;
    const critical = CRITICAL_LABELS.some((label) => labels.includes(label));
    const ageMs = options.now.getTime() - new Date(pr.created_at).getTime();
    const ageHours = Math.round((ageMs / 3_600_000) * 100) / 100;
    securityPrs.push({ number: pr.number, title: pr.title, critical, ageHours });
    if (critical && ageMs > maxAgeHours * 3_600_000) {
      violations.push({ number: pr.number, title: pr.title, url: pr.html_url, createdAt: pr.created_at, ageHours });
    }
  }
  return { securityPrs, violations };
}

export function formatSlaReport(report: SlaReport, maxAgeHours = SECURITY_SLA_HOURS): string {
  const lines = [`open security PRs: ${report.securityPrs.length}; critical ones open > ${maxAgeHours} h: ${report.violations.length}`];
  for (const pr of report.securityPrs) lines.push(`  #${pr.number} ${pr.critical ? '[critical] ' : ''}${pr.title} (open ${pr.ageHours} h)`);
  for (const v of report.violations) {
    lines.push(`VIOLATION: #${v.number} "${v.title}" is critical and has been open ${v.ageHours} h (> ${maxAgeHours} h): ${v.url}`);
  }
  return lines.join('\n');
}

export interface FetchPullsOptions {
  /** `owner/name`. */
  readonly repository: string;
  /** https://api.github.com, or GitHub Enterprise's API URL. */
  readonly apiUrl: string;
  readonly token?: string;
  readonly fetch?: typeof fetch;
}

/** Every open pull request of a repository, following GitHub's `Link: rel="next"` pagination. */
export async function fetchOpenPullRequests(options: FetchPullsOptions): Promise<PullRequest[]> {
  const doFetch = options.fetch ?? fetch;
  if (!/^[\w.-]+\/[\w.-]+$/.test(options.repository)) throw new Error(`repository must be owner/name, got "${options.repository}"`);
  let url: string | null = `${options.apiUrl.replace(/\/+$/, '')}/repos/${options.repository}/pulls?state=open&per_page=100`;
  const all: PullRequest[] = [];
  while (url !== null) {
    const response: Response = await doFetch(url, {
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
    if (!response.ok) {
      throw new Error(`GET ${url} answered ${response.status} ${response.statusText}${response.status === 401 ? ' (check GITHUB_TOKEN)' : ''}`);
    }
    all.push(...parsePullRequests(await response.json()));
    const next = /<([^>]+)>;\s*rel="next"/.exec(response.headers.get('link') ?? '');
    url = next?.[1] ?? null;
  }
  return all;
}
