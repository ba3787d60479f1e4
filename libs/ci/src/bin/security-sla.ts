// `npx nx run platform:security-sla -- --input=<file>` or `-- --repo=<owner/name>`: lists open
// security PRs and exits 1 when a critical one has been open longer than 24 hours (SECURITY.md).
//   --input=<file>        a JSON array shaped like GitHub's GET /repos/{owner}/{repo}/pulls
//   --repo=<owner/name>   read open PRs from the API instead (token: GITHUB_TOKEN; default repo:
//                         GITHUB_REPOSITORY; API: --api-url, else GITHUB_API_URL, else api.github.com)
//   --now=<ISO time>      evaluate at this time instead of now (reproducible runs)
// Exit codes: 0 within policy, 1 violation, 2 bad input.
import { appendFile, readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import {
  checkSecuritySla,
  fetchOpenPullRequests,
  formatSlaReport,
  parsePullRequests,
  SECURITY_SLA_HOURS,
} from '../security-sla.ts';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      input: { type: 'string' },
      repo: { type: 'string' },
      'api-url': { type: 'string' },
      now: { type: 'string' },
    },
    strict: true,
  });
  const now = values.now === undefined ? new Date() : new Date(values.now);
  if (Number.isNaN(now.getTime())) throw new Error(`--now must be an ISO time, got "${values.now}"`);

  let source: string;
  let prs;
  if (values.input !== undefined) {
    source = values.input;
    prs = parsePullRequests(JSON.parse(await readFile(values.input, 'utf8')));
  } else {
    const repository = values.repo ?? process.env.GITHUB_REPOSITORY;
    if (repository === undefined) throw new Error('pass --input=<file> or --repo=<owner/name> (or set GITHUB_REPOSITORY)');
    const apiUrl = values['api-url'] ?? process.env.GITHUB_API_URL ?? 'https://api.github.com';
    source = `${apiUrl} ${repository}`;
    prs = await fetchOpenPullRequests({ repository, apiUrl, token: process.env.GITHUB_TOKEN });
  }

  const report = checkSecuritySla(prs, { now });
  console.log(`security SLA (${SECURITY_SLA_HOURS} h for critical security PRs) at ${now.toISOString()}, from ${source}`);
  console.log(formatSlaReport(report));
  if (process.env.GITHUB_ACTIONS === 'true') {
    for (const v of report.violations) console.log(`::error title=Security SLA breached::#${v.number} ${v.title} open ${v.ageHours} h (${v.url})`);
    if (process.env.GITHUB_STEP_SUMMARY) await appendFile(process.env.GITHUB_STEP_SUMMARY, `\`\`\`\n${formatSlaReport(report)}\n\`\`\`\n`);
  }
  return report.violations.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`security-sla: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 2;
  },
);
