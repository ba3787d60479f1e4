import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '@satvach/exec/testing';
import { renderAlertmanagerConfig } from './alertmanager.ts';
import { postAlert } from './testing/pipeline.ts';
import { type RunningAlertmanager, secretsDirOf, startAlertmanager } from './testing/alertmanager.ts';
import { rotationAnchoredAt, testEmail, type TestPerson } from './testing/rotation.ts';
import { ALERT_EMAIL_TO, alertEnvFor, type AlertSinks, startAlertSinks } from './testing/sinks.ts';
import { amtoolSilenceAdd, runTool } from './tools.ts';

// The on-call page with the real Alertmanager (Debian's 0.25) delivering into a real SMTP server
// (Mailpit). Time is simulated by moving the rotation, not the clock (see testing/rotation.ts).

let sinks: AlertSinks;
let scratch: string;
const running: RunningAlertmanager[] = [];

beforeAll(async () => {
  sinks = await startAlertSinks();
  scratch = mkdtempSync(join(tmpdir(), 'satvach-oncall-'));
});
afterAll(async () => {
  for (const am of running) await am.stop();
  await sinks?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

async function alertmanagerFor(week: number, escalationDelay: string): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(scratch, `week${week}-`));
  const rotation = rotationAnchoredAt(new Date(), { week, escalationDelay });
  const am = await startAlertmanager(dir, renderAlertmanagerConfig(alertEnvFor(sinks), { secretsDir: secretsDirOf(dir), rotation }));
  running.push(am);
  return am;
}

/** Who has received a firing notification about `alertname` by email, and when each was seen first. */
async function pagedBy(alertname: string): Promise<Map<string, number>> {
  const seen = new Map<string, number>();
  for (const message of await sinks.mailpit.messages()) {
    if (!message.Subject.startsWith('[FIRING:') || !message.Subject.includes(` ${alertname} `)) continue;
    for (const to of message.To) if (!seen.has(to.Address)) seen.set(to.Address, Date.parse(message.Created));
  }
  return seen;
}

const waitForPage = (alertname: string, address: string) =>
  waitFor(`${alertname} paged to ${address}`, async () => (await pagedBy(alertname)).get(address), 300_000, 200);

const critical = (alertname: string) => ({ alertname, severity: 'critical', service: 'backend' });

describe('the critical page reaches whoever is on call at that moment', () => {
  it.each<[number, TestPerson, TestPerson]>([
    [0, 'ada', 'grace'],
    [1, 'grace', 'linus'],
  ])('rotation week %i: the page goes to %s (and the team), nobody else', async (week, primary) => {
    const am = await alertmanagerFor(week, '1h');
    const alertname = `OncallRoutingWeek${week}`;
    await postAlert(am.url, critical(alertname), { summary: `routing check, week ${week}` });
    await waitForPage(alertname, testEmail(primary));
    await waitForPage(alertname, ALERT_EMAIL_TO);
    // The team's and every person's primary route flush together (one group_wait); the others'
    // time intervals were inactive at that flush, so nobody else has it.
    const recipients = [...(await pagedBy(alertname)).keys()].sort();
    console.log(`week ${week} (now in ${primary}'s shift): paged ${recipients.join(', ')}`);
    expect(recipients).toEqual([ALERT_EMAIL_TO, testEmail(primary)].sort());
    await am.stop();
  });
});

describe('escalation to the secondary', () => {
  const delay = 20;
  let am: RunningAlertmanager;
  beforeAll(async () => {
    am = await alertmanagerFor(0, `${delay}s`);
  });

  it(`an unacknowledged critical alert reaches the secondary after the ${delay} s delay`, async () => {
    const posted = Date.now();
    await postAlert(am.url, critical('EscalationUnacknowledged'), { summary: 'nobody acknowledges this' });
    const primaryAt = await waitForPage('EscalationUnacknowledged', testEmail('ada'));
    const secondaryAt = await waitForPage('EscalationUnacknowledged', testEmail('grace'));
    console.log(`escalation: primary (ada) paged ${((primaryAt - posted) / 1000).toFixed(1)} s after the alert, secondary (grace) ${((secondaryAt - posted) / 1000).toFixed(1)} s after`);
    expect(secondaryAt).toBeGreaterThan(primaryAt);
    // A lower bound only: load can delay the page, never bring it forward.
    expect(secondaryAt - posted).toBeGreaterThanOrEqual(delay * 1000 - 1000);
    expect((await pagedBy('EscalationUnacknowledged')).has(testEmail('linus'))).toBe(false);
  });
});

describe('an acknowledged page does not escalate', () => {
  // Long enough that the silence lands before the escalation however slow this machine is: the
  // acknowledgement is a few seconds after the primary's page, the escalation 90 s after the alert.
  const delay = 90;
  let am: RunningAlertmanager;
  beforeAll(async () => {
    am = await alertmanagerFor(0, `${delay}s`);
  });

  it(`one silenced with amtool after the primary's page never reaches the secondary (${delay} s delay)`, async () => {
    await postAlert(am.url, critical('EscalationAcknowledged'), { summary: 'ada acknowledges this' });
    await waitForPage('EscalationAcknowledged', testEmail('ada'));
    const silence = await runTool(amtoolSilenceAdd(am.url, { alertname: 'EscalationAcknowledged' }, { author: 'ada', comment: 'ack: investigating', duration: '1h' }));
    expect(silence.ok, silence.output).toBe(true);
    // A later alert with the same delay, not acknowledged: its escalation is due after the
    // acknowledged one's would have been, so once the secondary has it, that moment has passed.
    await postAlert(am.url, critical('EscalationSentinel'), { summary: 'posted after the acknowledgement' });
    await waitForPage('EscalationSentinel', testEmail('grace'));
    const acknowledged = await pagedBy('EscalationAcknowledged');
    console.log(`acknowledged alert paged: ${[...acknowledged.keys()].sort().join(', ')}`);
    expect([...acknowledged.keys()].sort()).toEqual([testEmail('ada'), ALERT_EMAIL_TO].sort());
  });
});
