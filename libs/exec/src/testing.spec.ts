import { describe, expect, it } from 'vitest';
import { thrown } from './testing.ts';

class ParseError extends Error {}

describe('thrown', () => {
  it('returns the error the call throws, typed when a class is given', () => {
    const error = new ParseError('line 2: not KEY=value');
    expect(thrown(() => { throw error; })).toBe(error);
    expect(thrown(() => { throw error; }, ParseError).message).toBe('line 2: not KEY=value');
  });

  it('fails when the call returns, naming what was expected', () => {
    expect(() => thrown(() => 42)).toThrow('expected an error, but the call returned');
    expect(() => thrown(() => 42, ParseError)).toThrow('expected a ParseError, but the call returned');
  });

  it('fails when the call throws another kind of error, naming both', () => {
    expect(() => thrown(() => { throw new TypeError('x is undefined'); }, ParseError)).toThrow('expected a ParseError, got TypeError: x is undefined');
  });
});
