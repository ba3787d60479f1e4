import { describe, expect, it } from 'vitest';
import { ageRecipientProblem, bucketNameProblem, scheduleProblem } from './values.ts';

const RECIPIENT = 'age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p';

describe('bucketNameProblem', () => {
  it.each(['satvach-backups', 'a.b-c', '123'])('accepts %s', (name) => expect(bucketNameProblem(name)).toBeUndefined());
  it.each(['ab', 'Satvach', '-backups', 'backups-', 'back_ups', 'x'.repeat(64)])('refuses %s', (name) => expect(bucketNameProblem(name)).toMatch(/^must be an S3 bucket name/));
});

describe('ageRecipientProblem', () => {
  it('accepts what age-keygen prints', () => expect(ageRecipientProblem(RECIPIENT)).toBeUndefined());
  it.each([
    ['a private key', 'AGE-SECRET-KEY-1QQQ'],
    ['a truncated key', RECIPIENT.slice(0, 30)],
    ['a key one character long', `${RECIPIENT}q`],
    ['a character outside bech32 (b)', `age1b${RECIPIENT.slice(5)}`],
  ])('refuses %s', (_what, value) => expect(ageRecipientProblem(value)).toMatch(/^must be an age public key/));
});

describe('scheduleProblem', () => {
  it.each(['0 3 * * *', '*/15 * * * 1-5', '30 2 1 * *'])('accepts %s', (cron) => expect(scheduleProblem(cron)).toBeUndefined());
  it('refuses anything but five fields, including croner\'s six-field form with seconds', () => {
    expect(scheduleProblem('every night')).toMatch(/^must be five cron fields/);
    expect(scheduleProblem('0 0 3 * * *')).toMatch(/^must be five cron fields/);
  });
  it('refuses five fields croner cannot read, with croner\'s reason', () => {
    expect(scheduleProblem('61 3 * * *')).toMatch(/; use five cron fields such as "0 3 \* \* \*"/);
    expect(scheduleProblem('0 3 * * mon-sunday')).toBeDefined();
  });
  it('refuses an unknown time zone', () => expect(scheduleProblem('0 3 * * *', 'Mars/Olympus')).toMatch(/IANA zone/));
});
